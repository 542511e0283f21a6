// Pages decoded ahead on the second core. A walker that knows which pages it will read next
// (the sockets of a sweep, sorted by address) hands their frame numbers to prefetch(); a
// worker thread (prefetch-worker.ts) with its own handle on the same dump file decodes them in
// that order into a ring of shared page slots, and page() takes a page from there instead of
// decoding it. Nothing waits for the worker: a page it has not begun is claimed and decoded
// by the caller as before, so the worker only ever removes work (a page is decoded once, by
// whichever side claims it first), and without it everything runs as it did.
//
// Shared state, all in SharedArrayBuffers (no messages after start):
//   ctrl[GEN]       generation of the current list (a new prefetch() replaces the list)
//   ctrl[COUNT]     entries in the list
//   ctrl[PROGRESS]  the furthest entry the caller has asked for (the worker stays < SLOTS ahead)
//   ctrl[STOP]      1: the worker ends
//   ctrl[DONE]      pages the worker decoded
//   pfns[t]         the list
//   claim[t]        gen*4 + FREE | WORKER (decoding) | MAIN (the caller decodes it) | READY
//   slotTag[s]      which entry slot s holds: t + 1, 0 while being written (a seqlock)

import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { recyclePage } from './decompress.js';

export const SLOTS = 256;
/** Longest list one prefetch() takes (the rest is read as before). */
export const MAX_LIST = 1 << 18;
export const GEN = 0;
export const COUNT = 1;
export const PROGRESS = 2;
export const STOP = 3;
/** Pages the worker has decoded so far. */
export const DONE = 4;
export const FREE = 0;
export const WORKER = 1;
export const MAIN = 2;
export const READY = 3;
/** How long the caller waits for a page the worker is decoding (about one page's decode). */
const WAIT_MS = 0.02;

/** What the worker is started with. */
export interface PrefetchShared {
  path: string;
  pageSize: number;
  ctrl: SharedArrayBuffer;
  pfns: SharedArrayBuffer;
  claim: SharedArrayBuffer;
  slotTag: SharedArrayBuffer;
  slots: SharedArrayBuffer;
}

let scriptOverride: string | undefined;

/** Run the worker from this file instead (tests: a build of prefetch-worker.ts, since a worker
 *  thread of the vitest process cannot load TypeScript). */
export function setPrefetchWorkerScript(file: string | undefined): void {
  scriptOverride = file;
}

/** The worker's script beside this module: in the bundle its start, prefetch-worker.cjs (which
 *  loads the script with its code cache, scripts/bundle.mjs); under tsx (`node --import tsx`,
 *  inherited by the worker) the .ts. */
function workerScript(): string {
  if (scriptOverride) return scriptOverride;
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './prefetch-worker.ts' : './prefetch-worker.cjs', here));
}

export class Prefetcher {
  private readonly ctrl: Int32Array;
  private readonly pfns: Int32Array;
  private readonly claim: Int32Array;
  private readonly slotTag: Int32Array;
  private readonly slots: Buffer;
  private readonly worker: Worker;
  private gen = 0;
  private ticket = new Map<number, number>(); // pfn → entry of the current list
  private progress = -1;
  /** Pages taken from the worker, and pages the caller claimed and decoded itself. */
  taken = 0;
  claimed = 0;

  constructor(path: string, private readonly pageSize: number) {
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    const shared: PrefetchShared = {
      path,
      pageSize,
      ctrl: sab(32),
      pfns: sab(MAX_LIST * 4),
      claim: sab(MAX_LIST * 4),
      slotTag: sab(SLOTS * 4),
      slots: sab(SLOTS * pageSize),
    };
    this.ctrl = new Int32Array(shared.ctrl);
    this.pfns = new Int32Array(shared.pfns);
    this.claim = new Int32Array(shared.claim);
    this.slotTag = new Int32Array(shared.slotTag);
    this.slots = Buffer.from(shared.slots);
    // A small heap: the worker only decodes pages (its garbage is page buffers).
    this.worker = new Worker(workerScript(), {
      workerData: shared,
      stdout: false,
      stderr: false,
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
    });
    this.worker.unref(); // never keeps the process alive
    // A worker that fails to start or dies leaves every page to the caller, as without it.
    this.worker.on('error', () => {});
  }

  /** Decode these pages ahead, in this order (replacing any list given before). */
  request(pfns: readonly number[]): void {
    let n = 0;
    const gen = (this.gen = (this.gen + 1) & 0x1fffffff);
    // Retire the old list first: the worker's claims of it fail from here on.
    Atomics.store(this.ctrl, COUNT, 0);
    Atomics.store(this.ctrl, GEN, gen);
    this.ticket = new Map();
    const base = gen * 4;
    let t = 0;
    for (let i = 0; i < pfns.length && t < MAX_LIST; i++) {
      const pfn = pfns[i]!;
      if (this.ticket.has(pfn)) continue;
      this.pfns[t] = pfn;
      Atomics.store(this.claim, t, base + FREE);
      this.ticket.set(pfn, t++);
    }
    n = t;
    this.progress = -1;
    Atomics.store(this.ctrl, PROGRESS, -1);
    Atomics.store(this.ctrl, COUNT, n);
    Atomics.notify(this.ctrl, COUNT);
  }

  /** Page `pfn` if the worker decoded it (copied into `into`); false: the caller decodes it. */
  take(pfn: number, into: () => Buffer): Buffer | undefined {
    const t = this.ticket.get(pfn);
    if (t === undefined) return undefined;
    this.ticket.delete(pfn);
    if (t > this.progress) {
      this.progress = t;
      Atomics.store(this.ctrl, PROGRESS, t);
      Atomics.notify(this.ctrl, PROGRESS);
    }
    const base = this.gen * 4;
    // Not begun: the caller's, now.
    if (Atomics.compareExchange(this.claim, t, base + FREE, base + MAIN) === base + FREE) {
      this.claimed++;
      return undefined;
    }
    // Being decoded: a page takes the worker ~10 µs, so wait about that long, no more. A worker
    // the scheduler has put aside (the other core busy: GC threads, other processes) may not
    // run again for milliseconds; decoding the page here costs no more than the wait would.
    // (Waiting up to 100 × 5 ms once cost the 10,000-socket `-at` 3-100 ms of wall time on a
    // busy 2-core machine, 5-13 waits a run.)
    if (Atomics.load(this.claim, t) === base + WORKER) Atomics.wait(this.claim, t, base + WORKER, WAIT_MS);
    if (Atomics.load(this.claim, t) !== base + READY) {
      this.claimed++;
      return undefined;
    }
    const slot = t % SLOTS;
    if (Atomics.load(this.slotTag, slot) !== t + 1) return undefined;
    const page = into();
    this.slots.copy(page, 0, slot * this.pageSize, (slot + 1) * this.pageSize);
    // Still the same entry after the copy (the worker did not reuse the slot meanwhile)?
    if (Atomics.load(this.slotTag, slot) !== t + 1 || Atomics.load(this.claim, t) !== base + READY) {
      recyclePage(page);
      return undefined;
    }
    this.taken++;
    return page;
  }

  /** Pages the worker has decoded so far (whether taken or not). */
  get decoded(): number {
    return Atomics.load(this.ctrl, DONE);
  }

  close(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.store(this.ctrl, COUNT, 0);
    Atomics.notify(this.ctrl, COUNT);
    Atomics.notify(this.ctrl, PROGRESS);
    void this.worker.terminate();
  }
}
