import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
import { DumpFormatError, PageMissingError, type PhysicalDump } from '../../src/dump/types.js';
import { PAGE, buildKdump, flatten, patternPage, tmpFile, type KdumpPage, type KdumpSpec } from './build.js';

const vectors = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/lzo-vectors.json'), 'utf8')) as {
  zstdPage: { raw: string; zstd: string };
  lzoPage: { raw: string; lzo: string };
};
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const VMCI = 'OSRELEASE=6.1.0-test-amd64\nPAGESIZE=4096\nCRASHTIME=1764000000\n';

const MAX = 40_000;
const HOLE = (pfn: number): boolean => !(pfn >= 20_000 && pfn < 20_512); // a memory hole
const many = (): number[] => Array.from({ length: 2500 }, (_, k) => 1000 + 7 * k); // spans many rank superblocks

function spec(over: Partial<KdumpSpec> = {}): KdumpSpec {
  const pages = new Map<number, KdumpPage>([
    [0, { data: patternPage(0), method: 'plain' }],
    [1, { data: patternPage(1), method: 'zlib' }],
    [2, { data: patternPage(2), method: 'snappy' }],
    [3, { data: b64(vectors.zstdPage.raw), method: 'zstd', stored: b64(vectors.zstdPage.zstd) }],
    [4, { data: b64(vectors.lzoPage.raw), method: 'lzo', stored: b64(vectors.lzoPage.lzo) }],
    // pfn 5 is RAM but excluded
    [6, { data: Buffer.alloc(PAGE), method: 'zlib' }],
  ]);
  for (const pfn of many()) pages.set(pfn, { data: patternPage(pfn), method: 'zlib' });
  pages.set(MAX - 1, { data: patternPage(MAX - 1), method: 'snappy' });
  return { maxMapnr: MAX, pages, ram: HOLE, vmcoreinfo: VMCI, release: '6.1.0-test-amd64', nodename: 'box1', nrCpus: 4, ...over };
}

const missing = (d: PhysicalDump, pfn: number): PageMissingError => {
  try {
    d.page(pfn);
  } catch (e) {
    if (e instanceof PageMissingError) return e;
    throw e;
  }
  throw new Error(`page ${pfn} did not fail`);
};

function checkContents(d: PhysicalDump): void {
  const s = spec();
  for (const [pfn, p] of s.pages) expect(d.page(pfn).equals(p.data), `pfn ${pfn}`).toBe(true);
  expect(missing(d, 5).reason).toBe('excluded');
  expect(missing(d, 1001).reason).toBe('excluded');
  expect(missing(d, 20_100).reason).toBe('not-in-dump'); // hole in the 1st bitmap
  expect(missing(d, MAX).reason).toBe('not-in-dump');
  expect(missing(d, 5).paddr).toBe(5 * PAGE);
}

