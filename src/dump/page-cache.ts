// A bounded cache of decoded pages keyed by page frame number, shared by all dump formats.
// Replacement is CLOCK ("second chance"), which behaves like LRU but makes a hit one Map
// lookup plus a flag store: a hit marks the entry; eviction walks from the oldest entry,
// giving marked ones a second life at the young end and dropping the first unmarked one.

import { inSlab } from './decompress.js';

// 64 MiB of 4 KiB pages: the slab pages of ~25,000 TCP sockets, so a walk of a large
// ehash decodes each page once (the walk visits sockets in hash order, not slab order).
export const DEFAULT_CACHE_PAGES = 16384;

interface Entry {
  page: Buffer;
  used: boolean;
}

export class PageCache {
  private map = new Map<number, Entry>();
  hits = 0;
  misses = 0;
  readonly capacity: number;

  constructor(capacity: number = DEFAULT_CACHE_PAGES) {
    this.capacity = capacity >= 1 ? Math.floor(capacity) : 1;
  }

  get(pfn: number): Buffer | undefined {
    const e = this.map.get(pfn);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    e.used = true;
    return e.page;
  }

  set(pfn: number, page: Buffer): void {
    const map = this.map;
    const old = map.get(pfn);
    if (old) {
      old.page = page;
      return;
    }
    if (map.size >= this.capacity) this.evictOne();
    map.set(pfn, { page, used: false });
  }

  private evictOne(): void {
    const map = this.map;
    // Give at most a few marked entries their second chance, then drop the oldest regardless:
    // a full lap over a cache where every page was hit would cost O(capacity) per eviction.
    for (let i = 0; ; i++) {
      const [pfn, e] = map.entries().next().value as [number, Entry];
      map.delete(pfn);
      if (!e.used || i >= 8) return;
      e.used = false;
      // A page cut from a shared slab (decompress.ts newPage) gets its own copy when it outlives
      // its first lap: so a slab is held only by pages still in their first lap, which sit
      // together at the old end, and the cache's memory stays capacity + two slabs. (Pages are
      // never written: a caller still holding the old copy sees the same bytes.)
      if (inSlab(e.page)) {
        const own = Buffer.allocUnsafeSlow(e.page.length);
        e.page.copy(own);
        e.page = own;
      }
      map.set(pfn, e);
    }
  }

  /** Bytes of memory the cached pages keep alive (distinct backing buffers). */
  retainedBytes(): number {
    const seen = new Set<ArrayBufferLike>();
    let n = 0;
    for (const e of this.map.values()) {
      if (seen.has(e.page.buffer)) continue;
      seen.add(e.page.buffer);
      n += e.page.buffer.byteLength;
    }
    return n;
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
