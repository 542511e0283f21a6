// readPagesInto: a run of pages read at once (the BTF at opening). KdumpDump decodes zlib and zstd pages
// from one read of their data, ElfDump reads a run within a segment in one read. Each page must
// be the page as read alone; the run stops, leaving the page to readPageInto, at anything else:
// a page not in the dump, one already cached, another method, a damaged stream or descriptor, a
// segment's or the file's end — so that the page's own read gives what it always gave.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
import type { KdumpDump } from '../../src/dump/kdump.js';
import type { ElfDump } from '../../src/dump/elf.js';
import { PageMissingError } from '../../src/dump/types.js';
import { PAGE, buildElf, buildKdump, flatten, patternPage, tmpFile, type KdumpPage } from './build.js';

const VMCI = 'OSRELEASE=6.1.0-test-amd64\nPAGESIZE=4096\nCRASHTIME=1764000000\n';

/** pfns 100..139: zlib pages but 110 (plain), 120 (excluded), 130 (a zlib stream with a byte
 *  flipped) and 135 (data that is not zlib at all). */
function runDump(flat = false): string {
  const pages = new Map<number, KdumpPage>();
  for (let p = 100; p < 140; p++) if (p !== 120) pages.set(p, { data: patternPage(p), method: p === 110 ? 'plain' : 'zlib' });
  const bad = zlib.deflateSync(patternPage(130));
  bad[Math.floor(bad.length / 2)] ^= 0x5a;
  pages.set(130, { data: patternPage(130), method: 'zlib', stored: bad });
  pages.set(135, { data: patternPage(135), method: 'zlib', stored: Buffer.from('not a zlib stream') });
  const file = buildKdump({ maxMapnr: 256, pages, vmcoreinfo: VMCI, release: '6.1.0-test-amd64', nodename: 'box1', nrCpus: 1 });
  return tmpFile(flat ? 'run.flat' : 'run.kdump', flat ? flatten(file, { chunk: 3000 }) : file);
}

const open = (path: string) => openDump(path, { poisonPages: false }) as KdumpDump;

describe.each([false, true])('readPagesInto (flattened: %s)', (flat) => {
  const path = runDump(flat);

  it('decodes the pages up to the first it cannot vouch for, each as read alone', () => {
    const d = open(path);
    const out = Buffer.alloc(40 * PAGE, 0xee);
    expect(d.readPagesInto(100, 10, out, 0)).toBe(10);
    for (let i = 0; i < 10; i++) expect(out.subarray(i * PAGE, (i + 1) * PAGE).equals(patternPage(100 + i)), `pfn ${100 + i}`).toBe(true);
    expect(d.stats.pagesRead).toBe(10);
    // a plain page, a page not in the dump, a damaged stream, data that is not zlib: none decoded
    for (const pfn of [110, 120, 130, 135]) expect(d.readPagesInto(pfn, 3, out, 0), `pfn ${pfn}`).toBe(0);
    expect(d.readPagesInto(111, 29, out, 0)).toBe(9); // up to the hole at 120
    expect(d.readPagesInto(121, 19, out, 0)).toBe(9); // up to the damaged 130
    expect(d.stats.pagesRead).toBe(28);
    expect(out.subarray(8 * PAGE, 9 * PAGE).equals(patternPage(129))).toBe(true);
    expect(out.subarray(9 * PAGE, 10 * PAGE).equals(patternPage(109))).toBe(true); // untouched by the stop at 130
    d.close();
  });

  it('stops at a page in the cache and leaves the pages it decodes out of it', () => {
    const d = open(path);
    d.page(105);
    const out = Buffer.alloc(10 * PAGE);
    expect(d.readPagesInto(100, 10, out, 0)).toBe(5);
    const read = d.stats.pagesRead;
    d.page(101); // not cached by the run: decoded again
    expect(d.stats.pagesRead).toBe(read + 1);
    d.close();
  });

  it('the page it stops at reads as before: its own error', () => {
    const d = open(path);
    const err = (f: () => void): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PageMissingError);
        return (e as Error).message;
      }
      return 'no error';
    };
    const ref = open(path);
    for (const pfn of [130, 135]) {
      expect(d.readPagesInto(pfn - 2, 5, Buffer.alloc(5 * PAGE), 0)).toBe(2);
      expect(err(() => d.readPageInto(pfn, Buffer.alloc(PAGE)))).toBe(err(() => ref.page(pfn)));
      expect(err(() => d.readPageInto(pfn, Buffer.alloc(PAGE)))).toMatch(/corrupt: zlib page at offset \d+/);
    }
    d.close();
    ref.close();
  });
});

