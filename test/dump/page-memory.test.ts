// A cached page must not keep a larger buffer alive: the cache is bounded in pages, so memory
// is bounded only if each page holds at most its own bytes (zlib's default 16 KiB output
// chunk once made every cached 4 KiB page cost 16 KiB). zlib pages are cut from 128-page
// slabs, and an evicted page's memory is decoded into again (page-cache.ts), so the slabs stay
// the few that the capacity and the evicted pages waiting for reuse fill: the memory held
// stays under twice the capacity plus two slabs here, with hot pages revisited among cold ones.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDump } from '../../src/dump/open.js';
import { SLAB_PAGES } from '../../src/dump/decompress.js';
import { fixtureDir } from '../support/truth.js';

const files: [string, string][] = [
  ['bullseye-5.10', 'vmcore.kdump'], // lzo
  ['bookworm-6.1', 'vmcore.kdump'], // zlib
  ['bookworm-6.1', 'vmcore.snappy.kdump'],
  ['bookworm-6.1', 'vmcore.flat'],
  ['trixie-6.12', 'vmcore.kdump'], // zstd
];

describe.each(files)('%s/%s', (dir, file) => {
  it(`every decoded page is one page, from at most a ${SLAB_PAGES}-page slab`, () => {
    const d = openDump(join(fixtureDir(dir), file));
    let n = 0;
    for (let pfn = 0; pfn < d.maxPfn && n < 300; pfn += 17) {
      if (!d.hasPage(pfn)) continue;
      const p = d.page(pfn);
      expect(p.length).toBe(d.pageSize);
      expect(p.buffer.byteLength, `pfn ${pfn}`).toBeLessThanOrEqual(SLAB_PAGES * d.pageSize);
      n++;
    }
    expect(n).toBe(300);
    d.close();
  });

  it('the cache keeps at most twice its capacity plus two slabs alive, with hot pages revisited', () => {
    const capacity = 100;
    const d = openDump(join(fixtureDir(dir), file), { cachePages: capacity }) as unknown as {
      maxPfn: number;
      pageSize: number;
      hasPage(pfn: number): boolean;
      page(pfn: number): Buffer;
      retainedBytes(): number;
      close(): void;
    };
    const present: number[] = [];
    for (let pfn = 0; pfn < d.maxPfn && present.length < 1000; pfn += 7) if (d.hasPage(pfn)) present.push(pfn);
    let worst = 0;
    for (let i = 0; i < present.length; i++) {
      d.page(present[i]!);
      // every 64th page is revisited often: hot pages get second chances
      for (let h = 0; h < i; h += 64) d.page(present[h]!);
      worst = Math.max(worst, d.retainedBytes());
    }
    expect(worst).toBeLessThanOrEqual((2 * capacity + 2 * SLAB_PAGES) * d.pageSize);
    d.close();
  });
});
