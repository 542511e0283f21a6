import { describe, expect, it } from 'vitest';
import { findKallsymsByShape, findKallsymsByShapeDetailed } from '../../src/debuginfo/kallsyms-scan.js';
import { KallsymsError, type AddressScheme } from '../../src/debuginfo/kallsyms.js';
import { parseVmcoreInfo } from '../../src/debuginfo/vmcoreinfo.js';
import type { VirtualReader } from '../../src/debuginfo/types.js';
import { buildImage, sampleSymbols } from './kallsyms-build.js';

const JUNK = 256 * 1024;

function filler(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7919) & 0xff; // anything but the digit run
  return b;
}

/** The image between JUNK bytes of filler, as the reader sees it (whole pages, like memory). */
function withJunk(img: ReturnType<typeof buildImage>, holes: bigint[] = []) {
  const start = img.base - BigInt(JUNK);
  const all = Buffer.concat([filler(JUNK), img.image, filler(8192 - (img.image.length % 4096))]);
  const read: VirtualReader = (address, length) => {
    const off = Number(address - start);
    if (off < 0 || off + length > all.length) throw new Error('outside');
    for (const h of holes) if (h < address + BigInt(length) && address < h + 4096n) throw new Error(`page 0x${h.toString(16)} missing`);
    return all.subarray(off, off + length);
  };
  return { read, start, end: start + BigInt(all.length) };
}

describe('findKallsymsByShape on hand-built images', () => {
  const cases: [AddressScheme, 'old' | 'new'][] = [
    ['absolute-percpu', 'old'],
    ['base-relative', 'old'],
    ['absolute', 'old'],
    ['absolute-percpu', 'new'],
    ['base-relative', 'new'],
    ['place-relative', 'new'],
  ];
  for (const [scheme, layout] of cases) {
    it(`${scheme}, ${layout} order: finds every table and decodes every symbol`, () => {
      const perCpu = scheme === 'absolute-percpu' || scheme === 'absolute';
      const syms = sampleSymbols(1500).filter((s) => perCpu || s.address > 0xffff800000000000n);
      const img = buildImage(syms, { scheme, layout, tokens: ['tcp_', 'helper_', 'init'] });
      const info = parseVmcoreInfo(img.vmcoreinfo);
      const { read, start, end } = withJunk(img);
      const r = findKallsymsByShapeDetailed(read, start, end, info);
      expect(r.scheme).toBe(scheme);
      expect(r.layout).toBe(layout);
      expect(r.count).toBe(syms.length);
      expect(r.at.tokenTable).toBe(img.at.kallsyms_token_table);
      expect(r.at.tokenIndex).toBe(img.at.kallsyms_token_index);
      expect(r.at.markers).toBe(img.at.kallsyms_markers);
      expect(r.at.names).toBe(img.at.kallsyms_names);
      expect(r.at.numSyms).toBe(img.at.kallsyms_num_syms);
      for (const s of syms) expect(r.table.lookup(s.name)).toBe(s.address);
      expect(r.table.source).toBe(
        `kallsyms found in the dump by shape (${scheme}, ${syms.length} symbols, kallsyms_names at 0x${img.at.kallsyms_names.toString(16)})`,
      );
    });
  }

  it('skips unreadable pages in the searched range', () => {
    const img = buildImage(sampleSymbols(800), { scheme: 'absolute-percpu' });
    const { read, start, end } = withJunk(img, [img.base - 0x10000n, img.base - 0x30000n]);
    const r = findKallsymsByShapeDetailed(read, start, end, parseVmcoreInfo(img.vmcoreinfo));
    expect(r.unreadablePages).toBe(2);
    expect(r.table.lookup('init_net')).toBe(0xffffffff9c3f1b40n);
  });

  it('ignores a stray digit run that is not a token table', () => {
    const img = buildImage(sampleSymbols(800), { scheme: 'absolute-percpu' });
    const { read: inner, start, end } = withJunk(img);
    const decoy = Buffer.from('\x000\x001\x002\x003\x004\x005\x006\x007\x008\x009\x00', 'latin1');
    const read: VirtualReader = (a, n) => {
      const b = Buffer.from(inner(a, n));
      const at = start + 0x1000n;
      if (at >= a && at + BigInt(decoy.length) <= a + BigInt(n)) decoy.copy(b, Number(at - a));
      return b;
    };
    const r = findKallsymsByShapeDetailed(read, start, end, parseVmcoreInfo(img.vmcoreinfo));
    expect(r.at.names).toBe(img.at.kallsyms_names);
  });

  it('a 6.2-style kallsyms_seqs_of_names between markers and token table is stepped over', () => {
    // Build with the old order, then splice 3 bytes per symbol in before the token table.
    const syms = sampleSymbols(1000);
    const img = buildImage(syms, { scheme: 'absolute-percpu', layout: 'old' });
    const tt = Number(img.at.kallsyms_token_table - img.base);
    const seqs = Buffer.alloc((3 * syms.length + 7) & ~7, 0);
    for (let i = 0; i < syms.length; i++) seqs.writeUIntBE((i * 389) % syms.length, 3 * i, 3);
    const spliced = Buffer.concat([filler(JUNK), img.image.subarray(0, tt), seqs, img.image.subarray(tt), filler(8192)]);
    const shift = BigInt(seqs.length);
    const start = img.base - BigInt(JUNK);
    const read: VirtualReader = (a, n) => {
      const off = Number(a - start);
      if (off < 0 || off + n > spliced.length) throw new Error('outside');
      return spliced.subarray(off, off + n);
    };
    const r = findKallsymsByShapeDetailed(read, start, start + BigInt(spliced.length), parseVmcoreInfo(img.vmcoreinfo));
    expect(r.at.tokenTable).toBe(img.at.kallsyms_token_table + shift);
    expect(r.at.markers).toBe(img.at.kallsyms_markers);
    expect(r.table.lookup('tcp_hashinfo')).toBe(0xffffffff9c9c0000n);
  });

  it('says so when there is nothing to find', () => {
    const img = buildImage(sampleSymbols(300), { scheme: 'absolute-percpu' });
    const { read, start } = withJunk(img);
    expect(() => findKallsymsByShape(read, start, start + BigInt(JUNK), parseVmcoreInfo(img.vmcoreinfo))).toThrow(KallsymsError);
    expect(() => findKallsymsByShape(read, start, start + BigInt(JUNK), parseVmcoreInfo(img.vmcoreinfo))).toThrow(
      /no kallsyms tables found in 0x/,
    );
  });
});
