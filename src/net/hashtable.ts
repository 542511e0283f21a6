// The loop every kernel hash table shares: N bucket heads in a row, each an hlist or hlist_nulls
// chain of entries (sockets, bind buckets) linked through a member at `nodeOffset`. A bucket
// that cannot be read or whose chain is corrupt becomes a WalkProblem and the walk goes on with the next bucket.

import type { Kernel } from '../kernel/kernel.js';
import { headProblem, hlistNullsEntries, unreadable, type WalkProblem } from '../kernel/walk.js';
import { drainSteps, readChainsInAddressOrder, type ChainStart } from './address-order.js';

export interface BucketArray {
  /** Name for problem lines: "udp_table", "raw_v4_hashinfo". */
  name: string;
  /** Address of the first bucket's head pointer. */
  first: bigint;
  count: number;
  /** Distance between bucket heads. */
  stride: bigint;
  /** Offset of the link inside each socket (skc_node, skc_bind_node, ...). */
  nodeOffset: bigint;
}

/** Bucket heads are read this many at a time: a large ehash has millions, mostly empty. */
const CHUNK = 512;

/** sk_for_each / sk_nulls_for_each (include/net/sock.h) over every bucket of a hash table:
 *  yield every entry (the container of the link: a sock, an inet_bind_bucket, ...); works for
 *  hlist and hlist_nulls heads. */
export function* hashBucketEntries(k: Kernel, b: BucketArray, problems: WalkProblem[]): Generator<bigint> {
  const onProblem = (p: WalkProblem) => problems.push(p);
  const stride = Number(b.stride);
  for (let c = 0; c < b.count; c += CHUNK) {
    const n = Math.min(CHUNK, b.count - c);
    let heads: Buffer | undefined;
    try {
      heads = k.mem.read(b.first + BigInt(c) * b.stride, (n - 1) * stride + 8);
    } catch {
      // a page of the array is missing: read bucket by bucket to name the ones lost
    }
    for (let j = 0; j < n; j++) {
      const i = c + j;
      let first: bigint;
      if (heads) first = heads.readBigUInt64LE(j * stride);
      else {
        const head = b.first + BigInt(i) * b.stride;
        try {
          first = k.mem.ptr(head);
        } catch (e) {
          problems.push(headProblem(`${b.name} bucket ${i}`, head, e));
          continue;
        }
      }
      if (first === 0n || first & 1n) continue;
      for (const node of hlistNullsEntries(k.mem, first, { where: `${b.name} bucket ${i}`, onProblem })) {
        yield node - b.nodeOffset;
      }
    }
  }
}

/**
 * readEach over every entry of a hash table, read in address order: the same rows, in the same
 * (bucket, chain position) order as a walk bucket by bucket, and the same problems. A walk in
 * hash order jumps between slab pages at random, so a table larger than the page cache
 * decodes most pages several times (100,000 TCP sockets: 235,000 page decodes for 75,000
 * distinct pages); here the entries are visited in sweeps over descending addresses
 * (address-order.ts), so the pages of a slab are decoded once, one after the other, and the
 * cache can stay small (20,000 sockets, 1,024-page cache: 15,892 decodes for 15,706 distinct
 * pages). `read` returns a row (or undefined to skip the entry); an entry that cannot be read
 * is one problem, and a chain that cannot be followed further ends with one, as in
 * hashBucketEntries.
 */
export function readBucketsInAddressOrder<R>(
  k: Kernel,
  b: BucketArray,
  read: (entry: bigint) => R | undefined,
  problems: WalkProblem[],
  out: R[] = [],
  /** Bytes of each entry `read` looks at (from the entry's start): their pages are decoded
   *  ahead, sweep by sweep (KernelMemory.prefetch). */
  span = Number(b.nodeOffset) + 16,
): R[] {
  const stride = Number(b.stride);
  const starts: ChainStart[] = [];
  for (let c = 0; c < b.count; c += CHUNK) {
    const n = Math.min(CHUNK, b.count - c);
    let heads: Buffer | undefined;
    try {
      heads = k.mem.read(b.first + BigInt(c) * b.stride, (n - 1) * stride + 8);
    } catch {
      // a page of the array is missing: read bucket by bucket to name the ones lost
    }
    for (let j = 0; j < n; j++) {
      const i = c + j;
      if (heads) {
        const first = heads.readBigUInt64LE(j * stride);
        if (first !== 0n && !(first & 1n)) starts.push({ chain: i, first });
        continue;
      }
      const head = b.first + BigInt(i) * b.stride;
      try {
        const first = k.mem.ptr(head);
        if (first !== 0n && !(first & 1n)) starts.push({ chain: i, first });
      } catch (e) {
        starts.push({ chain: i, first: 0n, problem: headProblem(`${b.name} bucket ${i}`, head, e) });
      }
    }
  }
  const steps = readChainsInAddressOrder(
    k,
    starts,
    { where: (i) => `${b.name} bucket ${i}`, nextOffset: 0n, entryOffset: b.nodeOffset, nulls: true, span },
    (entry) => read(entry),
    (entry, _link, _chain, e) => unreadable(b.name, entry, e), // readEach's problem
  );
  drainSteps(steps, out, problems);
  return out;
}
