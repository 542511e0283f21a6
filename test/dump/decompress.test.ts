import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { compressionName, decodePage, zstdDecompress } from '../../src/dump/decompress.js';
import { patternPage } from './build.js';

const v = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/lzo-vectors.json'), 'utf8')) as {
  zstdPage: { raw: string; zstd: string };
  lzoPage: { raw: string; lzo: string };
};
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const page = patternPage(42);

describe('decodePage', () => {
  it('decodes each makedumpfile method by its page_desc flag', () => {
    expect(decodePage(0x1, zlib.deflateSync(page), 4096).equals(page)).toBe(true);
    expect(decodePage(0x2, b64(v.lzoPage.lzo), 4096).equals(b64(v.lzoPage.raw))).toBe(true);
    expect(decodePage(0x4, Buffer.from(snappy.compress(page)), 4096).equals(page)).toBe(true);
    expect(decodePage(0x20, b64(v.zstdPage.zstd), 4096).equals(b64(v.zstdPage.raw))).toBe(true);
    expect(decodePage(0, page, 4096)).toBe(page);
  });

  it('names the methods', () => {
    expect([0, 1, 2, 4, 0x20, 0x21].map(compressionName)).toEqual(['uncompressed', 'zlib', 'lzo', 'snappy', 'zstd', 'zlib']);
  });

  it('rejects output of the wrong size', () => {
    expect(() => decodePage(0x1, zlib.deflateSync(page.subarray(0, 100)), 4096)).toThrow(/gave 100 bytes/);
    expect(() => decodePage(0x1, zlib.deflateSync(Buffer.concat([page, page])), 4096)).toThrow();
    expect(() => decodePage(0x4, Buffer.from(snappy.compress(Buffer.concat([page, page]))), 4096)).toThrow();
    expect(() => decodePage(0, page.subarray(0, 4000), 4096)).toThrow(/4000 bytes/);
  });

  it('refuses a zstd frame announcing more than a page before allocating it', () => {
    const frame = Buffer.from(b64(v.zstdPage.zstd));
    // Frame_Header_Descriptor 0xa0: single segment, 4-byte Frame_Content_Size = 1 GiB
    const bad = Buffer.concat([frame.subarray(0, 4), Buffer.from([0xa0]), Buffer.from([0, 0, 0, 0x40]), frame.subarray(9)]);
    expect(() => zstdDecompress(bad, 4096)).toThrow(/announces 1073741824 bytes/);
    expect(() => zstdDecompress(Buffer.from('not zstd at all'), 4096)).toThrow();
  });
});
