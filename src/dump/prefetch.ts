// Pages decoded ahead on the second core. A walker that knows which pages it will read next
// (the sockets of a sweep, sorted by address) hands their frame numbers to prefetch(); a
// worker thread (prefetch-worker.ts) with its own handle on the same dump file decodes them in
// that order into a pool of shared page slots, and page() takes a page from there instead of
// decoding it. Nothing waits for the worker: a page it has not begun is claimed and decoded
// by the caller as before, so the worker only ever removes work (a page is decoded once, by
// whichever side claims it first), and without it everything runs as it did.
//
// Besides the list, a walker may announce single pages it will come to later (soon(): the
// next link of a hash chain, found during a sweep, that lies further down the sweep): the
// worker decodes those between the list's pages and keeps them in the pool until taken.
//
// Shared state, all in SharedArrayBuffers (no messages after start):
//   ctrl[GEN]       generation of the current list (a new prefetch() replaces the list)
//   ctrl[COUNT]     entries in the list (ids 0 ..)
//   ctrl[PROGRESS]  the furthest list entry the caller has asked for (the worker stays less
//                   than WINDOW entries ahead)
//   ctrl[STOP]      1: the worker ends
//   ctrl[DONE]      pages the worker decoded
//   ctrl[SOON]      single pages announced (ids MAX_LIST ..)
//   ctrl[FREED]     single pages' slots the caller has freed (taken), in freed[] as a ring
//   ctrl[SEQ]       bumped by the caller when there is new work; the worker sleeps on it
//   ctrl[SLEEP]     1 while the worker sleeps (the caller wakes it only then)
//   ctrl[WAKE_AT]   list progress worth waking the worker for (its window has room again)
//   pfns[id]        the entries
//   claim[id]       gen*4 + FREE | WORKER (decoding) | MAIN (the caller decodes it) | READY
//   slotOf[id]      the pool slot a READY single page was decoded into (a list entry t is
//                   decoded into slot t % LIST_SLOTS)
//   slotTag[s]      which entry slot s holds: id + 1, 0 while free or being written (a seqlock)

