// Pages decoded ahead on a worker thread (src/dump/prefetch.ts) are the pages the file holds,
// byte for byte, whichever side decodes each; and a list the caller reads in its own order,
// or only in part, or replaces, never gives it a wrong page.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { COUNT, DONE, FREE, GEN, STOP, WINDOW, WORKER, setPrefetchWorkerScript } from '../../src/dump/prefetch.js';
import { openDump } from '../../src/dump/open.js';
import type { BaseDump } from '../../src/dump/base.js';
import { fixtureDir } from '../support/truth.js';

const PATH = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');

/** Present pages of the dump, `n` of them from `from` on. */
function present(d: BaseDump, from: number, n: number): number[] {
  const out: number[] = [];
  for (let p = from; p < d.maxPfn && out.length < n; p++) if (d.hasPage(p)) out.push(p);
  return out;
}

async function workerStarted(d: BaseDump): Promise<void> {
  for (let i = 0; i < 400 && !(d.prefetchStats && d.prefetchStats.decoded > 0); i++) await new Promise((r) => setTimeout(r, 50));
}

// A worker thread of this (vitest) process cannot load TypeScript: run a build of it (inside
// the project, so that its packages resolve).
mkdirSync(join('node_modules', '.cache'), { recursive: true });
const out = mkdtempSync(join(process.cwd(), 'node_modules', '.cache', 'xps-prefetch-'));
const workerBuild = join(out, 'prefetch-worker.mjs');
beforeAll(() => {
  buildSync({ entryPoints: ['src/dump/prefetch-worker.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: workerBuild, logLevel: 'warning' });
  setPrefetchWorkerScript(workerBuild);
});
afterAll(() => {
  setPrefetchWorkerScript(undefined);
  rmSync(out, { recursive: true, force: true });
});

describe('prefetch worker', () => {
  const plain = openDump(PATH, { cachePages: 8 }) as BaseDump;

  /** Page `pfn` as `d` gives it equals the page decoded plainly, without a worker. */
  function expectPage(d: BaseDump, pfn: number, what = `pfn ${pfn}`): void {
    expect(d.page(pfn).equals(plain.page(pfn)), what).toBe(true);
  }

  /** `pfns` announced and read in order once the worker is up: each as decoded in place, some
   *  from the worker, each either taken from it or claimed by the caller. */
  async function readThroughWorker(d: BaseDump, pfns: number[]): Promise<void> {
    d.prefetch(pfns);
    await workerStarted(d);
    for (const p of pfns) expectPage(d, p);
    const st = d.prefetchStats!;
    expect(st.taken).toBeGreaterThan(0);
    expect(st.taken + st.claimed).toBe(pfns.length);
  }

  it('gives the same bytes as decoding in place, and takes pages from the worker', async () => {
    const d = openDump(PATH, { cachePages: 4096, prefetch: true }) as BaseDump;
    try {
      const pfns = present(d, 4096, 3000);
      await readThroughWorker(d, pfns);
      expect(d.stats.pagesRead).toBe(pfns.length);
    } finally {
      d.close();
    }
  });

  it('stays right when the caller reads backwards, skips, and replaces the list', async () => {
    const d = openDump(PATH, { cachePages: 16, prefetch: true }) as BaseDump;
    try {
      const a = present(d, 8192, 2000);
      d.prefetch(a);
      await workerStarted(d);
      for (const p of a.slice(0, 1500).reverse()) expectPage(d, p);
      const b = present(d, 20000, 1200);
      d.prefetch(b);
      for (let i = 0; i < b.length; i += 3) expectPage(d, b[i]!);
      for (const p of a.slice(1500)) expectPage(d, p);
    } finally {
      d.close();
    }
  });

  it('single pages announced out of the list (prefetchSoon) come from the worker too, and stay right', async () => {
    const d = openDump(PATH, { cachePages: 16, prefetch: true }) as BaseDump;
    try {
      const list = present(d, 4096, 1000);
      const single = present(d, 12000, 300);
      d.prefetch(list);
      await workerStarted(d);
      for (const p of single) d.prefetchSoon(p);
      // (the worker stays WINDOW entries ahead in the list; the single pages it holds until read)
      for (let i = 0; i < 400 && d.prefetchStats!.decoded < WINDOW - 1 + single.length; i++) await new Promise((r) => setTimeout(r, 10));
      // read in an order of their own: the list, with the single pages among its second half
      for (let i = 0; i < list.length; i++) {
        expectPage(d, list[i]!);
        if (i >= 500 && i - 500 < single.length) expectPage(d, single[i - 500]!);
      }
      const st = d.prefetchStats!;
      expect(st.taken + st.claimed).toBe(list.length + single.length);
      expect(st.taken).toBeGreaterThanOrEqual(single.length);
      // a new list drops the single pages not read: they are read as before
      d.prefetch(present(d, 20000, 600));
      d.prefetchSoon(single[1]!);
      expectPage(d, single[1]!);
    } finally {
      d.close();
    }
  });

  it('stays right through lists, single pages and reads interleaved at random', async () => {
    const d = openDump(PATH, { cachePages: 8, prefetch: true }) as BaseDump;
    try {
      const pool = present(d, 4096, 6000);
      d.prefetch(pool.slice(0, 600));
      await workerStarted(d);
      let seed = 5;
      const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
      for (let round = 0; round < 12; round++) {
        const from = rnd(pool.length - 700);
        const list = pool.slice(from, from + 300 + rnd(400));
        d.prefetch(rnd(2) ? list : [...list].reverse());
        for (let i = 0; i < 900; i++) {
          const what = rnd(10);
          if (what < 2) d.prefetchSoon(pool[rnd(pool.length)]!);
          const p = what < 7 ? list[Math.min(list.length - 1, i)]! : pool[rnd(pool.length)]!;
          expectPage(d, p, `round ${round}, read ${i}, pfn ${p}`);
          if (rnd(50) === 0) await new Promise((r) => setTimeout(r, 1));
        }
      }
      expect(d.prefetchStats!.taken).toBeGreaterThan(0);
    } finally {
      d.close();
    }
  });

  it('does not wait for a worker that stalls in the middle of pages: the caller decodes them', async () => {
    // A stand-in worker that claims every entry of the list as being decoded, then never
    // finishes one (as a worker put aside by the scheduler): each page must come from the
    // caller's own decoding at once (with the old 100 × 5 ms wait, 40 pages took 20 s).
    const stall = join(out, 'stalled-worker.mjs');
    writeFileSync(
      stall,
      `import { workerData } from 'node:worker_threads';
      const ctrl = new Int32Array(workerData.ctrl);
      const claim = new Int32Array(workerData.claim);
      for (;;) {
        const n = Atomics.load(ctrl, ${COUNT});
        if (n > 0) {
          const base = Atomics.load(ctrl, ${GEN}) * 4;
          for (let t = 0; t < n; t++) Atomics.compareExchange(claim, t, base + ${FREE}, base + ${WORKER});
          Atomics.add(ctrl, ${DONE}, 1);
          Atomics.wait(ctrl, ${STOP}, 0);
          break;
        }
        Atomics.wait(ctrl, ${COUNT}, 0, 50);
      }`,
    );
    setPrefetchWorkerScript(stall);
    const d = openDump(PATH, { prefetch: true }) as BaseDump;
    try {
      const pfns = present(d, 4096, 600);
      d.prefetch(pfns);
      await workerStarted(d);
      for (const p of pfns.slice(0, 40)) expectPage(d, p);
      expect(d.prefetchStats).toMatchObject({ taken: 0, claimed: 40 });
    } finally {
      d.close();
      setPrefetchWorkerScript(workerBuild);
    }
  });

  it("'eager' starts the worker at opening, and then short lists go to it too", async () => {
    const d = openDump(PATH, { prefetch: 'eager' }) as BaseDump;
    try {
      expect(d.prefetchStats).toEqual({ taken: 0, claimed: 0, decoded: 0 });
      await readThroughWorker(d, present(d, 4096, 100));
    } finally {
      d.close();
    }
  });

  it('is not started for a short list, nor without the option', () => {
    const d = openDump(PATH, { prefetch: true }) as BaseDump;
    d.prefetch(present(d, 4096, 100));
    expect(d.prefetchStats).toBeUndefined();
    d.close();
    const e = openDump(PATH) as BaseDump;
    e.prefetch(present(e, 4096, 3000));
    expect(e.prefetchStats).toBeUndefined();
    e.close();
  });
});
