// A bounded cache of decoded pages keyed by page frame number, shared by all dump formats.
// Replacement is CLOCK ("second chance"), which behaves like LRU but makes a hit one Map
// lookup plus a flag store: the pages sit in a ring of slots; a hit marks the slot; to make
// room the hand sweeps the ring, clearing marks, and takes the first unmarked slot.
// (It once kept the order in the Map itself — delete the oldest, re-insert the marked — but a
// Map's first entry is found by skipping the deleted ones, which cost 4.4 s of a 100,000-
// socket walk.)

import { recyclePage } from './decompress.js';

// At most 16 MiB of 4 KiB pages, but 1 MiB to start with, grown only as far as pages are
// read again soon after their eviction. Every slot is fresh memory at its first fill, and a
// first touch of a page of memory costs a page fault (1.5-4 µs on this machine, a third of a
// page's decode). The large kernel tables (sockets, conntrack, neighbours, bind, nft sets)
// are read in address order (src/net/address-order.ts): a walk decodes each page about once,
// and a cache far smaller than the table misses little. But some walks come back to pages,
// and the views of one session share pages (the socket owners' tasks and files, the page
// tables). Hence the growth: a miss on a page evicted lately ("ghost hit", as in ARC) adds
// GROW_PAGES slots. Dump layer alone (page reads of a real run replayed; main-thread CPU,
// median of 3-7), fixed 4,096 pages -> this:
//   10,000-socket dump, first `-at --json`: 73.1 -> 66.1 ms, 4,828 -> 1,580 page faults,
//     9,881 -> 9,919 pages decoded, 86 -> 74 MB peak RSS (a fixed 1,024: 66-67 ms)
//   20,000 sockets: 136.4 -> 123.5 ms, 18,383 -> 18,472 pages, 89 -> 78 MB
//   100,000 sockets: grows to about full size (93,351 -> 93,639 pages, ~700 ms either way)
//   `bind`, 20,000 sockets: 194.8 -> 196.6 ms, 26,351 -> 26,390 pages, 92 MB either way
//   14 views in one session (10,000 sockets): 147.5 -> 155.2 ms, 19,454 -> 21,012 pages
//     (a fixed 1,024: 171 ms, 24,335 pages)
export const DEFAULT_CACHE_PAGES = 4096;
/** Pages the default cache starts with. */
export const START_CACHE_PAGES = 256;
/** Slots added on each ghost hit. */
const GROW_PAGES = 8;
/** A ghost hit: a miss on a page evicted within the last GHOST_SPAN * capacity evictions. A
 *  small cache evicts sooner than a full one, so a page a full one keeps may have gone many
 *  evictions back: `bind` of the 20,041-socket dump, whose walks come back to pages some
 *  2,000-5,000 evictions later, decodes 26,351 pages with a fixed 4,096, 28,178 with a span
 *  of 1, 26,390 with 2. */
const GHOST_SPAN = 2;

/** Evicted slab pages wait this many further evictions before newPage() may overwrite them
 *  (decompress.ts recyclePage). Callers hold a page (KernelMemory.view, ObjView) only until
 *  their next read of another page (test/views/page-poison.test.ts runs the views with every
 *  such page overwritten at once); the wait is a margin for a holder no dump here exercises:
 *  a page stays intact for at least this many page loads after the one that evicted it. */
export const QUARANTINE_PAGES = 64;

export class PageCache {
  private readonly map = new Map<number, number>(); // pfn → slot
  private readonly pfns: Float64Array; // slot → pfn (-1: free)
  private readonly pages: (Buffer | undefined)[];
  private readonly used: Uint8Array;
  private hand = 0;
  private filled = 0;
  hits = 0;
  misses = 0;
  readonly capacity: number;
  /** Slots in use at most now: grows towards `capacity` on ghost hits. */
  private limit: number;
  /** Recently evicted pages, direct-mapped by pfn: which pfn, and at which eviction count. */
  private readonly ghostPfn: Float64Array;
  private readonly ghostAt: Float64Array;
  private evictions = 0;

