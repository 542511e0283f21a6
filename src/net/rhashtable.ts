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
import { drainSteps, readChainsInAddressOrder, type ChainStart } from './address-order.js';

/** The bucket tables of the rhashtable at `ht` (struct rhashtable): tbl, then any future_tbl
 *  of a resize in progress; each with its first links (bit 0, the bucket lock, cleared). */
function* bucketTables(k: Kernel, ht: bigint, name: string, problems: WalkProblem[]): Generator<ChainStart[]> {
  const B = 'struct bucket_table';
  const size = k.field(B, 'size');
  const nest = k.field(B, 'nest');
  const future = k.field(B, 'future_tbl');
  const buckets = k.off(B, 'buckets');
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
      const starts: ChainStart[] = [];
      for (let i = 0; i < n; i++) {
        const first = heads.readBigUInt64LE(i * 8) & ~1n; // bit 0: the bucket lock
        if (first !== 0n) starts.push({ chain: i, first });
      }
      yield starts;
    }
    tbl = k.ptr(tbl, future);
  }
}

/** Every object in the table at `ht` (a struct rhashtable), given where its rhash_head sits. */
export function* rhashtableObjects(k: Kernel, ht: bigint, nodeOffset: bigint, name: string, problems: WalkProblem[]): Generator<bigint> {
  const onProblem = (p: WalkProblem) => problems.push(p);
  for (const starts of bucketTables(k, ht, name, problems)) {
    for (const { chain, first } of starts) {
      for (const node of hlistNullsEntries(k.mem, first, { where: `${name} bucket ${chain}`, onProblem })) yield node - nodeOffset;
    }
  }
}

/** rhashtableObjects' objects, each table's chains read in address order (address-order.ts):
 *  `read` each object (it should not throw: what it throws is an "unreadable" problem at the
 *  object); the results in the order rhashtableObjects yields the objects, and the same
 *  problems, pushed in the same order; throws where it throws. `span`: bytes `read` looks at. */
export function readRhashtable<R>(k: Kernel, ht: bigint, nodeOffset: bigint, name: string, problems: WalkProblem[], read: (obj: bigint) => R, span: number): R[] {
  const out: R[] = [];
  const where = (i: number) => `${name} bucket ${i}`;
  for (const starts of bucketTables(k, ht, name, problems)) {
    const steps = readChainsInAddressOrder(k, starts, { where, nextOffset: 0n, entryOffset: nodeOffset, nulls: true, span }, (obj) => read(obj));
    drainSteps(steps, out, problems);
  }
  return out;
}
