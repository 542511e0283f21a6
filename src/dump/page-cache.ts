// A bounded cache of decoded pages keyed by page frame number, shared by all dump formats.
// Replacement is CLOCK ("second chance"), which behaves like LRU but makes a hit one Map
// lookup plus a flag store: the pages sit in a ring of slots; a hit marks the slot; to make
// room the hand sweeps the ring, clearing marks, and takes the first unmarked slot.
// (It once kept the order in the Map itself — delete the oldest, re-insert the marked — but a
// Map's first entry is found by skipping the deleted ones, which cost 4.4 s of a 100,000-
// socket walk.)

import { SLAB_PAGES, inSlab, newPage } from './decompress.js';

// 16 MiB of 4 KiB pages. The large kernel tables (sockets, conntrack, neighbours, bind, nft
// sets) are read in address order (src/net/address-order.ts), so a walk decodes each page
// about once with a cache far smaller than the table: 20,000 TCP sockets decode 18,828 pages
// with 2,048 cached pages, 18,652 with 16,384 (and 290 MB → 200 MB peak RSS).
export const DEFAULT_CACHE_PAGES = 4096;

/** A slab with this many cached pages or fewer (a quarter) gives up its survivors. */
const SPARSE_SLAB = SLAB_PAGES / 4;

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
      this.release(this.pages[old]!);
      this.hold(page);
      this.pages[old] = page;
      return;
    }
    const slot = this.filled < this.capacity ? this.filled++ : this.victim();
    this.pfns[slot] = pfn;
    this.hold(page);
    this.pages[slot] = page;
    this.used[slot] = 0;
    this.map.set(pfn, slot);
  }

  /** Cached pages per slab (decompress.ts newPage): a slab lives while any of them does. */
  private readonly slabLive = new WeakMap<ArrayBufferLike, number>();

  private hold(page: Buffer): void {
    if (inSlab(page)) this.slabLive.set(page.buffer, (this.slabLive.get(page.buffer) ?? 0) + 1);
  }

  private release(page: Buffer): void {
    if (inSlab(page)) this.slabLive.set(page.buffer, (this.slabLive.get(page.buffer) ?? 1) - 1);
  }

  /** Free a slot: the first unmarked one from the hand on (at most one lap clears every mark). */
  private victim(): number {
    const cap = this.capacity;
    const used = this.used;
    const pages = this.pages;
    for (;;) {
      const slot = this.hand;
      this.hand = slot + 1 === cap ? 0 : slot + 1;
      if (used[slot] === 0) {
        this.map.delete(this.pfns[slot]!);
        this.release(pages[slot]!);
        return slot;
      }
      used[slot] = 0;
      // A page cut from a shared slab (decompress.ts newPage) that survives the hand while
      // most of its slab is gone moves to the newest slab (a copy into a slab, not an
      // ArrayBuffer of its own per page), so that a few survivors do not keep whole slabs
      // alive: the memory held stays within a few times the capacity (test/dump/
      // page-memory.test.ts bounds it). A page of a slab still mostly cached stays put: a walk
      // in address order keeps whole slabs in use, and copying every page the hand passes
      // once cost 112 ms of a 20,000-socket walk. Pages are never written: a caller still
      // holding the old copy sees the same bytes.
      const p = pages[slot]!;
      if (inSlab(p) && (this.slabLive.get(p.buffer) ?? 0) <= SPARSE_SLAB) {
        const own = newPage(p.length);
        p.copy(own);
        this.release(p);
        this.hold(own);
        pages[slot] = own;
      }
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

  clear(): void {
    for (let i = 0; i < this.filled; i++) this.release(this.pages[i]!);
    this.map.clear();
    this.pfns.fill(-1);
    this.pages.fill(undefined);
    this.used.fill(0);
    this.hand = 0;
    this.filled = 0;
  }
}
