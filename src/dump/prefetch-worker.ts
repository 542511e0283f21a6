// The second core's half of prefetch.ts: open the same dump file, then decode the pages of the
// current list in order into the shared pool, never more than WINDOW entries ahead of the
// caller, skipping entries the caller claimed; and between them the single pages announced
// (soon()), held in the pool until taken. Ends when told to, or with the process.

import { workerData } from 'node:worker_threads';
import { openDump } from './open.js';
import { decodeInto } from './decompress.js';
import type { BaseDump } from './base.js';
import {
  COUNT,
  DONE,
  FREE,
  FREED,
  GEN,
  LIST_SLOTS,
  MAIN,
  MAX_LIST,
  PROGRESS,
  READY,
  SEQ,
  SLEEP,
  SLOTS,
  SOON,
  SOON_SLOTS,
  STOP,
  WAKE_AT,
  WINDOW,
  WORKER,
  type PrefetchShared,
} from './prefetch.js';

const shared = workerData as PrefetchShared;
const ctrl = new Int32Array(shared.ctrl);
const pfns = new Int32Array(shared.pfns);
const claim = new Int32Array(shared.claim);
const slotOf = new Int32Array(shared.slotOf);
const slotTag = new Int32Array(shared.slotTag);
const slots = Buffer.from(shared.slots);
const freed = new Int32Array(shared.freed);
const ps = shared.pageSize;

const dump = openDump(shared.path, { cachePages: 1 }) as BaseDump;

/** List entries ahead of the caller below which the list comes before single pages (the
 *  caller is about to read them). */
const LEAD_MIN = 64;

// Slots for single pages free to decode into. A slot given out comes back when the caller has
// taken its page (it writes the slot to freed[], a ring), or with a new list.
const soonFree: number[] = [];
let freedSeen = 0; // entries of freed[] taken back

function resetSoonSlots(): void {
  soonFree.length = 0;
  for (let s = SLOTS - 1; s >= LIST_SLOTS; s--) soonFree.push(s); // lowest on top: the pool's memory is touched only as far as needed
  freedSeen = Atomics.load(ctrl, FREED); // (all free again: slots freed before are among them)
}

/** Whether a slot is free for a single page, taking back those the caller has freed. */
function soonSlotFree(): boolean {
  if (soonFree.length > 0) return true;
  const n = Atomics.load(ctrl, FREED);
  while (freedSeen < n) soonFree.push(freed[freedSeen++ % SOON_SLOTS]!);
  return soonFree.length > 0;
}

/** Decode entry `id`, claimed for the worker, into pool slot `slot`; whether it could. */
function decodeEntry(id: number, gen: number, slot: number): boolean {
  const base = gen * 4;
  Atomics.store(slotTag, slot, 0);
  let ok = false;
  const into = slots.subarray(slot * ps, (slot + 1) * ps);
  try {
    decodeInto(into); // zlib pages are inflated straight into the slot
    const page = dump.decodeFresh(pfns[id]!);
    if (page !== into) page.copy(into);
    ok = true;
  } catch {
    // a page the dump does not hold: the caller meets the error itself
  } finally {
    decodeInto(undefined);
  }
  if (ok) {
    Atomics.store(slotOf, id, slot);
    Atomics.store(slotTag, slot, id + 1);
    Atomics.add(ctrl, DONE, 1);
  }
  Atomics.compareExchange(claim, id, base + WORKER, ok ? base + READY : base + MAIN);
  Atomics.notify(claim, id);
  return ok;
}

/** Sleep until the caller gives new work (ctrl[SEQ] moves from `seq`) or its list progress
 *  reaches `wakeAt`. */
function sleep(seq: number, wakeAt: number, ms: number): void {
  Atomics.store(ctrl, WAKE_AT, wakeAt);
  Atomics.store(ctrl, SLEEP, 1);
  // (Progress made before WAKE_AT was stored did not wake us: look again.)
  if (Atomics.load(ctrl, SEQ) === seq && Atomics.load(ctrl, PROGRESS) < wakeAt) Atomics.wait(ctrl, SEQ, seq, ms);
  Atomics.store(ctrl, SLEEP, 0);
  Atomics.store(ctrl, WAKE_AT, 0x7fffffff);
}

/** Decode the current list ahead of the caller, and the single pages, until told to stop. */
function run(): void {
  let gen = -1;
  let t = 0; // next list entry
  let u = 0; // next single page
  while (Atomics.load(ctrl, STOP) === 0) {
    const seq = Atomics.load(ctrl, SEQ);
    const g = Atomics.load(ctrl, GEN);
    if (g !== gen) {
      gen = g;
      t = 0;
      u = 0;
      resetSoonSlots();
    }
    const n = Atomics.load(ctrl, COUNT);
    const progress = Atomics.load(ctrl, PROGRESS);
    if (t <= progress) t = progress + 1; // the caller is past these: what it needs is ahead
    const lead = t - progress;
    const listOpen = t < n && lead < WINDOW;
    const soonOpen = u < Atomics.load(ctrl, SOON) && soonSlotFree();
    let id: number;
    let slot: number;
    if (listOpen && (lead < LEAD_MIN || !soonOpen)) {
      id = t++;
      slot = id % LIST_SLOTS;
    } else if (soonOpen) {
      id = MAX_LIST + u++;
      slot = soonFree[soonFree.length - 1]!;
    } else {
      // Nothing to do until the caller gives more work, or (a full window) has read a
      // quarter of it.
      sleep(seq, t < n ? progress + (WINDOW >> 2) : 0x7fffffff, 200);
      continue;
    }
    // Not the caller's (MAIN) already, nor of a list replaced meanwhile?
    if (Atomics.compareExchange(claim, id, gen * 4 + FREE, gen * 4 + WORKER) !== gen * 4 + FREE) continue;
    if (id >= MAX_LIST) soonFree.pop();
    // (A page the dump does not hold leaves its single page's slot free.)
    if (!decodeEntry(id, gen, slot) && id >= MAX_LIST) soonFree.push(slot);
  }
  dump.close();
}

// (Started last: the constants above must be initialised first.)
run();
