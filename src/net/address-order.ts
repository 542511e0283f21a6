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
  onError: (entry: bigint, link: bigint, chain: number, e: unknown) => WalkProblem = (entry, _l, chain, e) => unreadable(shape.where(chain), entry, e),
): Step<R>[] {
  const limit = Math.min(shape.limit ?? DEFAULT_LIMIT, DEPTH_SPAN - 1);
  const isEnd = shape.nulls ? (p: bigint) => p === 0n || (p & 1n) === 1n : (p: bigint) => p === 0n;
  const found: (Step<R> & { key: number })[] = [];
  // follow() keeps one `seen` set per chain: a link met again in its own chain is a cycle; met
  // in another chain (a corrupt table) it is walked again there, as chain by chain.
  const seen = new Map<bigint, number>();
  const seenElsewhere = new Set<string>();
  const firstVisit = (chain: number, node: bigint): boolean => {
    const owner = seen.get(node);
    if (owner === undefined) return seen.set(node, chain), true;
    if (owner === chain) return false;
    const key = `${chain}:${node}`;
    if (seenElsewhere.has(key)) return false;
    seenElsewhere.add(key);
    return true;
  };
  // The entry being visited: where `emit` files what it is given (one closure for the walk,
  // none per entry: a large table has millions).
  let cur: Link = { chain: 0, node: 0n, depth: 0 };
  let curKey = 0;
  const emit = (problem: WalkProblem) => void found.push({ chain: cur.chain, depth: cur.depth, key: curKey, problem });
  const problem = (kind: WalkProblem['kind'], detail: string): undefined =>
    void emit({ where: shape.where(cur.chain), address: cur.node, kind, detail });
  const visit = (at: Link): Link | undefined => {
    const { chain, node, depth } = at;
    cur = at;
    curKey = chain * DEPTH_SPAN + depth;
    if (!isKernelPointer(node)) return problem('bad-pointer', `0x${node.toString(16)} is not a kernel address`);
    if (!firstVisit(chain, node)) return problem('cycle', `entry 0x${node.toString(16)} seen twice`);
    if (depth >= limit) return problem('limit', `stopped after ${limit} entries`);
    let next: bigint;
    const known = shape.next?.get(node);
    if (known !== undefined) {
      if (typeof known !== 'bigint') return problem('unreadable', describe(known.error));
      next = known;
    } else {
      try {
        next = k.mem.ptr(node + shape.nextOffset);
      } catch (e) {
        return problem('unreadable', describe(e));
      }
    }
    const entry = node - shape.entryOffset;
    try {
      const row = read(entry, node, chain, emit);
      if (row !== undefined) found.push({ chain, depth, key: curKey, row });
    } catch (e) {
      emit(onError(entry, node, chain, e));
    }
    return isEnd(next) ? undefined : { chain, node: next, depth: depth + 1 };
  };
  const sweep: Link[] = [];
  for (const s of starts) {
    if (s.problem) found.push({ chain: s.chain, depth: 0, key: s.chain * DEPTH_SPAN, problem: s.problem });
    else if (!isEnd(s.first)) sweep.push({ chain: s.chain, node: s.first, depth: 0 });
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
  sweep.sort(byNode);
  const unread = shape.next ? sweep.filter((l) => !shape.next!.has(l.node)) : sweep;
  k.mem.prefetch(unread.map((l) => l.node - shape.entryOffset), shape.span);
  const ahead = new LinkHeap();
  for (let i = 0; i < sweep.length || ahead.size > 0; ) {
    const at = ahead.size > 0 && (i >= sweep.length || ahead.peek().node > sweep[i]!.node) ? ahead.pop() : sweep[i++]!;
    let next = visit(at);
    // (A chain is still walked link after link, so its `seen` set, limit and problems are
    // those of follow(); a cycle ends it at its second visit.)
    while (next && next.node >= at.node) next = visit(next);
    if (next) {
      // Further down the sweep, on a page the list may not hold: decoded ahead meanwhile.
      if (!shape.next?.has(next.node)) k.mem.prefetchSoon(next.node - shape.entryOffset, shape.span);
      ahead.push(next);
    }
  }
  // Back in chain order (a stable sort: what one entry emitted stays in the order it was met).
  found.sort((x, y) => x.key - y.key);
  return found;
}

/** Steps' rows and problems, in order, into the caller's lists. */
export function drainSteps<R>(steps: readonly Step<R>[], rows: R[], problems: WalkProblem[]): void {
  for (const s of steps) {
    if (s.problem) problems.push(s.problem);
    else rows.push(s.row!);
  }
}

/** A link of a chain: its chain, address and place in it. */
interface Link {
  chain: number;
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
