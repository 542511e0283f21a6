// zlib pages through libdeflate in WebAssembly (src/dump/wasm/) and through Node's zlib: the
// same pages, the same verdicts, the same messages for damaged streams.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inflateCounts, inflatePageInto, wasmAdler32, zlibDecoder } from '../../src/dump/inflate.js';
import { INFLATE_PAGE_WASM_BASE64 } from '../../src/dump/wasm/inflate-page-wasm.js';
import { patternPage } from './build.js';

const DECODERS = ['libdeflate-wasm', 'node-zlib'] as const;
afterAll(() => void zlibDecoder('libdeflate-wasm'));

/** Pages from all-repeats to incompressible, so stored, fixed and dynamic blocks all occur. */
function pages(size: number): Buffer[] {
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  const noise = Buffer.alloc(size).map(() => rnd());
  const words = Buffer.alloc(size).map((_, i) => (i % 64 < 8 ? rnd() : i & 0xff));
  return [Buffer.alloc(size), Buffer.alloc(size, 0xa5), patternPage(7, size), words, noise];
}

/** The error zlib.inflateSync gives for `data`, or undefined if it decodes. */
function zlibVerdict(data: Buffer, size: number): string | undefined {
  try {
    const p = zlib.inflateSync(data, { chunkSize: size, maxOutputLength: size });
    return p.length === size ? undefined : `zlib gave ${p.length} bytes, expected a ${size}-byte page`;
  } catch (e) {
    return (e as Error).message;
  }
}

function outcome(data: Buffer, size: number): { page?: Buffer; error?: string } {
  const out = Buffer.alloc(size);
  try {
    inflatePageInto(data, out);
    return { page: out };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('zlib pages', () => {
  it('are taken by the wasm decoder first on this Node', () => {
    expect(zlibDecoder()).toBe('libdeflate-wasm');
  });

  for (const use of DECODERS) {
    it(`${use}: decodes pages of 4, 16 and 64 KiB at every zlib level`, () => {
      zlibDecoder(use);
      const before = { ...inflateCounts };
      let n = 0;
      for (const size of [4096, 16384, 65536, 4096]) {
        for (const page of pages(size)) {
          for (const level of [0, 1, 6, 9]) {
            const got = outcome(zlib.deflateSync(page, { level }), size);
            expect(got.error).toBeUndefined();
            expect(got.page!.equals(page)).toBe(true);
            n++;
          }
        }
      }
      // every clean page by the decoder in charge, none left to the fallback
      if (use === 'libdeflate-wasm') expect([inflateCounts.wasm - before.wasm, inflateCounts.zlib - before.zlib]).toEqual([n, 0]);
      else expect([inflateCounts.wasm - before.wasm, inflateCounts.zlib - before.zlib]).toEqual([0, n]);
    });

    it(`${use}: damaged streams get zlib's verdict and message`, () => {
      zlibDecoder(use);
      const page = pages(4096)[3]!;
      const z = zlib.deflateSync(page, { level: 1 });
      const damaged: Buffer[] = [
        Buffer.concat([z.subarray(0, -1), Buffer.from([z.at(-1)! ^ 1])]), // Adler-32 trailer
        Buffer.concat([Buffer.from([0x78, 0x02]), z.subarray(2)]), // header check
        Buffer.concat([z, Buffer.from([1, 2, 3])]), // bytes after the stream: zlib ignores them
        z.subarray(0, 20), // cut short
        zlib.deflateSync(page.subarray(0, 4000)), // a short page
        zlib.deflateSync(Buffer.concat([page, page])), // a long one
        Buffer.from('not zlib'),
        Buffer.alloc(0),
      ];
      for (let i = 2; i < z.length - 4; i += 7) damaged.push(Buffer.from(z.map((b, j) => (j === i ? b ^ 0x5a : b))));
      for (const d of damaged) {
        const want = zlibVerdict(d, 4096);
        const got = outcome(d, 4096);
        expect(got.error).toBe(want);
        if (!want) expect(got.page!.equals(zlib.inflateSync(d))).toBe(true);
      }
      expect(outcome(damaged[0]!, 4096).error).toBe('incorrect data check');
    });
  }
});

describe('the wasm module', () => {
  it('computes Adler-32 as zlib defines it (16-byte blocks, chunks, tails)', () => {
    zlibDecoder('libdeflate-wasm');
    const ref = (b: Uint8Array): number => {
      let a = 1;
      let s = 0;
      for (const x of b) {
        a = (a + x) % 65521;
        s = (s + a) % 65521;
      }
      return ((s << 16) | a) >>> 0;
    };
    const data = Buffer.alloc(200_000).map((_, i) => (i * 2654435761) >>> 24);
    for (const n of [0, 1, 15, 16, 17, 4096, 5552, 65535, 65536, 65537, 131072 + 31, 200_000]) {
      expect(wasmAdler32(data.subarray(0, n))).toBe(ref(data.subarray(0, n)));
    }
    expect(wasmAdler32(Buffer.alloc(100_000, 0xff))).toBe(ref(Buffer.alloc(100_000, 0xff)));
  });

  it('is the same bytes as the committed inflate-page.wasm (build.sh writes both)', () => {
    const file = fs.readFileSync(path.join(import.meta.dirname, '../../src/dump/wasm/inflate-page.wasm'));
    expect(Buffer.from(INFLATE_PAGE_WASM_BASE64, 'base64').equals(file)).toBe(true);
  });
});
