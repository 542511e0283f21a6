// What every dump format shares: the page cache, the stats, and read() built on page().
// A format subclass only says how to load one page and which pages it holds.

import type { PositionalReader } from './file.js';
import { PageCache, DEFAULT_CACHE_PAGES, START_CACHE_PAGES } from './page-cache.js';
import { checkInterrupt } from './interrupt.js';
import { decodeInto } from './decompress.js';
import { Prefetcher } from './prefetch.js';
import { PagePoison, poisonFromEnv } from './page-poison.js';
import { PageMissingError, type DumpFormat, type DumpStats, type ElfNote, type PhysicalDump } from './types.js';

/** The shortest list that starts the prefetch worker. */
const PREFETCH_MIN = 512;

export interface OpenOptions {
  /** Decoded pages kept in memory, a fixed number (default: up to 4096 = 16 MiB of 4 KiB
   *  pages, from 256 on, grown as pages are read again: page-cache.ts). */
  cachePages?: number;
  /** Decode pages that walkers announce (prefetch()) on a worker thread (prefetch.ts): from
   *  the first long list on (true), or from opening on ('eager'). A worker takes ~44 ms of its
   *  CPU to its first page (~37 of them Node's own start of a thread, as for an empty script),
   *  45-100 ms of wall time, and `new Worker` holds the caller ~4 ms: started by the first
   *  long list, the caller decodes that list alone meanwhile (about 2,500 of the 8,400 pages
   *  of the 10,000-socket dump's first sweep); started at opening, it is up before the first
   *  sweep, for ~10 MB and ~50 ms of CPU on the other core that a session without a long
   *  table never gets back. Neither the file's size nor its page count tells many sockets
   *  (the sid-7.2-host fixture, 57 TCP sockets: 30 MB, 49,152 pages; the 10,000-socket dump:
   *  26 MB, 36,786 pages): the kernel's count does, and opening the kernel starts the worker
   *  (startPrefetch) when it counts many (src/kernel/prefetch-start.ts). */
  prefetch?: boolean | 'eager';
  /** Test mode (page-poison.ts): a page handed out by page() is overwritten at the next
   *  page() of another page, so a caller that holds one across reads shows wrong output.
   *  Default: XPORTSHOW_POISON_PAGES in the environment. */
  poisonPages?: boolean;
}

export abstract class BaseDump implements PhysicalDump {
  abstract readonly format: DumpFormat;
  abstract readonly description: string;
  abstract readonly vmcoreinfo: string | undefined;
  abstract readonly notes: readonly ElfNote[];
  abstract readonly incomplete: boolean;
  abstract readonly header: Readonly<Record<string, string | number>>;
  abstract readonly maxPfn: number;

  protected readonly cache: PageCache;
  protected pagesRead = 0;
  private prefetcher: Prefetcher | undefined;
  private readonly wantPrefetch: boolean;
  get prefetching(): boolean {
    return this.wantPrefetch;
  }
  private readonly poison: PagePoison | undefined;

  constructor(
    readonly path: string,
    protected readonly reader: PositionalReader,
    readonly pageSize: number,
    opts: OpenOptions = {},
  ) {
    // An explicit size is a fixed size; the default one starts small and grows (page-cache.ts).
    this.cache = opts.cachePages !== undefined ? new PageCache(opts.cachePages) : new PageCache(DEFAULT_CACHE_PAGES, START_CACHE_PAGES);
    this.wantPrefetch = opts.prefetch === true || opts.prefetch === 'eager';
    if (opts.poisonPages ?? poisonFromEnv()) this.poison = new PagePoison();
    if (opts.prefetch === 'eager') this.startPrefetcher();
  }

  /** The worker, started if not yet (undefined where worker threads cannot start). */
  private startPrefetcher(): Prefetcher | undefined {
    if (!this.prefetcher) {
      try {
        this.prefetcher = new Prefetcher(this.path, this.pageSize);
      } catch {
        // no worker threads here: pages are decoded as they are read
      }
    }
    return this.prefetcher;
  }

  /** Start the prefetch worker now, ahead of the first list (a walker about to read a large
   *  table: the worker's own start takes 45-100 ms of wall time). Nothing without `prefetch`. */
  startPrefetch(): void {
    if (this.wantPrefetch) this.startPrefetcher();
  }

  /** Pages a walker will read next, in the order it will read them: decoded ahead on a worker
   *  thread when the dump was opened with `prefetch` (else nothing happens). */
  prefetch(pfns: readonly number[]): void {
    if (!this.wantPrefetch) return;
    // A worker costs a thread and ~20 MB: only for lists worth it (a large table's sweep).
    if (!this.prefetcher && pfns.length < PREFETCH_MIN) return;
    const prefetcher = this.startPrefetcher();
    if (!prefetcher) return;
    const todo: number[] = [];
    let last = -1;
    for (const pfn of pfns) {
      if (pfn !== last && this.hasPage(pfn) && this.cache.peek(pfn) === undefined) todo.push(pfn);
      last = pfn;
    }
    prefetcher.request(todo);
  }

