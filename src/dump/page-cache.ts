// A bounded cache of decoded pages keyed by page frame number, shared by all dump formats.
// Replacement is CLOCK ("second chance"), which behaves like LRU but makes a hit one Map
// lookup plus a flag store: the pages sit in a ring of slots; a hit marks the slot; to make
// room the hand sweeps the ring, clearing marks, and takes the first unmarked slot.
// (It once kept the order in the Map itself — delete the oldest, re-insert the marked — but a
// Map's first entry is found by skipping the deleted ones, which cost 4.4 s of a 100,000-
// socket walk.)

import { recyclePage } from './decompress.js';

// 4 MiB of 4 KiB pages. The large kernel tables (sockets, conntrack, neighbours, bind, nft
// sets) are read in address order (src/net/address-order.ts), so a walk decodes each page
// about once with a cache far smaller than the table. A larger cache buys little and costs
// its first fill: every slot is fresh memory, and a first touch of a page of memory costs a
// page fault (~1.5-4 µs here, more than the cache saves): first `-at --json` of the 10,000-
// socket dump, dump layer alone (its page reads replayed, main-thread CPU): 4,096 pages
// 73-76 ms, 4,850 faults, 9,881 pages decoded; 2,048: 70-71 ms; 1,024: 66-67 ms, 2,000
// faults, 9,907 pages; 20,000 sockets 134 -> 126 ms (18,383 -> 18,459 pages); 100,000
// sockets 695 ms either way (93,351 -> 95,311 pages), 19 MB less peak RSS.
export const DEFAULT_CACHE_PAGES = 1024;

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

  constructor(capacity: number = DEFAULT_CACHE_PAGES) {
    this.capacity = capacity >= 1 ? Math.floor(capacity) : 1;
    this.pfns = new Float64Array(this.capacity).fill(-1);
    this.pages = new Array<Buffer | undefined>(this.capacity).fill(undefined);
    this.used = new Uint8Array(this.capacity);
  }

  get(pfn: number): Buffer | undefined {
    const slot = this.map.get(pfn);
    if (slot === undefined) {
      this.misses++;
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
    const slot = this.filled < this.capacity ? this.filled++ : this.victim();
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

  /** Free a slot: the first unmarked one from the hand on (at most one lap clears every mark). */
  private victim(): number {
    const cap = this.capacity;
    const used = this.used;
    for (;;) {
      const slot = this.hand;
      this.hand = slot + 1 === cap ? 0 : slot + 1;
      if (used[slot] === 0) {
        this.map.delete(this.pfns[slot]!);
        this.retire(this.pages[slot]!);
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
    this.hand = 0;
    this.filled = 0;
  }
}
