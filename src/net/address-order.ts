// Chains of kernel objects read in address order, their results put back in chain order.
//
// A walk chain by chain (walk.ts follow: hlist, hlist_nulls, `next`-chained objects) visits the
// entries of a large table in hash order, which jumps between slab pages at random: once the
// table is larger than the page cache, most pages are decoded several times (≈ 11 µs each).
// Here every chain advances in sweeps over descending addresses (as hashtable.ts
// readBucketsInAddressOrder does for the socket hashes), so the pages of a slab are decoded once,
// one after the other; each result is kept with its chain and place in it, and sorted back at
// the end. The entries, the results, their order and the problems are those of the walk chain
// by chain: each chain keeps its own `seen` set and limit, and a problem is the one follow()
// would report, with the same address. Measured on the largest hlist_nulls table at hand (the
// 100,000-socket dump's ehash, 16,348 chains, reading 320 bytes of each entry as conntrack reads
// an nf_conn): 103,255 page decodes in hash order, 77,160 here, for 57,166 distinct pages when
// a chain that turned upwards waited for a further sweep; fewer since it is followed at once
// (below).

import type { Kernel } from '../kernel/kernel.js';
import { describe, isKernelPointer, unreadable, type WalkProblem } from '../kernel/walk.js';
import { low32, sortedOrder } from '../kernel/u64.js';

/** The first link of one chain (its ordinal: a bucket number, or any increasing index), or
 *  the problem its head became when it could not be read. */
export interface ChainStart {
  chain: number;
  first: bigint;
  problem?: WalkProblem;
}

export interface ChainShape {
  /** Where a chain's problems say they are ("nf_conntrack_hash bucket 17"). */
  where: (chain: number) => string;
  /** Offset of the `next` pointer from a link: 0 for hlist nodes; struct neighbour.next for
   *  objects chained by a pointer to the next object's start. */
  nextOffset: bigint;
  /** entry = link - entryOffset (the container of an hlist node). */
  entryOffset: bigint;
  /** hlist_nulls: an odd "nulls" marker ends a chain, as NULL does. */
  nulls: boolean;
  /** At most this many entries per chain (walk.ts: default 1,000,000). */
  limit?: number;
  /** Bytes of each entry the reader looks at (from the entry's start): their pages are
   *  decoded ahead, sweep by sweep (KernelMemory.prefetch). */
  span: number;
  /** `next` pointers already read (by link address): a chain through them is followed without
   *  coming back to their pages. */
  next?: ReadonlyMap<bigint, bigint | { error: unknown }>;
}

/** One result: a row, or a problem, at a chain and place in it. */
export interface Step<R> {
  chain: number;
  depth: number;
  row?: R;
  problem?: WalkProblem;
}

/** Reads one entry: a row, or undefined to skip it. `emit` records a problem at the entry's
 *  place (a side note of the read, kept in order with the rows). */
export type EntryReader<R> = (entry: bigint, link: bigint, chain: number, emit: (p: WalkProblem) => void) => R | undefined;

const DEFAULT_LIMIT = 1_000_000;
/** Sort keys: chain * DEPTH_SPAN + depth (exact in a double for 2^31 chains). */
const DEPTH_SPAN = 2 ** 21;

/**
 * Every entry of every chain, read in address order; the results (rows and problems) in chain
 * order, each chain's in the order a walk along it meets them. A `read` that throws is one
 * problem (`onError`, else "unreadable" at the entry with the chain's `where`) and its chain
 * goes on, as readEach over a chain does.
 */
export function readChainsInAddressOrder<R>(
  k: Kernel,
  starts: readonly ChainStart[],
  shape: ChainShape,
  read: EntryReader<R>,
  onError?: ErrorProblem,
): Step<R>[] {
  const steps: Step<R>[] = [];
  walkChains(k, starts, shape, read, onError, (chain, depth, row, problem) => {
    steps.push(problem ? { chain, depth, problem } : { chain, depth, row });
  });
  return steps;
}

/** readChainsInAddressOrder's rows and problems, in order, straight into the caller's lists
 *  (no step object per entry: a table's rows are many). */
export function readChainsInto<R>(
  k: Kernel,
  starts: readonly ChainStart[],
  shape: ChainShape,
  read: EntryReader<R>,
  onError: ErrorProblem | undefined,
  rows: R[],
  problems: WalkProblem[],
): void {
  walkChains(k, starts, shape, read, onError, (_chain, _depth, row, problem) => {
    if (problem) problems.push(problem);
    else rows.push(row!);
  });
}

/** Steps' rows and problems, in order, into the caller's lists. */
export function drainSteps<R>(steps: readonly Step<R>[], rows: R[], problems: WalkProblem[]): void {
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.problem) problems.push(s.problem);
    else rows.push(s.row!);
  }
}

