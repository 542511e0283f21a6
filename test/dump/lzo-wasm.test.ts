// lzo pages through wasm/lzo1x.c (src/dump/lzo-wasm.ts) against the JavaScript decoder: the same
// bytes for every clean stream, "not clean" exactly where lzo1x.ts throws.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lzo1xDecompress } from '../../src/dump/lzo1x.js';
import { lzoCounts, lzoDecoder, wasmLzoInto } from '../../src/dump/lzo-wasm.js';
import { openDump } from '../../src/dump/open.js';
import { LZO1X_WASM_BASE64 } from '../../src/dump/wasm/lzo1x-wasm.js';

const vectors = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/lzo-vectors.json'), 'utf8')) as {
  lzo: { name: string; raw: string; lzo: string }[];
};
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
afterAll(() => void lzoDecoder('wasm'));

/** Both decoders on `src` into `maxOut` bytes: equal bytes, or both refuse. */
function agree(src: Uint8Array, maxOut: number): 'clean' | 'refused' {
  let js: Buffer | undefined;
  try {
    js = lzo1xDecompress(src, maxOut);
  } catch {
    js = undefined;
  }
  const out = Buffer.alloc(maxOut);
  const n = wasmLzoInto(src, out);
  if (js === undefined) {
    expect(n).toBe(-1);
    return 'refused';
  }
  expect(n).toBe(js.length);
  expect(out.subarray(0, n).equals(js)).toBe(true);
  return 'clean';
}

describe('the wasm lzo decoder', () => {
  it('is taken first on this Node', () => {
    expect(lzoDecoder()).toBe('wasm');
  });

  it('decodes every liblzo2 vector as the JavaScript decoder does', () => {
    for (const v of vectors.lzo) expect(agree(b64(v.lzo), Math.max(b64(v.raw).length, 1) + 16)).toBe('clean');
  });

  it('refuses exactly what the JavaScript decoder refuses: cut, flipped, short of room', () => {
    let refused = 0;
    for (const v of vectors.lzo) {
      const good = b64(v.lzo);
      const raw = b64(v.raw).length;
      for (let cut = 0; cut < good.length; cut += Math.max(1, good.length >> 6)) if (agree(good.subarray(0, cut), raw + 16) === 'refused') refused++;
      for (let i = 0; i < good.length; i += Math.max(1, good.length >> 7)) {
        for (const bit of [0x01, 0x10, 0x80]) {
          const bad = Buffer.from(good);
          bad[i] ^= bit;
          agree(bad, raw + 16);
        }
      }
      if (raw > 1) expect(agree(good, raw - 1)).toBe('refused');
    }
    expect(refused).toBeGreaterThan(0);
    for (const s of [[18, 0x61, 0xa0, 0x01, 0x11, 0x00, 0x00], [20, 0x61, 0x62, 0x63, 0x11, 0x00, 0x00, 0x00], [20, 0x61, 0x62, 0x63], [17, 2, 0, 0, 0]]) {
      expect(agree(Buffer.from(s), 64)).toBe('refused');
    }
  });

  it('the module bytes are those of lzo1x.wasm', () => {
    expect(Buffer.from(LZO1X_WASM_BASE64, 'base64').equals(fs.readFileSync(path.join(import.meta.dirname, '../../src/dump/wasm/lzo1x.wasm')))).toBe(true);
  });
});

const BULLSEYE = path.join(import.meta.dirname, '../../dumps/bullseye-5.10/vmcore.kdump');
describe.skipIf(!fs.existsSync(BULLSEYE))('lzo pages of a real dump', () => {
  it('read alike by either decoder (the lzo ones by the wasm one: the others are stored whole)', () => {
    const read = (use: 'wasm' | 'js') => {
      lzoDecoder(use);
      const before = lzoCounts.wasm;
      const d = openDump(BULLSEYE);
      try {
        // 32 MiB from 16 MiB on: the kernel image of this guest
        const pages: Buffer[] = [];
        for (let a = 16 << 20; a < 48 << 20; a += 4096) {
          try {
            pages.push(Buffer.from(d.read(a, 4096)));
          } catch {
            pages.push(Buffer.alloc(0));
          }
        }
        return { pages, wasm: lzoCounts.wasm - before, read: d.stats.pagesRead };
      } finally {
        d.close();
      }
    };
    const w = read('wasm');
    const j = read('js');
    expect(w.wasm).toBeGreaterThan(4000);
    expect(j.wasm).toBe(0);
    expect(w.pages.length).toBe(j.pages.length);
    let differ = 0;
    for (let i = 0; i < w.pages.length; i++) if (!w.pages[i].equals(j.pages[i])) differ++;
    expect(differ).toBe(0);
  });
});
