// The loop every kernel hash table shares: N bucket heads in a row, each an hlist or hlist_nulls
// chain of entries (sockets, bind buckets) linked through a member at `nodeOffset`. A bucket
// that cannot be read or whose chain is corrupt becomes a WalkProblem and the walk goes on with the next bucket.

import type { Kernel } from '../kernel/kernel.js';
import { headProblem, hlistNullsEntries, unreadable, type WalkProblem } from '../kernel/walk.js';
import { readChainsInto, type ChainStart } from './address-order.js';
import { readU64 } from '../kernel/u64.js';

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

/** The first link of every non-empty bucket of `count` heads in a row, `stride` apart (read
 *  CHUNK at a time); a bucket whose head cannot be read is a problem at its place. */
export function bucketStarts(k: Kernel, first: bigint, count: number, stride: bigint, where: (i: number) => string): ChainStart[] {
  const starts: ChainStart[] = [];
  const st = Number(stride);
  for (let c = 0; c < count; c += CHUNK) {
    const n = Math.min(CHUNK, count - c);
    let heads: Buffer | undefined;
    try {
      heads = k.mem.read(first + BigInt(c) * stride, (n - 1) * st + 8);
    } catch {
      // a page of the array is missing: read bucket by bucket to name the ones lost
    }
    for (let j = 0; j < n; j++) {
      const i = c + j;
      if (heads) {
        // most heads of a large table are empty (NULL, or an odd nulls marker): told from the
        // low byte and the high half, without a bigint each
        const o = j * st;
        if (heads[o]! & 1 || (heads.readUInt32LE(o) === 0 && heads.readUInt32LE(o + 4) === 0)) continue;
        starts.push({ chain: i, first: readU64(heads, o) });
        continue;
      }
      const head = first + BigInt(i) * stride;
      let p: bigint;
      try {
        p = k.mem.ptr(head);
      } catch (e) {
        starts.push({ chain: i, first: 0n, problem: headProblem(where(i), head, e) });
        continue;
      }
      if (p !== 0n && (p & 1n) === 0n) starts.push({ chain: i, first: p });
    }
  }
  return starts;
}

/** sk_for_each / sk_nulls_for_each (include/net/sock.h) over every bucket of a hash table, in
 *  hash order (as /proc walks it; the tables read in address order are checked against it):
 *  yield every entry (the container of the link: a sock, an inet_bind_bucket, ...); works for
 *  hlist and hlist_nulls heads. */
export function* hashBucketEntries(k: Kernel, b: BucketArray, problems: WalkProblem[]): Generator<bigint> {
  const onProblem = (p: WalkProblem) => problems.push(p);
  const where = (i: number) => `${b.name} bucket ${i}`;
  for (const s of bucketStarts(k, b.first, b.count, b.stride, where)) {
    if (s.problem) {
      problems.push(s.problem);
      continue;
    }
    for (const node of hlistNullsEntries(k.mem, s.first, { where: where(s.chain), onProblem })) yield node - b.nodeOffset;
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
  const starts = bucketStarts(k, b.first, b.count, b.stride, (i) => `${b.name} bucket ${i}`);
  readChainsInto(
    k,
    starts,
    { where: (i) => `${b.name} bucket ${i}`, nextOffset: 0n, entryOffset: b.nodeOffset, nulls: true, span },
    (entry) => read(entry),
    (entry, _link, _chain, e) => unreadable(b.name, entry, e), // readEach's problem
    out,
    problems,
  );
  return out;
}
