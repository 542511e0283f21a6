// Issue 12's "done when", on a real dump: cut short at 10–90 %, pages excluded (as by a
// makedumpfile that did not know the kernel), flipped bytes in a zlib or zstd page, a bitmap that
// disagrees with its descriptors. Each still answers `info`, and every record any view
// prints is one the undamaged dump has (gaps, '?' or null, match anything).

import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDump } from '../../src/dump/open.js';
import { PageMissingError } from '../../src/dump/types.js';
import { page_desc } from '../../src/dump/kdump-layout.js';
import { openKernelFromDump } from '../../src/kernel/open.js';
import { Session } from '../../src/views/session.js';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureDir } from '../support/truth.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { invented, runViews } from '../fuzz/views.js';
import { cutCopy } from '../support/cut-dump.js';

const SRC = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
const dir = mkdtempSync(join(tmpdir(), 'xportshow-damaged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = fixtureSession('bookworm-6.1');
const goodViews = new Map(runViews(good).map((v) => [v.view, v.records]));
const truth = fixtureTruth('bookworm-6.1');

/** Every view on `s`: no internal error, nothing the undamaged dump lacks; the records shown. */
function expectNothingInvented(s: Session): number {
  let shown = 0;
  for (const v of runViews(s)) {
    expect(v.internal, v.view).toBeUndefined();
    expect(invented(goodViews.get(v.view) ?? [], v.records), v.view).toEqual([]);
    shown += v.records.length;
  }
  return shown;
}

function patch(path: string, at: number, f: (b: Buffer) => void, len = 1): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(len);
  readSync(fd, b, 0, len, at);
  f(b);
  writeSync(fd, b, 0, len, at);
  closeSync(fd);
}

/** Four bytes at `at` flipped (XOR 0x5a5a5a5a). */
function flip4(path: string, at: number): void {
  patch(path, at, (b) => b.writeUInt32LE((b.readUInt32LE(0) ^ 0x5a5a5a5a) >>> 0), 4);
}

/** The opening problems of the dump at `path` with BTF pages decoded in runs
 *  (KdumpDump.readPagesInto), and with each page read alone. */
function openProblemsByRunAndAlone(path: string): [string[], string[]] {
  const problems = (d: ReturnType<typeof openDump>) => {
    const k = openKernelFromDump(d);
    const lines = k.openProblems.map((p) => `${p.stage}: ${p.detail}`);
    d.close();
    return lines;
  };
  const alone = openDump(path);
  Object.assign(alone, { readPagesInto: undefined });
  return [problems(openDump(path)), problems(alone)];
}

describe('a dump cut short', () => {
  for (const pct of [10, 25, 50, 75, 90]) {
    it(`at ${pct} %: info answers from the headers, views list a subset with marked gaps`, () => {
      const path = cutCopy(SRC, pct / 100, join(dir, `cut${pct}.kdump`));
      const s = Session.open(path);
      const info = runLine(s, 'info');
      expect(info.error).toBeUndefined();
      expect(info.lines.join('\n')).toContain(`Linux ${truth.release} x86_64`);
      expect(info.lines.join('\n')).toMatch(/file truncated at \d+ bytes/);
      expectNothingInvented(s);
      // what could not be read is said: a marked line, never silence
      const at = runLine(s, '-at');
      expect(at.error ?? at.lines.filter((l) => l.startsWith('!!')).join('\n')).toMatch(/not in the dump|symbol|BTF/);
      s.close();
    });
  }
  it('below the kallsyms tables, info names what is missing and what it limits', () => {
    const s = Session.open(join(dir, 'cut50.kdump'));
    const lines = runLine(s, 'info').lines;
    expect(lines.find((l) => l.startsWith('!! symbols:'))).toMatch(/kallsyms.*not in the dump.*lookups of any other symbol fail/);
    expect(lines.find((l) => l.startsWith('symbols:'))).toMatch(/only the \d+ symbols VMCOREINFO names/);
    expect(runLine(s, 'sym init_top_pgt').error).toBeUndefined(); // a VMCOREINFO symbol still answers
    s.close();
  });
});

describe('pages excluded by a makedumpfile that did not know the kernel', () => {
  // Live slab pages marked excluded: the pages of every other TCP socket.
  const tcp = good.tables.sockets('tcp').rows;
  const hidden = new Set(tcp.filter((_, i) => i % 2 === 1).map((r) => Math.floor(good.kernel.mem.phys(r.sock) / 4096)));
  const d = openDump(SRC);
  const page = d.page.bind(d);
  const read = d.read.bind(d);
  Object.assign(d, {
    page(pfn: number): Buffer {
      if (hidden.has(pfn)) throw new PageMissingError(pfn * 4096, 'excluded', 'filtered out by makedumpfile');
      return page(pfn);
    },
    read(paddr: number, len: number): Buffer {
      const first = Math.floor(paddr / 4096);
      const last = Math.floor((paddr + len - 1) / 4096);
      for (let p = first; p <= last; p++) if (hidden.has(p)) throw new PageMissingError(p * 4096, 'excluded', 'filtered out by makedumpfile');
      return read(paddr, len);
    },
  });
  const s = new Session(openKernelFromDump(d), SRC, 0);

  it('lists what remains, and says once why rows are missing', () => {
    const first = runLine(s, '-at');
    expect(first.lines.some((l) => l.startsWith('!! tcp'))).toBe(true);
    expect(first.lines.some((l) => / LISTEN /.test(l) || /LISTEN/.test(l))).toBe(true);
    expect(first.warnings?.join('\n')).toMatch(/makedumpfile .* did not know\s+Linux .* dropped pages the kernel was using/);
    expect(runLine(s, '-at').warnings ?? []).toEqual([]); // once, not per command
    const rows = s.tables.sockets('tcp').rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(tcp.length);
    expectNothingInvented(s);
  });
});

describe('corrupt data in the file', () => {
  /** File bytes of the compressed page holding `addr`. */
  const pageData = (addr: bigint) => {
    const kd = openDump(SRC) as unknown as { rankOf(p: number): number; descChunk(c: number): Buffer; close(): void };
    const pfn = Math.floor(good.kernel.mem.phys(addr) / 4096);
    const idx = kd.rankOf(pfn);
    const pd = page_desc.read(kd.descChunk(Math.floor(idx / 256)), (idx % 256) * page_desc.size);
    kd.close();
    return pd;
  };

  it('flipped bytes in a zlib page: a marked line naming the page, the rest listed', () => {
    const path = join(dir, 'zlib-flip.kdump');
    copyFileSync(SRC, path);
    const victim = good.tables.sockets('tcp').rows.find((r) => r.state === 'ESTABLISHED')!;
    const pd = pageData(victim.sock);
    flip4(path, pd.offset + Math.floor(pd.size / 2));
    const s = Session.open(path);
    const out = runLine(s, '-at');
    expect(out.lines.filter((l) => l.startsWith('!!')).join('\n')).toMatch(/corrupt: zlib page at offset \d+/);
    expect(s.tables.sockets('tcp').rows.some((r) => r.sock === victim.sock)).toBe(false);
    expectNothingInvented(s);
    s.close();
  });

  it('flipped bytes in a page of the BTF: one problem line naming the page, as when each page is read alone', () => {
    // (the BTF's pages are decoded from one read of their data: KdumpDump.readPagesInto)
    const path = join(dir, 'btf-flip.kdump');
    copyFileSync(SRC, path);
    const start = good.kernel.symbols.lookup('__start_BTF')!;
    const pd = pageData(start + 300n * 4096n);
    flip4(path, pd.offset + Math.floor(pd.size / 2));
    const [byRun, alone] = openProblemsByRunAndAlone(path);
    expect(byRun).toEqual(alone);
    expect(byRun).toHaveLength(1);
    expect(byRun[0]).toMatch(new RegExp(`^types: .*BTF at 0x[0-9a-f]+ .*cannot read .*corrupt: zlib page at offset ${pd.offset}: `));
  });

  it('a bitmap bit that disagrees with the descriptors: info answers, no page is trusted', () => {
    const path = join(dir, 'bitmap.kdump');
    copyFileSync(SRC, path);
    const kd = openDump(path) as unknown as { bitmap1Off: number; close(): void };
    kd.close();
    const hb = Buffer.alloc(4);
    const fd = openSync(path, 'r');
    readSync(fd, hb, 0, 4, 436); // bitmap_blocks
    closeSync(fd);
    const half = Math.floor(hb.readUInt32LE(0) / 2) * 4096; // the 2nd bitmap follows the 1st
    patch(path, kd.bitmap1Off + half + 100, (b) => (b[0] ^= 0x10));
    const s = Session.open(path);
    const info = runLine(s, 'info').lines.join('\n');
    expect(info).toMatch(/bitmap and page descriptors disagree/);
    expect(info).toContain(`Linux ${truth.release}`);
    expect(runLine(s, '-at').error ?? '').toMatch(/bitmap and descriptors disagree|symbol|BTF/);
    expectNothingInvented(s);
    s.close();
  });
});

describe('corrupt data in a zstd dump (makedumpfile -z)', () => {
  const ZSRC = join(fixtureDir('trixie-6.12'), 'vmcore.kdump');
  const zgood = fixtureSession('trixie-6.12');
  const zViews = new Map(runViews(zgood).map((v) => [v.view, v.records]));
  const pageData = (addr: bigint) => {
    const kd = openDump(ZSRC) as unknown as { rankOf(p: number): number; descChunk(c: number): Buffer; close(): void };
    const idx = kd.rankOf(Math.floor(zgood.kernel.mem.phys(addr) / 4096));
    const pd = page_desc.read(kd.descChunk(Math.floor(idx / 256)), (idx % 256) * page_desc.size);
    kd.close();
    expect(pd.flags).toBe(0x20);
    return pd;
  };

  it('flipped bytes in a zstd page: a marked line naming the page, nothing invented', () => {
    const path = join(dir, 'zstd-flip.kdump');
    copyFileSync(ZSRC, path);
    const victim = zgood.tables.sockets('tcp').rows.find((r) => r.state === 'ESTABLISHED')!;
    const pd = pageData(victim.sock);
    // the frame's first bytes after its header: the first block's header, so that it cannot decode
    flip4(path, pd.offset + 6);
    const s = Session.open(path);
    const marked = runLine(s, '-at').lines.filter((l) => l.startsWith('!!'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(/corrupt: zstd page at offset \d+: /);
    expect(s.tables.sockets('tcp').rows.some((r) => r.sock === victim.sock)).toBe(false);
    for (const v of runViews(s)) {
      expect(v.internal, v.view).toBeUndefined();
      expect(invented(zViews.get(v.view) ?? [], v.records), v.view).toEqual([]);
    }
    s.close();
  });

  it('flipped bytes in a zstd page of the BTF: one problem line, as when each page is read alone', () => {
    const path = join(dir, 'zstd-btf-flip.kdump');
    copyFileSync(ZSRC, path);
    const pd = pageData(zgood.kernel.symbols.lookup('__start_BTF')! + 300n * 4096n);
    flip4(path, pd.offset + 6);
    const [byRun, alone] = openProblemsByRunAndAlone(path);
    expect(byRun).toEqual(alone);
    expect(byRun).toHaveLength(1);
    expect(byRun[0]).toMatch(new RegExp(`^types: .*BTF at 0x[0-9a-f]+ .*cannot read .*corrupt: zstd page at offset ${pd.offset}: `));
  });
});