describe('kdump-compressed v6', () => {
  const bytes = buildKdump(spec());
  const file = tmpFile('vmcore.kdump', bytes);

  it('parses the header, sub header, notes and VMCOREINFO', () => {
    const d = openDump(file);
    expect(d.format).toBe('kdump');
    expect(d.description).toBe('kdump-compressed v6, zlib');
    expect(d.vmcoreinfo).toBe(VMCI);
    expect(d.notes.map((n) => n.name)).toEqual(['VMCOREINFO']);
    expect(d.header.release).toBe('6.1.0-test-amd64');
    expect(d.header.nodename).toBe('box1');
    expect(d.header.machine).toBe('x86_64');
    expect(d.header.nr_cpus).toBe(4);
    expect(d.header.dump_level).toBe(31);
    expect(d.header.header_version).toBe(6);
    expect(d.header.timestamp).toBe(1764000000);
    expect(d.header.phys_base).toBe('0x1000000');
    expect(d.maxPfn).toBe(MAX);
    expect(d.incomplete).toBe(false);
    d.close();
  });

  it('decodes plain, zlib, snappy, zstd and lzo pages by bitmap rank', () => {
    const d = openDump(file);
    checkContents(d);
    d.close();
  });

  it('hasPage follows the 2nd bitmap; pageCounts uses both bitmaps', () => {
    const d = openDump(file);
    expect(d.hasPage(4)).toBe(true);
    expect(d.hasPage(5)).toBe(false);
    expect(d.hasPage(1007)).toBe(true);
    expect(d.hasPage(MAX)).toBe(false);
    const present = 7 + many().length + 1 - 1; // 0,1,2,3,4,6 + many + MAX-1
    expect(d.pageCounts()).toEqual({ present, excluded: MAX - 512 - present });
    d.close();
  });

  it('reads pages in random order with a tiny cache', () => {
    const d = openDump(file, { cachePages: 3 });
    const list = many();
    for (let i = 0; i < 500; i++) {
      const pfn = list[(i * 7919) % list.length]!;
      expect(d.read(pfn * PAGE + 16, 8).readUInt32LE(0)).toBe(pfn);
    }
    expect(d.stats.pagesRead).toBeGreaterThan(400);
    d.close();
  });

  it('older header versions: v3 has VMCOREINFO but no note area, v1 neither', () => {
    const d3 = openDump(tmpFile('v3.kdump', buildKdump(spec({ headerVersion: 3 }))));
    expect(d3.vmcoreinfo).toBe(VMCI);
    expect(d3.notes).toEqual([]);
    checkContents(d3);
    d3.close();
    const d1 = openDump(tmpFile('v1.kdump', buildKdump(spec({ headerVersion: 1 }))));
    expect(d1.vmcoreinfo).toBeUndefined();
    expect(d1.page(1).equals(patternPage(1))).toBe(true);
    d1.close();
  });

  it('incomplete dumps: status 0x8 and descriptors never written read as truncated', () => {
    const s = spec({ status: 0x1 | 0x8 });
    s.pages.set(1007, { data: patternPage(1007), method: 'zlib', descOffset: 0 });
    const d = openDump(tmpFile('inc.kdump', buildKdump(s)));
    expect(d.incomplete).toBe(true);
    expect(d.description).toMatch(/marked incomplete/);
    expect(missing(d, 1007).reason).toBe('truncated');
    expect(d.page(1014).equals(patternPage(1014))).toBe(true);
    d.close();
  });

  it('a file cut short: pages past the end are truncated, earlier ones read', () => {
    const cut = tmpFile('cut.kdump', bytes.subarray(0, bytes.length - 3000));
    const d = openDump(cut);
    expect(d.page(1).equals(patternPage(1))).toBe(true);
    expect(missing(d, MAX - 1).reason).toBe('truncated');
    d.close();
  });

  it('a damaged page is reported as corrupt, not thrown as a crash', () => {
    const s = spec();
    s.pages.set(1014, { data: patternPage(1014), method: 'zlib', stored: Buffer.from('this is not zlib data at all') });
    s.pages.set(1021, { data: patternPage(1021), method: 'lzo', stored: Buffer.from([0x20, 1, 2, 3]) });
    const d = openDump(tmpFile('bad.kdump', buildKdump(s)));
    const e = missing(d, 1014);
    expect(e.reason).toBe('corrupt');
    expect(e.message).toMatch(/zlib/);
    expect(missing(d, 1021).reason).toBe('corrupt');
    expect(d.page(1028).equals(patternPage(1028))).toBe(true);
    d.close();
  });

  it('rejects damaged headers', () => {
    const bad = Buffer.from(bytes.subarray(0, 3 * PAGE));
    bad.writeInt32LE(12345, 428); // block_size
    expect(() => openDump(tmpFile('bs.kdump', bad))).toThrow(/block_size 12345/);
    expect(() => openDump(tmpFile('hdr.kdump', bytes.subarray(0, 300)))).toThrow(/truncated: the kdump header/);
    expect(() => openDump(tmpFile('bm.kdump', bytes.subarray(0, PAGE * 2 + 100)))).toThrow(DumpFormatError);
  });
});

describe('flattened kdump', () => {
  const bytes = buildKdump(spec());

  it('reads the same pages through the record index (later records win)', () => {
    const f = tmpFile('vmcore.flat', flatten(bytes, { chunk: 5000, rewriteHeader: true }));
    const d = openDump(f);
    expect(d.format).toBe('kdump-flattened');
    expect(d.description).toMatch(/^kdump-compressed v6, zlib, flattened \(\d+ records\)$/);
    expect(d.vmcoreinfo).toBe(VMCI);
    expect(d.header.release).toBe('6.1.0-test-amd64');
    expect(d.incomplete).toBe(false);
    checkContents(d);
    const plain = openDump(tmpFile('same.kdump', bytes));
    for (const pfn of [0, 3, 4, 1007, MAX - 1]) expect(d.page(pfn).equals(plain.page(pfn))).toBe(true);
    plain.close();
    d.close();
  });

  it('small records that split pages and descriptors', () => {
    const d = openDump(tmpFile('small.flat', flatten(bytes, { chunk: 777 })));
    checkContents(d);
    d.close();
  });

  it('no end marker: incomplete', () => {
    const d = openDump(tmpFile('noend.flat', flatten(bytes, { endMarker: false })));
    expect(d.incomplete).toBe(true);
    expect(d.description).toMatch(/no end marker/);
    d.close();
  });

  it('a flattened file that does not hold a kdump', () => {
    const f = tmpFile('junk.flat', flatten(Buffer.from('ELF? no, just junk bytes here')));
    expect(() => openDump(f)).toThrow(/does not hold a kdump-compressed dump/);
  });
});