  /** `capacity` pages at most; `start` to begin with (default: all of them, a fixed size). */
  constructor(capacity: number = DEFAULT_CACHE_PAGES, start: number = capacity) {
    this.capacity = capacity >= 1 ? Math.floor(capacity) : 1;
    this.limit = Math.max(1, Math.min(this.capacity, Math.floor(start)));
    this.pfns = new Float64Array(this.capacity).fill(-1);
    this.pages = new Array<Buffer | undefined>(this.capacity).fill(undefined);
    this.used = new Uint8Array(this.capacity);
    const ghosts = this.limit < this.capacity ? 2 ** Math.ceil(Math.log2(GHOST_SPAN * this.capacity)) : 0;
    this.ghostPfn = new Float64Array(ghosts).fill(-1);
    this.ghostAt = new Float64Array(ghosts);
  }

  get(pfn: number): Buffer | undefined {
    const slot = this.map.get(pfn);
    if (slot === undefined) {
      this.misses++;
      if (this.limit < this.capacity) this.ghostHit(pfn);
      return undefined;
    }
    this.hits++;
    this.used[slot] = 1;
    return this.pages[slot];
  }

  /** The page if cached, without counting a hit or marking it used. */
  peek(pfn: number): Buffer | undefined {
    const slot = this.map.get(pfn);
    return slot === undefined ? undefined : this.pages[slot];
  }

  set(pfn: number, page: Buffer): void {
    const old = this.map.get(pfn);
    if (old !== undefined) {
      if (this.pages[old] !== page) this.retire(this.pages[old]!);
      this.pages[old] = page;
      return;
    }
    const slot = this.filled < this.limit ? this.filled++ : this.victim();
    this.pfns[slot] = pfn;
    this.pages[slot] = page;
    this.used[slot] = 0;
    this.map.set(pfn, slot);
  }

  /** Evicted pages, oldest first, in a ring: they go back to newPage() QUARANTINE_PAGES
   *  evictions later. Reusing their memory, rather than cutting new slabs and leaving the
   *  old ones to the GC, keeps a long walk's decoded pages in the same few MB. */
  private readonly retired: (Buffer | undefined)[] = new Array<Buffer | undefined>(QUARANTINE_PAGES).fill(undefined);
  private retiredAt = 0;

  private retire(page: Buffer): void {
    const due = this.retired[this.retiredAt];
    this.retired[this.retiredAt] = page;
    this.retiredAt = this.retiredAt + 1 === QUARANTINE_PAGES ? 0 : this.retiredAt + 1;
    if (due !== undefined) recyclePage(due);
  }

  /** A miss on a page a full-size cache might still hold: room for GROW_PAGES more. */
  private ghostHit(pfn: number): void {
    const g = pfn & (this.ghostPfn.length - 1);
    if (this.ghostPfn[g] === pfn && this.evictions - this.ghostAt[g]! < GHOST_SPAN * this.capacity) {
      this.ghostPfn[g] = -1;
      this.limit = Math.min(this.capacity, this.limit + GROW_PAGES);
    }
  }

  /** Free a slot: the first unmarked one from the hand on (at most one lap clears every mark). */
  private victim(): number {
    const ring = this.filled; // the slots in use (the hand's lap; more once the limit grows)
    const used = this.used;
    for (;;) {
      const slot = this.hand;
      this.hand = slot + 1 >= ring ? 0 : slot + 1;
      if (used[slot] === 0) {
        const pfn = this.pfns[slot]!;
        this.map.delete(pfn);
        this.retire(this.pages[slot]!);
        this.evictions++;
        if (this.ghostPfn.length > 0) {
          const g = pfn & (this.ghostPfn.length - 1);
          this.ghostPfn[g] = pfn;
          this.ghostAt[g] = this.evictions;
        }
        return slot;
      }
      used[slot] = 0;
    }
  }

  /** Bytes of memory the cached pages keep alive (distinct backing buffers). */
  retainedBytes(): number {
    const seen = new Set<ArrayBufferLike>();
    let n = 0;
    for (let i = 0; i < this.filled; i++) {
      const b = this.pages[i]!.buffer;
      if (seen.has(b)) continue;
      seen.add(b);
      n += b.byteLength;
    }
    return n;
  }

  get size(): number {
    return this.map.size;
  }

  /** Drops every page without recycling any: a caller may still hold the last ones read. */
  clear(): void {
    this.retired.fill(undefined);
    this.map.clear();
    this.pfns.fill(-1);
    this.pages.fill(undefined);
    this.used.fill(0);
    this.ghostPfn.fill(-1);
    this.hand = 0;
    this.filled = 0;
  }
}
