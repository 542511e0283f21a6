// The page cache reuses an evicted page's memory for a page decoded later (page-cache.ts,
// decompress.ts recyclePage): every page read must still hold its own bytes, and a page
// handed out stays intact for QUARANTINE_PAGES further loads. The poison mode
// (page-poison.ts) must overwrite a page handed out as soon as another page is read.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDump } from '../../src/dump/open.js';
import type { BaseDump } from '../../src/dump/base.js';
import { QUARANTINE_PAGES } from '../../src/dump/page-cache.js';
import { fixtureDir } from '../support/truth.js';

const files: [string, string][] = [
  ['bookworm-6.1', 'vmcore.kdump'], // zlib: slab pages, recycled
  ['bullseye-5.10', 'vmcore.kdump'], // lzo: decoded into slab pages too (lzo1xDecompressInto)
];

function present(d: BaseDump, n: number): number[] {
  const out: number[] = [];
  for (let pfn = 0; pfn < d.maxPfn && out.length < n; pfn += 3) if (d.hasPage(pfn)) out.push(pfn);
  return out;
}

describe.each(files)('%s/%s', (dir, file) => {
  const path = join(fixtureDir(dir), file);

  it('with an 8-page cache and pages read at random, again and again, every page holds its own bytes', () => {
    const d = openDump(path, { cachePages: 8, poisonPages: false }) as BaseDump;
    const ref = openDump(path, { cachePages: 1, poisonPages: false }) as BaseDump;
    const pfns = present(d, 60);
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const pfn = pfns[seed % pfns.length]!;
      expect(d.page(pfn).equals(ref.decodeFresh(pfn)), `read ${i}, pfn ${pfn}`).toBe(true);
    }
    d.close();
    ref.close();
  });

  it(`a page handed out keeps its bytes for ${QUARANTINE_PAGES} further page loads`, () => {
    // (the real cache, also when the suite runs with XPORTSHOW_POISON_PAGES=1)
    const d = openDump(path, { cachePages: 4, poisonPages: false }) as BaseDump;
    const pfns = present(d, 400);
    for (let start = 0; start + QUARANTINE_PAGES + 1 < pfns.length; start += 37) {
      const held = d.page(pfns[start]!);
      const want = Buffer.from(held);
      for (let i = 1; i <= QUARANTINE_PAGES; i++) d.page(pfns[start + i]!);
      expect(held.equals(want), `pfn ${pfns[start]}`).toBe(true);
    }
    d.close();
  });

  it('poison mode: a page handed out is overwritten at the next read of another page, not of the same one', () => {
    const d = openDump(path, { poisonPages: true }) as BaseDump;
    const [a, b] = present(d, 2) as [number, number];
    const pa = d.page(a);
    const want = Buffer.from(pa);
    expect(d.page(a)).toBe(pa);
    d.read(a * d.pageSize + 8, 16);
    expect(pa.equals(want)).toBe(true);
    d.page(b);
    expect(pa.every((x) => x === 0xa5)).toBe(true);
    expect(d.page(a).equals(want)).toBe(true);
    d.close();
  });
});
