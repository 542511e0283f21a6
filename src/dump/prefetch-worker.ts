// The second core's half of prefetch.ts: open the same dump file, then decode the pages of the
// current list in order into the shared slots, never more than SLOTS entries ahead of the
// caller, skipping entries the caller claimed. Ends when told to, or with the process.

import { workerData } from 'node:worker_threads';
import { openDump } from './open.js';
import { decodeInto, prepareDecoders } from './decompress.js';
import type { BaseDump } from './base.js';
import { COUNT, DONE, FREE, GEN, MAIN, PROGRESS, READY, SLOTS, STOP, WORKER, type PrefetchShared } from './prefetch.js';

const shared = workerData as PrefetchShared;
const ctrl = new Int32Array(shared.ctrl);
const pfns = new Int32Array(shared.pfns);
const claim = new Int32Array(shared.claim);
const slotTag = new Int32Array(shared.slotTag);
const slots = Buffer.from(shared.slots);
const ps = shared.pageSize;

const dump = openDump(shared.path, { cachePages: 1 }) as BaseDump;
// zstd's WebAssembly decoder only where pages are zstd (it costs the worker memory and time).
// Awaited inside run(), not at the top level: the bundle makes this file CommonJS, which V8
// can load from a code cache (scripts/bundle.mjs).
if (dump.header.compression === 'zstd') void prepareDecoders().then(run);
else run();

/** Decode the current list ahead of the caller until told to stop. */
function run(): void {
  let gen = -1;
  let t = 0;
  while (Atomics.load(ctrl, STOP) === 0) {
    const g = Atomics.load(ctrl, GEN);
    if (g !== gen) {
      gen = g;
      t = 0;
    }
    const n = Atomics.load(ctrl, COUNT);
    const progress = Atomics.load(ctrl, PROGRESS);
    if (t <= progress) t = progress + 1; // the caller is past these: what it needs is ahead
    if (t >= n) {
      Atomics.wait(ctrl, COUNT, n, 200); // nothing to do until a new list
      continue;
    }
    if (t - progress >= SLOTS) {
      Atomics.wait(ctrl, PROGRESS, progress, 50); // far enough ahead: let the caller catch up
      continue;
    }
    const base = gen * 4;
    if (Atomics.compareExchange(claim, t, base + FREE, base + WORKER) !== base + FREE) {
      t++; // the caller's (MAIN), or a list replaced meanwhile
      continue;
    }
    const slot = t % SLOTS;
    Atomics.store(slotTag, slot, 0);
    let ok = false;
    const into = slots.subarray(slot * ps, (slot + 1) * ps);
    try {
      decodeInto(into); // zlib pages are inflated straight into the slot
      const page = dump.decodeFresh(pfns[t]!);
      if (page !== into) page.copy(into);
      ok = true;
    } catch {
      // a page the dump does not hold: the caller meets the error itself
    } finally {
      decodeInto(undefined);
    }
    if (ok) {
      Atomics.store(slotTag, slot, t + 1);
      Atomics.add(ctrl, DONE, 1);
    }
    Atomics.compareExchange(claim, t, base + WORKER, ok ? base + READY : base + MAIN);
    Atomics.notify(claim, t);
    t++;
  }
  dump.close();
}
