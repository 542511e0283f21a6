import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LzoError, lzo1xDecompress } from '../../src/dump/lzo1x.js';

interface Vectors {
  lzo: { name: string; raw: string; lzo: string }[];
}
const vectors = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures/lzo-vectors.json'), 'utf8'),
) as Vectors;
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

describe('lzo1xDecompress against liblzo2 output', () => {
  for (const v of vectors.lzo) {
    it(`decodes ${v.name}`, () => {
      const raw = b64(v.raw);
      const out = lzo1xDecompress(b64(v.lzo), Math.max(raw.length, 1) + 16);
      expect(out.length).toBe(raw.length);
      expect(out.equals(raw)).toBe(true);
    });
  }
});

describe('lzo1xDecompress on hand-made streams (Documentation/staging/lzo.rst)', () => {
  it('first-byte literal run then a 1LLDDDSS match', () => {
    // 20 = 17 + 3 literals "abc"; 0xa8 = 1 01 010 00: length 5+1, distance (0<<3)+2+1; end 11 00 00
    const s = Buffer.from([20, 0x61, 0x62, 0x63, 0xa8, 0x00, 0x11, 0x00, 0x00]);
    expect(lzo1xDecompress(s, 64).toString('latin1')).toBe('abcabcabc');
  });
  it('a 2-byte 0000DDSS match after one literal', () => {
    // 18 = one literal 'a' (state 1); 0x00 0x00: copy 2 bytes at distance 1
    const s = Buffer.from([18, 0x61, 0x00, 0x00, 0x11, 0x00, 0x00]);
    expect(lzo1xDecompress(s, 64).toString('latin1')).toBe('aaa');
  });
  it('trailing literals carried by the S bits', () => {
    // "ab" then match len 5 dist 2 with S=2 -> two literals "XY" follow
    // 1LLDDDSS: LL=0 (len 5), DDD=1 (dist 2), SS=2 -> 0b1000_0110 = 0x86, H=0
    const s = Buffer.from([19, 0x61, 0x62, 0x86, 0x00, 0x58, 0x59, 0x11, 0x00, 0x00]);
    expect(lzo1xDecompress(s, 64).toString('latin1')).toBe('abababaXY');
  });
  it('an lzo-rle zero run (bitstream version 1)', () => {
    // 17 1: version 1; 18 'x'; 0x1c fc ff 01: zero run of ((1 << 3) | 4) + 4 = 16; end
    const s = Buffer.from([17, 1, 18, 0x78, 0x1c, 0xfc, 0xff, 0x01, 0x11, 0x00, 0x00]);
    const out = lzo1xDecompress(s, 64);
    expect(out.length).toBe(17);
    expect(out[0]).toBe(0x78);
    expect(out.subarray(1).equals(Buffer.alloc(16))).toBe(true);
  });
});

describe('lzo1xDecompress rejects bad input', () => {
  const page = vectors.lzo.find((v) => v.name === 'mixed4k/lzo1x_1')!;
  const good = b64(page.lzo);

  it('input cut short', () => {
    expect(() => lzo1xDecompress(good.subarray(0, good.length - 10), 4096)).toThrow(LzoError);
  });
  it('output larger than the buffer', () => {
    expect(() => lzo1xDecompress(good, 4000)).toThrow(/output overrun/);
  });
  it('a match reaching before the start of the output', () => {
    // one literal, then a match at distance 9
    expect(() => lzo1xDecompress(Buffer.from([18, 0x61, 0xa0 | (0 << 2), 0x01, 0x11, 0x00, 0x00]), 64)).toThrow(/lookbehind/);
  });
  it('bytes after the end marker', () => {
    expect(() => lzo1xDecompress(Buffer.from([20, 0x61, 0x62, 0x63, 0x11, 0x00, 0x00, 0x00]), 64)).toThrow(/not consumed/);
  });
  it('no end marker', () => {
    expect(() => lzo1xDecompress(Buffer.from([20, 0x61, 0x62, 0x63]), 64)).toThrow(/no end marker/);
  });
  it('garbage never crashes, only throws LzoError or decodes', () => {
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    let threw = 0;
    for (let n = 0; n < 2000; n++) {
      const s = Buffer.from(good);
      for (let k = 0; k < 4; k++) s[rnd() * 16 + (rnd() % 16)] = rnd();
      try {
        lzo1xDecompress(s, 4096);
      } catch (e) {
        expect(e).toBeInstanceOf(LzoError);
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(100);
  });
});