/** The problem a `read` that threw becomes. */
type ErrorProblem = (entry: bigint, link: bigint, chain: number, e: unknown) => WalkProblem;

/** A problem among the results (told from a row by its class). */
class Found {
  constructor(readonly problem: WalkProblem) {}
}

/**
 * The walk: every result is kept as it is met, with the index of its chain's start (and its
 * depth) in columns, then given to `out` in chain order. A chain's entries are met in chain
 * order (a chain is followed link after link, whichever sweep it is in), so ordering by chain
 * alone, keeping the order met within a chain, is the order of a walk chain by chain: a
 * counting sort over the starts when their chains increase, as every caller gives them.
 */
function walkChains<R>(
  k: Kernel,
  starts: readonly ChainStart[],
  shape: ChainShape,
  read: EntryReader<R>,
  onError: ErrorProblem = (entry, _l, chain, e) => unreadable(shape.where(chain), entry, e),
  out: (chain: number, depth: number, row: R | undefined, problem: WalkProblem | undefined) => void,
): void {
  const limit = Math.min(shape.limit ?? DEFAULT_LIMIT, DEPTH_SPAN - 1);
  const nulls = shape.nulls;
  // (the `next` pointer's offset as ptr's `plus`: no bigint sum per link)
  const nextAt = Number(shape.nextOffset);
  // (the parity of a nulls marker from its low word: `p & 1n` would make a bigint per link)
  const isEnd = (p: bigint): boolean => p === 0n || (nulls && (low32(p) & 1) === 1);
  // the results as they are met: the start of their chain, their depth, the row or problem
  // (start and depth in typed arrays: their memory is outside the JS heap, and not copied by
  // each young-generation collection while the walk of a large table lasts)
  let fStart = new Int32Array(256);
  let fDepth = new Int32Array(256);
  const fItem: (R | Found)[] = [];
  const found = (s: number, depth: number, item: R | Found): void => {
    const i = fItem.length;
    if (i === fStart.length) {
      const start = new Int32Array(2 * i);
      start.set(fStart);
      fStart = start;
      const d = new Int32Array(2 * i);
      d.set(fDepth);
      fDepth = d;
    }
    fStart[i] = s;
    fDepth[i] = depth;
    fItem.push(item);
  };
  // The entry being visited: where `emit` files what it is given (one closure for the walk,
  // none per entry: a large table has millions).
  let curStart = 0;
  let curDepth = 0;
  let curNode = 0n;
  const emit = (problem: WalkProblem): void => {
    found(curStart, curDepth, new Found(problem));
  };
  const problem = (kind: WalkProblem['kind'], detail: string): undefined =>
    void emit({ where: shape.where(starts[curStart]!.chain), address: curNode, kind, detail });
  // follow() keeps one `seen` set per chain: a link met again in its own chain is a cycle; met
  // in another chain (a corrupt table) it is walked again there, as chain by chain. Here each
  // chain carries the links it has passed (none for a chain's first link: most chains of a
  // large hash hold one entry, and need no set at all).
  const visit = (s: number, node: bigint, depth: number, seen: Seen): bigint | undefined => {
    curStart = s;
    curDepth = depth;
    curNode = node;
    const chain = starts[s]!.chain;
    if (!isKernelPointer(node)) return problem('bad-pointer', `0x${node.toString(16)} is not a kernel address`);
    if (seen !== undefined && (Array.isArray(seen) ? seen.includes(node) : seen.has(node))) return problem('cycle', `entry 0x${node.toString(16)} seen twice`);
    if (depth >= limit) return problem('limit', `stopped after ${limit} entries`);
    let next: bigint;
    const known = shape.next?.get(node);
    if (known !== undefined) {
      if (typeof known !== 'bigint') return problem('unreadable', describe(known.error));
      next = known;
    } else {
      try {
        next = k.mem.ptr(node, nextAt);
      } catch (e) {
        return problem('unreadable', describe(e));
      }
    }
    const entry = node - shape.entryOffset;
    try {
      const row = read(entry, node, chain, emit);
      if (row !== undefined) {
        found(s, depth, row);
      }
    } catch (e) {
      emit(onError(entry, node, chain, e));
    }
    return isEnd(next) ? undefined : next;
  };
  // the starts to sweep (their indices), and the problems of heads that could not be read
  const sweep: number[] = [];
  for (let s = 0; s < starts.length; s++) {
    const st = starts[s]!;
    if (st.problem) {
      found(s, 0, new Found(st.problem));
    } else if (!isEnd(st.first)) sweep.push(s);
  }
  // One sweep in descending address order: a link met during it joins it when it lies ahead
  // (through a heap). Descending, because the kernel adds at the head of a chain and slabs fill
  // upwards: a chain mostly runs from newer, higher addresses to older, lower ones. A link that
  // turns upwards, to a page the sweep has passed, is followed at once, up to where its chain
  // comes back below the sweep: that page is long evicted (the turns of the 100,000-socket
  // ehash land ~2,000-16,000 pages behind) and must be decoded again either way, but the
  // chain's tail below the sweep then shares the pages the sweep is about to decode. (Leaving
  // the turned links to a second sweep decoded the tails' pages twice: 86,243 decodes for
  // 57,172 distinct pages, against 64,409 so.)
  const firsts = new Array<bigint>(sweep.length);
  for (let i = 0; i < sweep.length; i++) firsts[i] = starts[sweep[i]!]!.first;
  const byFirst = sortedOrder(firsts, true);
  for (let i = 0; i < byFirst.length; i++) byFirst[i] = sweep[byFirst[i]!]!;
  // The pages ahead are announced only to a dump that decodes ahead (the worker, with
  // XPORTSHOW_PREFETCH=1): else no hint list, nor a bigint per chain and link for it.
  const hints = k.mem.dump.prefetching === true;
  if (hints) {
    const unread: bigint[] = [];
    for (let i = 0; i < byFirst.length; i++) {
      const first = starts[byFirst[i]!]!.first;
      if (!shape.next?.has(first)) unread.push(first - shape.entryOffset);
    }
    k.mem.prefetch(unread, shape.span);
  }
  const ahead = new LinkHeap();
  for (let i = 0; i < byFirst.length || ahead.size > 0; ) {
    let s: number;
    let node: bigint;
    let depth: number;
    let seen: Seen;
    if (ahead.size > 0 && (i >= byFirst.length || ahead.peek().node > starts[byFirst[i]!]!.first)) {
      const l = ahead.pop();
      s = l.start;
      node = l.node;
      depth = l.depth;
      seen = l.seen;
    } else {
      s = byFirst[i++]!;
      node = starts[s]!.first;
      depth = 0;
      seen = undefined;
    }
    // (A chain is still walked link after link, so its `seen` set, limit and problems are
    // those of follow(); a cycle ends it at its second visit.)
    const top = node;
    for (;;) {
      const next = visit(s, node, depth, seen);
      if (next === undefined) break;
      seen = remember(seen, node);
      depth++;
      if (next < top) {
        // Further down the sweep, on a page the list may not hold: decoded ahead meanwhile.
        if (hints && !shape.next?.has(next)) k.mem.prefetchSoon(next - shape.entryOffset, shape.span);
        ahead.push({ start: s, node: next, depth, seen });
        break;
      }
      node = next;
    }
  }
  // Back in chain order: stable, what one entry emitted stays in the order it was met.
  const n = fItem.length;
  const order = increasingChains(starts) ? countingOrder(fStart, n, starts.length) : keyOrder(fStart, fDepth, n, starts);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    const item = fItem[j]!;
    const chain = starts[fStart[j]!]!.chain;
    if (item instanceof Found) out(chain, fDepth[j]!, undefined, item.problem);
    else out(chain, fDepth[j]!, item, undefined);
  }
}

