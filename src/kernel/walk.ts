// Bounded, cycle-detecting walks over the kernel's linked structures.
// A corrupt chain (cycle, pointer into nowhere, page missing from the dump) never throws out of
// a walk: it is reported through `onProblem` and the walk stops there, so a listing goes on
// with the next bucket and the user sees a marked gap instead of a crash.

import type { KernelMemory } from './memory.js';
import { sortedOrder } from './u64.js';

/** The one marker of a value that could not be read (a gap in the dump), in text. JSON shows
 *  such a value as null, with the problem beside it. Values that are simply absent keep their
 *  conventional spelling ('*' no gateway or device, '-' no owner; null in JSON). */
export const GAP = '?';

export interface WalkProblem {
  /** Which structure was being walked: "tcp ehash bucket 17", "net_namespace_list". */
  where: string;
  /** The address that could not be followed. */
  address: bigint;
  kind: 'cycle' | 'unreadable' | 'limit' | 'bad-pointer';
  detail: string;
}

export interface WalkOptions {
  where: string;
  /** At most this many entries (default 1,000,000). */
  limit?: number;
  onProblem?: (p: WalkProblem) => void;
}

const DEFAULT_LIMIT = 1_000_000;

/** Kernel pointers live in the upper half; anything else in a list is corruption. With
 *  5-level paging the kernel half starts at 0xff00000000000000 (direct map at 0xff11…,
 *  arch/x86/include/asm/page_64_types.h); a 4-level kernel never has values between that
 *  and 0xffff800000000000 (non-canonical), and translation would catch them anyway. */
export function isKernelPointer(p: bigint): boolean {
  return p >= 0xff00000000000000n && p < 0xfffffffffffff000n;
}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Follow `next` pointers starting at `first` (the first entry's link address), stopping at
 * `isEnd`. Yields link addresses. Shared engine for list_head, hlist and hlist_nulls.
 */
function* follow(
  mem: KernelMemory,
  first: bigint,
  isEnd: (p: bigint) => boolean,
  nextOffset: bigint,
  opts: WalkOptions,
): Generator<bigint> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const seen = new Set<bigint>();
  let p = first;
  while (!isEnd(p)) {
    const report = (kind: WalkProblem['kind'], detail: string) =>
      opts.onProblem?.({ where: opts.where, address: p, kind, detail });
    if (!isKernelPointer(p)) return report('bad-pointer', `0x${p.toString(16)} is not a kernel address`);
    if (seen.has(p)) return report('cycle', `entry 0x${p.toString(16)} seen twice`);
    if (seen.size >= limit) return report('limit', `stopped after ${limit} entries`);
    seen.add(p);
    let next: bigint;
    try {
      next = mem.ptr(p + nextOffset);
    } catch (e) {
      return report('unreadable', describe(e));
    }
    yield p;
    p = next;
  }
}

// include/linux/list.h: list_for_each — a circular list; `head` is the list_head itself.
export function* listEntries(mem: KernelMemory, head: bigint, opts: WalkOptions): Generator<bigint> {
  let first: bigint;
  try {
    first = mem.ptr(head);
  } catch (e) {
    opts.onProblem?.({ where: opts.where, address: head, kind: 'unreadable', detail: describe(e) });
    return;
  }
  yield* follow(mem, first, (p) => p === head, 0n, opts);
}

// include/linux/list.h: hlist_for_each — `first` is hlist_head.first; ends at NULL.
export function* hlistEntries(mem: KernelMemory, first: bigint, opts: WalkOptions): Generator<bigint> {
  yield* follow(mem, first, (p) => p === 0n, 0n, opts);
}

// include/linux/list_nulls.h: hlist_nulls_for_each_entry — ends at a "nulls" marker (bit 0 set).
// Also ends at NULL, so the same walk serves tables that are plain hlists on some kernels.
export function* hlistNullsEntries(mem: KernelMemory, first: bigint, opts: WalkOptions): Generator<bigint> {
  yield* follow(mem, first, (p) => p === 0n || (p & 1n) === 1n, 0n, opts);
}

// A singly linked chain of objects whose `next` pointer lies at `nextOffset` inside each object
// and points at the next object's start (struct neighbour.next, struct pneigh_entry.next);
// ends at NULL. Yields object addresses.
export function* chainEntries(mem: KernelMemory, first: bigint, nextOffset: bigint, opts: WalkOptions): Generator<bigint> {
  yield* follow(mem, first, (p) => p === 0n, nextOffset, opts);
}

// lib/rbtree.c: rb_first / rb_next — in-order walk of an rb_root; yields rb_node addresses.
// struct rb_node { unsigned long __rb_parent_color; rb_node *rb_right; rb_node *rb_left; }
export function* rbtreeNodes(mem: KernelMemory, rootNode: bigint, opts: WalkOptions): Generator<bigint> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const stack: bigint[] = [];
  const seen = new Set<bigint>();
  let n = rootNode;
  try {
    while (n !== 0n || stack.length) {
      while (n !== 0n) {
        if (!isKernelPointer(n) || seen.has(n) || seen.size >= limit) {
          const kind = !isKernelPointer(n) ? 'bad-pointer' : seen.has(n) ? 'cycle' : 'limit';
          opts.onProblem?.({ where: opts.where, address: n, kind, detail: `rb_node 0x${n.toString(16)}` });
          return;
        }
        seen.add(n);
        stack.push(n);
        n = mem.ptr(n + 16n);
      }
      const top = stack.pop()!;
      yield top;
      n = mem.ptr(top + 8n);
    }
  } catch (e) {
    opts.onProblem?.({ where: opts.where, address: n, kind: 'unreadable', detail: describe(e) });
  }
}

/**
 * The walker kit's loop: read each entry of a walk into a row; an entry that cannot be read
 * becomes one WalkProblem ("unreadable", at its address) and the walk goes on. `read` may
 * return undefined to skip an entry on purpose (not a problem). Rows go to `out` when given
 * (a walk over several tables fills one array).
 */
export function readEach<T, R>(
  entries: Iterable<T>,
  where: string,
  addressOf: (entry: T) => bigint,
  read: (entry: T) => R | undefined,
  problems: WalkProblem[],
  out: R[] = [],
): R[] {
  for (const e of entries) {
    try {
      const r = read(e);
      if (r !== undefined) out.push(r);
    } catch (err) {
      problems.push(unreadable(where, addressOf(e), err));
    }
  }
  return out;
}

/** Ascending kernel address (sort comparator). */
export function compareAddress(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** read(x) for each x, visited in ascending address order (its pages announced to the dump's
 *  prefetch, `span` bytes each), the results in the order of `xs`: a large table's objects
 *  fill slab pages that the table's own order visits at random. */
export function readInAddressOrder<R>(mem: KernelMemory, xs: readonly bigint[], read: (x: bigint, i: number) => R, span: number): R[] {
  const n = xs.length;
  // indexed loops, no iterators: this runs once per table, mostly before V8 optimizes it, when
  // a for-of makes an iterator result per element
  const order = sortedOrder(xs);
  const sorted = new Array<bigint>(n);
  for (let i = 0; i < n; i++) sorted[i] = xs[order[i]!]!;
  mem.prefetch(sorted, span);
  const out = new Array<R>(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    out[j] = read(sorted[i]!, j);
  }
  return out;
}

/** The problem an object that could not be read becomes: where, at which address, and why. */
export function unreadable(where: string, address: bigint, e: unknown): WalkProblem {
  return { where, address, kind: 'unreadable', detail: describe(e) };
}

/** The problem a whole table becomes when even its head cannot be read. */
export const headProblem = unreadable;