describe('KdumpDump.readPagesInto with zstd pages (makedumpfile -z)', () => {
  // pfns 10..19: one zstd page each (the vector's), zlib at 14, a zstd frame cut short at 17
  const v = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/lzo-vectors.json'), 'utf8')) as { zstdPage: { raw: string; zstd: string } };
  const raw = Buffer.from(v.zstdPage.raw, 'base64');
  const frame = Buffer.from(v.zstdPage.zstd, 'base64');
  const pages = new Map<number, KdumpPage>();
  for (let p = 10; p < 20; p++) pages.set(p, p === 14 ? { data: patternPage(p), method: 'zlib' } : { data: raw, method: 'zstd', stored: p === 17 ? frame.subarray(0, 40) : frame });
  const path = tmpFile('run-zstd.kdump', buildKdump({ maxMapnr: 64, pages, vmcoreinfo: VMCI, release: '6.1.0-test-amd64', nodename: 'box1', nrCpus: 1 }));

  it('decodes zstd and zlib pages alike, and stops at a frame the wasm decoder does not call clean', () => {
    const d = open(path);
    const out = Buffer.alloc(10 * PAGE);
    expect(d.readPagesInto(10, 10, out, 0)).toBe(7);
    for (let i = 0; i < 7; i++) expect(out.subarray(i * PAGE, (i + 1) * PAGE).equals(i === 4 ? patternPage(14) : raw), `pfn ${10 + i}`).toBe(true);
    expect(() => d.readPageInto(17, Buffer.alloc(PAGE))).toThrow(/corrupt: zstd page at offset \d+/);
    expect(d.readPagesInto(18, 2, out, 0)).toBe(2);
    d.close();
  });
});

describe('ElfDump.readPagesInto', () => {
  // pfns 16..47 in one segment, 64..71 in the next, the file cut 100 bytes into page 70
  const pages = (from: number, n: number) => Buffer.concat(Array.from({ length: n }, (_, i) => patternPage(from + i)));
  const file = buildElf({ segments: [{ paddr: 16 * PAGE, data: pages(16, 32) }, { paddr: 64 * PAGE, data: pages(64, 8) }] });
  const path = tmpFile('run.elf', file.subarray(0, file.length - 2 * PAGE + 100));
  const open = () => openDump(path, { poisonPages: false }) as ElfDump;

  it('reads the pages of a segment at once, up to its end, a cached page or the file end', () => {
    const d = open();
    const out = Buffer.alloc(40 * PAGE);
    expect(d.readPagesInto(20, 40, out, PAGE)).toBe(28); // to the segment's end at 48
    expect(out.subarray(PAGE, 29 * PAGE).equals(pages(20, 28))).toBe(true);
    expect(d.stats.pagesRead).toBe(28);
    expect(d.readPagesInto(48, 4, out, 0)).toBe(0); // in no segment
    d.page(30);
    expect(d.readPagesInto(16, 32, out, 0)).toBe(14); // up to the cached page
    expect(d.readPagesInto(64, 8, out, 0)).toBe(6); // the file ends in page 70
    expect(out.subarray(0, 6 * PAGE).equals(pages(64, 6))).toBe(true);
    expect(() => d.readPageInto(70, Buffer.alloc(PAGE))).toThrow(/truncated/);
    d.close();
  });
});