/** The links a chain has passed: none yet, a few in a list, many in a set. */
type Seen = bigint[] | Set<bigint> | undefined;

/** Past this many links a chain's passed links are a set (a list is searched link by link). */
const SEEN_LIST = 16;

function remember(seen: Seen, node: bigint): Seen {
  if (seen === undefined) return [node];
  if (!Array.isArray(seen)) return seen.add(node);
  if (seen.length < SEEN_LIST) {
    seen.push(node);
    return seen;
  }
  const set = new Set(seen);
  set.add(node);
  return set;
}

/** Whether the starts' chain numbers increase (then their order is chain order). */
function increasingChains(starts: readonly ChainStart[]): boolean {
  for (let s = 1; s < starts.length; s++) if (starts[s]!.chain <= starts[s - 1]!.chain) return false;
  return true;
}

/** The results' indices grouped by start, in start order, each group in the order met. */
function countingOrder(fStart: Int32Array, n: number, nStarts: number): Int32Array {
  const at = new Int32Array(nStarts + 1);
  for (let i = 0; i < n; i++) at[fStart[i]! + 1]!++;
  for (let s = 1; s <= nStarts; s++) at[s]! += at[s - 1]!;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[at[fStart[i]!]!++] = i;
  return order;
}

/** The same for starts in any order: by chain, then depth, stable. */
function keyOrder(fStart: Int32Array, fDepth: Int32Array, n: number, starts: readonly ChainStart[]): number[] {
  const key = (i: number) => starts[fStart[i]!]!.chain * DEPTH_SPAN + fDepth[i]!;
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i);
  return order.sort((x, y) => key(x) - key(y));
}

/** A link a chain goes on from: its chain's start, address, place in it, links passed. */
interface Link {
  start: number;
  node: bigint;
  depth: number;
  seen: Seen;
}

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