import type { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { newPage, recyclePage } from './decompress.js';
import { builtin } from './builtin.js';

/** How far the worker decodes ahead of the caller in the list. */
export const WINDOW = 256;
/** The list's slots: entry t is decoded into slot t % LIST_SLOTS, which the worker reuses
 *  for entry t + LIST_SLOTS only once the caller is past t + LIST_SLOTS - WINDOW (64 entries
 *  behind it: the caller's reads out of order, as the two pages of one object, stay taken). */
export const LIST_SLOTS = WINDOW + 64;
/** Slots for single pages (soon()) held until taken (the pool's memory is touched only as far
 *  as they are used). The 10,000-socket sweep announces ~940 (next links of its hash chains),
 *  the 20,000-socket one ~4,600: with 1,024 slots the worker decodes ~1,000 more of those than
 *  with 512 (main-thread CPU in -at -10 ms, peak RSS +1 MB); 2,048 gave -5 ms more for +5 MB. */
export const SOON_SLOTS = 1024;
/** Page slots in the pool. */
export const SLOTS = LIST_SLOTS + SOON_SLOTS;
/** Longest list one prefetch() takes (the rest is read as before). */
export const MAX_LIST = 1 << 18;
/** Single pages (soon()) one list's generation takes. */
export const MAX_SOON = 1 << 16;
export const GEN = 0;
export const COUNT = 1;
export const PROGRESS = 2;
export const STOP = 3;
/** Pages the worker has decoded so far. */
export const DONE = 4;
export const SOON = 5;
export const FREED = 6;
export const SEQ = 7;
export const SLEEP = 8;
export const WAKE_AT = 9;
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
  slotOf: SharedArrayBuffer;
  slotTag: SharedArrayBuffer;
  freed: SharedArrayBuffer;
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
  private readonly slotOf: Int32Array;
  private readonly slotTag: Int32Array;
  private readonly slots: Buffer;
  private readonly freed: Int32Array;
  private freedCount = 0;
  private readonly worker: Worker;
  private gen = 0;
  private ticket = new Map<number, number>(); // pfn → entry id of the current generation
  private progress = -1;
  private soonCount = 0;
  /** Pages taken from the worker, and pages the caller claimed and decoded itself. */
  taken = 0;
  claimed = 0;

  constructor(path: string, private readonly pageSize: number) {
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    const ids = MAX_LIST + MAX_SOON;
    const shared: PrefetchShared = {
      path,
      pageSize,
      ctrl: sab(64),
      pfns: sab(ids * 4),
      claim: sab(ids * 4),
      slotOf: sab(ids * 4),
      slotTag: sab(SLOTS * 4),
      freed: sab(SOON_SLOTS * 4),
      slots: sab(SLOTS * pageSize),
    };
    this.ctrl = new Int32Array(shared.ctrl);
    this.pfns = new Int32Array(shared.pfns);
    this.claim = new Int32Array(shared.claim);
    this.slotOf = new Int32Array(shared.slotOf);
    this.slotTag = new Int32Array(shared.slotTag);
    this.slots = Buffer.from(shared.slots);
    this.freed = new Int32Array(shared.freed);
    Atomics.store(this.ctrl, WAKE_AT, 0x7fffffff);
    // A small heap: the worker only decodes pages (its garbage is page buffers).
    // node:worker_threads only now (src/dump/builtin.ts): the worker is opt-in
    const { Worker } = builtin<typeof import('node:worker_threads')>('node:worker_threads');
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

  /** New work for the worker: wake it if it sleeps (once: a worker woken but not yet running
   *  again, the other core busy, is not woken again at every page). */
  private poke(): void {
    Atomics.add(this.ctrl, SEQ, 1);
    if (Atomics.load(this.ctrl, SLEEP) !== 0 && Atomics.compareExchange(this.ctrl, SLEEP, 1, 0) === 1) Atomics.notify(this.ctrl, SEQ);
  }

  /** Decode these pages ahead, in this order (replacing any list given before, and the single
   *  pages announced with it). */
  request(pfns: readonly number[]): void {
    const gen = (this.gen = (this.gen + 1) & 0x1fffffff);
    // Retire the old list first: the worker's claims of it fail from here on.
    Atomics.store(this.ctrl, COUNT, 0);
    Atomics.store(this.ctrl, SOON, 0);
    Atomics.store(this.ctrl, GEN, gen);
    this.ticket = new Map();
    this.soonCount = 0;
    const base = gen * 4;
    let t = 0;
    for (let i = 0; i < pfns.length && t < MAX_LIST; i++) {
      const pfn = pfns[i]!;
      if (this.ticket.has(pfn)) continue;
      this.pfns[t] = pfn;
      Atomics.store(this.claim, t, base + FREE);
      this.ticket.set(pfn, t++);
    }
    this.progress = -1;
    Atomics.store(this.ctrl, PROGRESS, -1);
    Atomics.store(this.ctrl, COUNT, t);
    Atomics.notify(this.ctrl, COUNT); // (a worker of an older build waits on COUNT)
    this.poke();
  }

  /** Whether page `pfn` is announced (in the list, or as a single page) and not yet read. */
  has(pfn: number): boolean {
    return this.ticket.has(pfn);
  }

  /** One page the caller will read later, out of the list's order: decoded when the worker
   *  has time, and held until taken. */
  soon(pfn: number): void {
    if (this.ticket.has(pfn) || this.soonCount >= MAX_SOON) return;
    const id = MAX_LIST + this.soonCount++;
    this.pfns[id] = pfn;
    Atomics.store(this.claim, id, this.gen * 4 + FREE);
    this.ticket.set(pfn, id);
    Atomics.store(this.ctrl, SOON, this.soonCount);
    this.poke();
  }

  /** Page `pfn` if the worker decoded it (copied into a page of newPage()); undefined: the
   *  caller decodes it. */
  take(pfn: number): Buffer | undefined {
    const t = this.ticket.get(pfn);
    if (t === undefined) return undefined;
    this.ticket.delete(pfn);
    if (t < MAX_LIST && t > this.progress) {
      this.progress = t;
      Atomics.store(this.ctrl, PROGRESS, t);
      // The worker sleeps with a full window: wake it once a quarter of it is free again.
      if (t >= Atomics.load(this.ctrl, WAKE_AT)) {
        Atomics.store(this.ctrl, WAKE_AT, 0x7fffffff);
        this.poke();
      }
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
    const soon = t >= MAX_LIST;
    const slot = soon ? Atomics.load(this.slotOf, t) : t % LIST_SLOTS;
    if (Atomics.load(this.slotTag, slot) !== t + 1) return undefined;
    const page = newPage(this.pageSize);
    this.slots.copy(page, 0, slot * this.pageSize, (slot + 1) * this.pageSize);
    // Still the same entry after the copy (the worker did not reuse the slot meanwhile)?
    if (Atomics.load(this.slotTag, slot) !== t + 1 || Atomics.load(this.claim, t) !== base + READY) {
      recyclePage(page);
      return undefined;
    }
    if (soon) {
      // The worker reuses a single page's slot only once it is free (a list's are a ring).
      Atomics.store(this.slotTag, slot, 0);
      this.freed[this.freedCount % SOON_SLOTS] = slot;
      Atomics.store(this.ctrl, FREED, ++this.freedCount);
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
    this.poke();
    Atomics.notify(this.ctrl, SEQ);
    void this.worker.terminate();
  }
}
