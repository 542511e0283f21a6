// Walking a resizable hash table (lib/rhashtable.c, include/linux/rhashtable.h): the bucket
// table `tbl`, and `future_tbl` while a resize is under way. Bucket heads carry a lock in
// bit 0 (5.6+: struct rhash_lock_head); chains end in an odd "nulls" marker.
//
// Kernel structures read here:
//   struct rhashtable { struct bucket_table *tbl; ... }
//   struct bucket_table { unsigned int size; unsigned int nest; ...; struct bucket_table *future_tbl;
//       struct rhash_lock_head *buckets[]; }
//   struct rhash_head { struct rhash_head *next; }

import type { Kernel } from '../kernel/kernel.js';
import { hlistNullsEntries, type WalkProblem } from '../kernel/walk.js';

/** Every object in the table at `ht` (a struct rhashtable), given where its rhash_head sits. */
export function* rhashtableObjects(k: Kernel, ht: bigint, nodeOffset: bigint, name: string, problems: WalkProblem[]): Generator<bigint> {
  const B = 'struct bucket_table';
  const size = k.field(B, 'size');
  const nest = k.field(B, 'nest');
  const future = k.field(B, 'future_tbl');
  const buckets = k.off(B, 'buckets');
  const onProblem = (p: WalkProblem) => problems.push(p);
  const seen = new Set<bigint>();
  let tbl = k.ptr(ht, k.field('struct rhashtable', 'tbl'));
  for (let depth = 0; tbl !== 0n && !seen.has(tbl) && depth < 4; depth++) {
    seen.add(tbl);
    const n = k.num(tbl, size);
    if (k.num(tbl, nest) !== 0) {
      // A table too big for one allocation is a tree of pages (rht_bucket_nested): rare for
      // the small tables walked here; say so rather than guess.
      problems.push({ where: name, address: tbl, kind: 'unreadable', detail: `nested bucket table (${n} buckets) not walked` });
    } else if (n > 0 && n <= 1 << 26) {
      const heads = k.mem.read(tbl + buckets, n * 8);
      for (let i = 0; i < n; i++) {
        const first = heads.readBigUInt64LE(i * 8) & ~1n; // bit 0: the bucket lock
        if (first === 0n) continue;
        for (const node of hlistNullsEntries(k.mem, first, { where: `${name} bucket ${i}`, onProblem })) yield node - nodeOffset;
      }
    }
    tbl = k.ptr(tbl, future);
  }
}
