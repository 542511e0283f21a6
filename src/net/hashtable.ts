// The loop every kernel hash table shares: N bucket heads in a row, each an hlist or hlist_nulls
// chain of entries (sockets, bind buckets) linked through a member at `nodeOffset`. A bucket
// that cannot be read or whose chain is corrupt becomes a WalkProblem and the walk goes on with the next bucket.

import type { Kernel } from '../kernel/kernel.js';
import { headProblem, hlistNullsEntries, type WalkProblem } from '../kernel/walk.js';

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
