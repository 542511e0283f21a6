// The loop every kernel hash table shares: N bucket heads in a row, each an hlist or hlist_nulls
// chain of entries (sockets, bind buckets) linked through a member at `nodeOffset`. A bucket
// that cannot be read or whose chain is corrupt becomes a WalkProblem and the walk goes on with the next bucket.

import type { Kernel } from '../kernel/kernel.js';
import { describe, headProblem, hlistNullsEntries, isKernelPointer, unreadable, type WalkProblem } from '../kernel/walk.js';

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
/** A chain longer than this is reported as a problem (walk.ts's default limit per list). */
const CHAIN_LIMIT = 1_000_000;
/** Sort keys: bucket * DEPTH_SPAN + place in the chain (exact in a double for 2^31 buckets). */
const DEPTH_SPAN = 2 ** 21;

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
 * distinct pages); here the entries are visited in sweeps over descending addresses, so the
 * pages of a slab are decoded once, one after the other, and the cache can stay small
 * (20,000 sockets, 1,024-page cache: 15,892 decodes for 15,706 distinct pages).
 * `read` returns a row (or undefined to skip the entry); an entry that cannot be read is one
 * problem, and a chain that cannot be followed further ends with one, as in hashBucketEntries.
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
  // One record per visited link: its chain (bucket) and place in it, so rows and problems can
  // be put back in hash order at the end.
  const found: { key: number; row?: R; problem?: WalkProblem }[] = [];
  const level: Link[] = [];
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
          found.push({ key: i * DEPTH_SPAN, problem: headProblem(`${b.name} bucket ${i}`, head, e) });
          continue;
        }
      }
      if (first === 0n || first & 1n) continue;
      level.push({ bucket: i, node: first, depth: 0 });
    }
  }
  // A link seen twice — in its own chain or another — is a cycle (a chain of a sane table
  // never meets another).
  const seen = new Set<bigint>();
  const visit = (at: Link): Link | undefined => {
    const { bucket, node, depth } = at;
    const key = bucket * DEPTH_SPAN + Math.min(depth, DEPTH_SPAN - 1);
    const problem = (kind: WalkProblem['kind'], detail: string) =>
      void found.push({ key, problem: { where: `${b.name} bucket ${bucket}`, address: node, kind, detail } });
    if (!isKernelPointer(node)) return problem('bad-pointer', `0x${node.toString(16)} is not a kernel address`);
    if (seen.has(node)) return problem('cycle', `entry 0x${node.toString(16)} seen twice`);
    if (depth >= CHAIN_LIMIT) return problem('limit', `stopped after ${CHAIN_LIMIT} entries`);
    seen.add(node);
    let after: bigint;
    try {
      after = k.mem.ptr(node);
    } catch (e) {
      return problem('unreadable', describe(e));
    }
    const entry = node - b.nodeOffset;
    try {
      const row = read(entry);
      if (row !== undefined) found.push({ key, row });
    } catch (e) {
      found.push({ key, problem: unreadable(b.name, entry, e) });
    }
    return after !== 0n && (after & 1n) === 0n ? { bucket, node: after, depth: depth + 1 } : undefined;
  };
  // Sweeps in descending address order: a link met during a sweep joins it when it lies ahead
  // (through a heap), else waits for the next sweep; so the pages of a long chain's entries
  // are not decoded once per chain position. Descending, because the kernel adds a socket at
  // the head of its chain (__sk_nulls_add_node_rcu) and slabs fill upwards: a chain mostly
  // runs from newer, higher addresses to older, lower ones, and one sweep takes it whole.
  for (let sweep = level; sweep.length > 0; ) {
    sweep.sort(byNode);
    k.mem.prefetch(sweep.map((l) => l.node - b.nodeOffset), span);
    const ahead = new LinkHeap();
    const later: Link[] = [];
    for (let i = 0; i < sweep.length || ahead.size > 0; ) {
      const at = ahead.size > 0 && (i >= sweep.length || ahead.peek().node > sweep[i]!.node) ? ahead.pop() : sweep[i++]!;
      const next = visit(at);
      if (next) (next.node < at.node ? ahead.push(next) : later.push(next));
    }
    sweep = later;
  }
  // Back in hash order (a stable sort: a bucket's problems stay in the order they were met).
  found.sort((x, y) => x.key - y.key);
  for (const f of found) {
    if (f.problem) problems.push(f.problem);
    else out.push(f.row!);
  }
  return out;
}

/** A link of a chain: its bucket, address and place in the chain. */
interface Link {
  bucket: number;
  node: bigint;
  depth: number;
}

/** Descending address order. */
const byNode = (x: Link, y: Link): number => (x.node > y.node ? -1 : x.node < y.node ? 1 : 0);

/** A binary max-heap of links by address. */
class LinkHeap {
  private readonly a: Link[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Link {
    return this.a[0]!;
  }
  push(x: Link): void {
    const a = this.a;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.node >= x.node) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): Link {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]!.node > a[l]!.node ? l + 1 : l;
        if (a[c]!.node <= last.node) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