  /** One page a walker will read later, out of the order of the list it gave prefetch() (the
   *  next link of a chain, lower in the sweep): decoded ahead if the worker is running. */
  prefetchSoon(pfn: number): void {
    const p = this.prefetcher;
    if (p === undefined || p.has(pfn) || !this.hasPage(pfn) || this.cache.peek(pfn) !== undefined) return;
    p.soon(pfn);
  }

  /** Page `pfn` decoded from the file, bypassing the cache (the prefetch worker's read). */
  decodeFresh(pfn: number): Buffer {
    return this.loadPage(pfn);
  }

  abstract pageCounts(): { present: number; excluded: number };
  abstract hasPage(pfn: number): boolean;
  /** Fetch and decode page `pfn` from the file; throws PageMissingError. Not cached here. */
  protected abstract loadPage(pfn: number): Buffer;

  get stats(): DumpStats {
    return { pagesRead: this.pagesRead, cacheHits: this.cache.hits, bytesRead: this.reader.bytesRead };
  }

  /** Memory the cached pages keep alive (tests bound it). */
  retainedBytes(): number {
    return this.cache.retainedBytes();
  }

  /** Page `pfn`: the cache's own memory, valid until the caller's next read of another page
   *  (the cache may then reuse it for another page: copy what must outlive that). */
  page(pfn: number): Buffer {
    const page = this.cachedPage(pfn);
    return this.poison === undefined ? page : this.poison.lease(pfn, page);
  }

  private cachedPage(pfn: number): Buffer {
    checkInterrupt();
    const hit = this.cache.get(pfn);
    if (hit !== undefined) return hit;
    const ahead = this.prefetcher?.take(pfn);
    if (ahead !== undefined) {
      this.pagesRead++;
      this.cache.set(pfn, ahead);
      return ahead;
    }
    const page = this.loadCounted(pfn);
    this.cache.set(pfn, page);
    return page;
  }

  /** loadPage(), counted; an I/O error is a missing page. */
  private loadCounted(pfn: number): Buffer {
    let page: Buffer;
    try {
      page = this.loadPage(pfn);
    } catch (e) {
      // An I/O error (EIO from /proc/kcore over a hole, a failing disk) is a missing page too.
      if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string') {
        throw new PageMissingError(pfn * this.pageSize, 'corrupt', `read error: ${e.message}`);
      }
      throw e;
    }
    this.pagesRead++;
    return page;
  }

  /** Page `pfn` copied into `out` (pageSize bytes): from the cache when there, else decoded
   *  straight into `out` (a zlib page: no copy) and not cached. For blobs read once: the BTF
   *  (1,065 pages of 6.1 at opening) then neither takes a quarter of the cache nor is copied
   *  out of it. */
  readPageInto(pfn: number, out: Buffer): void {
    checkInterrupt();
    const hit = this.cache.get(pfn);
    if (hit !== undefined) {
      hit.copy(out);
      return;
    }
    decodeInto(out);
    let page: Buffer;
    try {
      page = this.loadCounted(pfn);
    } finally {
      decodeInto(undefined);
    }
    if (page !== out) page.copy(out); // decoded into a buffer of its own (lzo, snappy, zstd, the zero page)
  }

  read(paddr: number, len: number): Buffer {
    const ps = this.pageSize;
    const pfn = Math.floor(paddr / ps);
    const off = paddr - pfn * ps;
    if (off + len <= ps) {
      const page = this.page(pfn);
      const out = Buffer.allocUnsafe(len);
      if (len <= 32) for (let i = 0; i < len; i++) out[i] = page[off + i]!; // cheaper than a native copy
      else page.copy(out, 0, off, off + len);
      return out;
    }
    const out = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const a = paddr + done;
      const p = Math.floor(a / ps);
      const o = a - p * ps;
      const n = Math.min(ps - o, len - done);
      this.page(p).copy(out, done, o, o + n);
      done += n;
    }
    return out;
  }

  /** Pages the prefetch worker decoded for us, and pages we claimed from its list. */
  get prefetchStats(): { taken: number; claimed: number; decoded: number } | undefined {
    const p = this.prefetcher;
    return p ? { taken: p.taken, claimed: p.claimed, decoded: p.decoded } : undefined;
  }

  close(): void {
    this.prefetcher?.close();
    this.prefetcher = undefined;
    this.cache.clear();
    this.reader.close();
  }
}
