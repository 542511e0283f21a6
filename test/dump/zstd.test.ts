// zstd pages through zstd's decompressor in WebAssembly (src/dump/wasm/zstd-page.c) and through
// the fallback (fzstd on Node 20): the same pages, the same verdicts, the same messages for
// damaged frames.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
import { page_desc } from '../../src/dump/kdump-layout.js';
import { zstdCounts, zstdDecoder, zstdPageInto } from '../../src/dump/zstd.js';
import { ZSTD_PAGE_WASM_BASE64 } from '../../src/dump/wasm/zstd-page-wasm.js';
import { fixtureDir } from '../support/truth.js';

const DECODERS = ['zstd-wasm', 'fallback'] as const;
afterAll(() => void zstdDecoder('zstd-wasm'));

const v = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/lzo-vectors.json'), 'utf8')) as {
  zstdPage: { raw: string; zstd: string };
};

/** The stored bytes of the first `n` zstd pages of the 6.12 dump (makedumpfile -z). */
function realPages(n: number): Buffer[] {
  const file = path.join(fixtureDir('trixie-6.12'), 'vmcore.kdump');
  const kd = openDump(file) as unknown as { present: number; descChunk(c: number): Buffer; close(): void };
  const fd = fs.openSync(file, 'r');
  const out: Buffer[] = [];
  try {
    for (let idx = 0; idx < kd.present && out.length < n; idx += 7) {
      const pd = page_desc.read(kd.descChunk(Math.floor(idx / 256)), (idx % 256) * page_desc.size);
      if (pd.flags !== 0x20) continue;
      const b = Buffer.alloc(pd.size);
      fs.readSync(fd, b, 0, pd.size, pd.offset);
      out.push(b);
    }
  } finally {
    fs.closeSync(fd);
    kd.close();
  }
  return out;
}

/** What zstdPageInto makes of `data`: the page (any length the frame gives) or the error. */
function outcome(data: Buffer, size = 4096): { page?: Buffer; error?: string } {
  const out = Buffer.alloc(size);
  try {
    return { page: Buffer.from(zstdPageInto(data, out)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const pages = realPages(400);

describe('zstd pages', () => {
  it('are taken by the wasm decoder first', () => {
    expect(zstdDecoder()).toBe('zstd-wasm');
    expect(pages.length).toBe(400);
  });

  it('decode the same by both decoders, every clean page by the wasm one', () => {
    const want = pages.map((p) => {
      zstdDecoder('fallback');
      return outcome(p);
    });
    zstdDecoder('zstd-wasm');
    const before = { ...zstdCounts };
    for (let i = 0; i < pages.length; i++) {
      const got = outcome(pages[i]!);
      expect(got.error).toBeUndefined();
      expect(got.page!.equals(want[i]!.page!), `page ${i}`).toBe(true);
    }
    expect(outcome(Buffer.from(v.zstdPage.zstd, 'base64')).page!.equals(Buffer.from(v.zstdPage.raw, 'base64'))).toBe(true);
    expect([zstdCounts.wasm - before.wasm, zstdCounts.fallback - before.fallback]).toEqual([pages.length + 1, 0]);
  });

  it('damaged frames get the fallback\'s verdict and message', () => {
    const z = pages.reduce((a, b) => (b.length > a.length && b.length < 2000 ? b : a));
    const damaged: Buffer[] = [
      Buffer.concat([z, Buffer.from([1, 2, 3])]), // bytes after the frame
      Buffer.concat([z, z]), // two frames: two pages
      z.subarray(0, 20), // cut short
      z.subarray(0, z.length - 1),
      Buffer.concat([Buffer.from([0x29]), z.subarray(1)]), // magic
      Buffer.from('not zstd at all'),
      Buffer.alloc(0),
    ];
    for (let i = 4; i < z.length; i += 13) damaged.push(Buffer.from(z.map((b, j) => (j === i ? b ^ 0x5a : b))));
    let errors = 0;
    for (const d of damaged) {
      zstdDecoder('fallback');
      const want = outcome(d);
      zstdDecoder('zstd-wasm');
      const got = outcome(d);
      expect(got.error).toBe(want.error);
      if (want.page) expect(got.page!.equals(want.page)).toBe(true);
      if (want.error) errors++;
    }
    expect(errors).toBeGreaterThan(5);
    // a page of 8 KiB asked for from a 4 KiB frame: the fallback's page, for the caller to refuse
    expect(outcome(z, 8192).page!.length).toBe(4096);
  });
});

describe('the wasm module', () => {
  it('is the same bytes as the committed zstd-page.wasm (build.sh writes both)', () => {
    const file = fs.readFileSync(path.join(import.meta.dirname, '../../src/dump/wasm/zstd-page.wasm'));
    expect(Buffer.from(ZSTD_PAGE_WASM_BASE64, 'base64').equals(file)).toBe(true);
  });
});
