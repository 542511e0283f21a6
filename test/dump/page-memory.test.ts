// A cached page must not keep a larger buffer alive: the cache is bounded in pages, so memory
// is bounded only if each page holds exactly its own bytes (zlib's default 16 KiB output
// chunk once made every cached 4 KiB page cost 16 KiB).

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDump } from '../../src/dump/open.js';
import { fixtureDir } from '../support/truth.js';

const files: [string, string][] = [
  ['bullseye-5.10', 'vmcore.kdump'], // lzo
  ['bookworm-6.1', 'vmcore.kdump'], // zlib
  ['bookworm-6.1', 'vmcore.snappy.kdump'],
  ['bookworm-6.1', 'vmcore.flat'],
  ['trixie-6.12', 'vmcore.kdump'], // zstd
];

describe.each(files)('%s/%s', (dir, file) => {
  it('every decoded page owns exactly one page of memory', () => {
    const d = openDump(join(fixtureDir(dir), file));
    let n = 0;
    for (let pfn = 0; pfn < d.maxPfn && n < 300; pfn += 17) {
      if (!d.hasPage(pfn)) continue;
      const p = d.page(pfn);
      expect(p.length).toBe(d.pageSize);
      expect(p.buffer.byteLength, `pfn ${pfn}`).toBeLessThanOrEqual(d.pageSize);
      n++;
    }
    expect(n).toBe(300);
    d.close();
  });
});
