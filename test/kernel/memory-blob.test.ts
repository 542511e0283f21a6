// KernelMemory.read of a blob (64 KiB and more: BTF, kallsyms tables) decodes its whole pages
// straight into the result (BaseDump.readPageInto) instead of through the page cache: the
// same bytes as page-sized reads, on zlib (bookworm), lzo (bullseye) and zstd (trixie) pages,
// with pages already cached copied from the cache, and the others left out of it.

import { describe, expect, it } from 'vitest';
import { fixtureSession, presentFixtures } from '../support/fixtures.js';

const names = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12'].filter((n) => presentFixtures().includes(n));

describe.each(names)('KernelMemory.read of a blob on %s', (name) => {
  const k = fixtureSession(name).kernel;
  const start = k.symbols.lookup('__start_BTF') ?? k.symbols.lookup('_stext')!;

  it('reads the bytes that page-sized reads give, from an unaligned start', () => {
    const at = start + 100n; // mid-page: a partial first and last page around whole ones
    const len = 300_000;
    const cached = k.mem.read(at + 40_000n, 10); // one page cached before: copied from the cache
    const blob = k.mem.read(at, len);
    const parts: Buffer[] = [];
    for (let o = 0; o < len; o += 4000) parts.push(k.mem.read(at + BigInt(o), Math.min(4000, len - o)));
    expect(blob.equals(Buffer.concat(parts))).toBe(true);
    expect(blob.subarray(40_000, 40_010).equals(cached)).toBe(true);
  });

  it('leaves the pages it decodes out of the page cache', () => {
    const at = (start + 0x200000n) & ~0xfffn;
    const before = k.dump.stats.pagesRead;
    k.mem.read(at, 16 * 4096);
    expect(k.dump.stats.pagesRead - before).toBe(16);
    k.mem.read(at, 16 * 4096); // not cached: decoded again
    expect(k.dump.stats.pagesRead - before).toBe(32);
  });
});
