// The loop every socket hash shares: N bucket heads in a row, each an hlist or hlist_nulls
// chain of sockets linked through a member at `nodeOffset`. A bucket that cannot be read or
// whose chain is corrupt becomes a WalkProblem and the walk goes on with the next bucket.

import type { Kernel } from '../kernel/kernel.js';
import { hlistNullsEntries, type WalkProblem } from '../kernel/walk.js';

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

/** Yield every socket (container of the link) in every bucket; works for hlist and hlist_nulls. */
export function* bucketSockets(k: Kernel, b: BucketArray, problems: WalkProblem[]): Generator<bigint> {
  const onProblem = (p: WalkProblem) => problems.push(p);
  for (let i = 0; i < b.count; i++) {
    const head = b.first + BigInt(i) * b.stride;
    let first: bigint;
    try {
      first = k.mem.ptr(head);
    } catch (e) {
      problems.push({ where: `${b.name} bucket ${i}`, address: head, kind: 'unreadable', detail: (e as Error).message });
      continue;
    }
    if (first === 0n || first & 1n) continue;
    for (const node of hlistNullsEntries(k.mem, first, { where: `${b.name} bucket ${i}`, onProblem })) {
      yield node - b.nodeOffset;
    }
  }
}
