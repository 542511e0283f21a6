// KernelMemory.readInto of a blob read once (the BTF at opening) decodes its whole pages
// straight into the result (BaseDump.readPageInto) instead of through the page cache: the
// same bytes as page-sized reads, on zlib (bookworm), lzo (bullseye) and zstd (trixie) pages,
// with pages already cached copied from the cache, and the others left out of it; a plain
// read() still caches them (a blob read again, as kallsyms found by shape, is decoded once).

import { describe, expect, it } from 'vitest';
import { fixtureSession, presentFixtures } from '../support/fixtures.js';

const names = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12'].filter((n) => presentFixtures().includes(n));

describe.each(names)('KernelMemory.readInto of a blob on %s', (name) => {
  const k = fixtureSession(name).kernel;
  const start = k.symbols.lookup('__start_BTF') ?? k.symbols.lookup('_stext')!;

  it('reads the bytes that page-sized reads give, from an unaligned start', () => {
    const at = start + 100n; // mid-page: a partial first and last page around whole ones
    const len = 300_000;
    const cached = k.mem.read(at + 40_000n, 10); // one page cached before: copied from the cache
    const blob = Buffer.alloc(len);
    k.mem.readInto(at, blob, true);
    const parts: Buffer[] = [];
    for (let o = 0; o < len; o += 4000) parts.push(k.mem.read(at + BigInt(o), Math.min(4000, len - o)));
    expect(blob.equals(Buffer.concat(parts))).toBe(true);
    expect(blob.subarray(40_000, 40_010).equals(cached)).toBe(true);
  });

  it('leaves the pages it decodes out of the page cache', () => {
    const at = (start + 0x200000n) & ~0xfffn;
    const pages = () => k.dump.stats.pagesRead;
    const p0 = pages();
    k.mem.readInto(at, Buffer.alloc(16 * 4096), true);
    const p1 = pages();
    k.mem.readInto(at, Buffer.alloc(16 * 4096), true); // not cached: decoded again
    const p2 = pages();
    expect(p2 - p1).toBe(p1 - p0); // (0 where opening had cached them: bullseye's kallsyms search)
    if (name === 'bookworm-6.1') expect(p1 - p0).toBe(16);
    k.mem.read(at, 16 * 4096); // a plain read caches them
    const p3 = pages();
    k.mem.read(at, 16 * 4096);
    expect(p3 - p2).toBe(p1 - p0);
    expect(pages()).toBe(p3);
  });
});
