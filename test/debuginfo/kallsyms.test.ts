import { describe, expect, it } from 'vitest';
import {
  KallsymsError,
  decodeKallsyms,
  decodeKallsymsAt,
  decodeNames,
  kallsymsLocationFromVmcoreInfo,
  parseTokens,
  type AddressScheme,
} from '../../src/debuginfo/kallsyms.js';
import { parseVmcoreInfo } from '../../src/debuginfo/vmcoreinfo.js';
import { buildImage, compress, encodeNames, sampleSymbols, type FakeSymbol } from './kallsyms-build.js';

const TOKENS = ['tcp_', 'helper_', 'Tt', 'init', '_s', 'hash'];

describe('kallsyms names and tokens', () => {
  it('expands tokens: first character is the type letter, multi-character tokens included', () => {
    const syms: FakeSymbol[] = [
      { name: 'tcp_v4_rcv', type: 'T', address: 1n },
      { name: 'init_net', type: 'D', address: 2n },
      { name: 'tcp_hashinfo', type: 'b', address: 3n },
    ];
    const { tokenTable, tokenIndex, encoded } = compress(syms, ['tcp_', 'hash', 'init']);
    // 'tcp_' is one token, so the first symbol is T + tcp_ + v4_rcv = 1 + 1 + 6 tokens
    expect(encoded[0].length).toBe(8);
    const { names } = encodeNames(encoded, true);
    const d = decodeNames(names, 3, parseTokens(tokenTable, tokenIndex), true);
    expect(d.names).toEqual(['tcp_v4_rcv', 'init_net', 'tcp_hashinfo']);
    expect(String.fromCharCode(...d.types)).toBe('TDb');
    expect(d.end).toBe(names.length);
  });

  it('a type letter merged into a longer token ("Tt") still splits into type + name', () => {
    const syms: FakeSymbol[] = [{ name: 'tcp_close', type: 'T', address: 1n }];
    const { tokenTable, tokenIndex, encoded } = compress(syms, ['Tt', 'cp_']);
    expect(encoded[0].length).toBe(1 + 1 + 5); // "Tt" "cp_" c l o s e
    const d = decodeNames(encodeNames(encoded, true).names, 1, parseTokens(tokenTable, tokenIndex), true);
    expect(d.names[0]).toBe('tcp_close');
    expect(String.fromCharCode(d.types[0])).toBe('T');
  });

  it('reads the 2-byte length of a symbol of 200 tokens (6.1+ "big" symbols)', () => {
    const long = 'x'.repeat(150) + 'yz'.repeat(25); // 200 one-character tokens + type = 201
    const syms: FakeSymbol[] = [
      { name: 'before', type: 'T', address: 1n },
      { name: long, type: 't', address: 2n },
      { name: 'after', type: 'D', address: 3n },
    ];
    const { tokenTable, tokenIndex, encoded } = compress(syms);
    expect(encoded[1].length).toBe(201);
    const { names } = encodeNames(encoded, true);
    const at = 1 + encoded[0].length;
    expect(names[at]).toBe((201 & 0x7f) | 0x80); // 0xc9
    expect(names[at + 1]).toBe(201 >> 7); // 1
    const d = decodeNames(names, 3, parseTokens(tokenTable, tokenIndex), true);
    expect(d.names).toEqual(['before', long, 'after']);
  });
});

const SCHEMES: AddressScheme[] = ['absolute-percpu', 'base-relative', 'place-relative', 'absolute'];

describe('decodeKallsyms on a hand-built image', () => {
  for (const scheme of SCHEMES) {
    for (const layout of ['old', 'new'] as const) {
      it(`${scheme}, ${layout} table order: every address and name comes back`, () => {
        // Only absolute schemes can hold per-CPU symbols at small addresses: keep them out of the others.
        const perCpu = scheme === 'absolute-percpu' || scheme === 'absolute';
        const syms = sampleSymbols(700).filter((s) => perCpu || s.address > 0xffff800000000000n);
        const img = buildImage(syms, { scheme, layout, tokens: TOKENS });
        const info = parseVmcoreInfo(img.vmcoreinfo);
        const table = decodeKallsyms(img.read, info);
        expect(table.size).toBe(syms.length);
        expect(table.source).toBe(`kallsyms in the dump (${scheme}, ${syms.length} symbols)`);
        expect(table.lookup('_stext')).toBe(0xffffffff9a001000n);
        expect(table.lookup('init_net')).toBe(0xffffffff9c3f1b40n);
        expect(table.lookup('tcp_hashinfo')).toBe(0xffffffff9c9c0000n);
        expect(table.lookup('tcp_helper_600')).toBe(0xffffffff9a100000n + 600n * 48n);
        if (perCpu) expect(table.lookup('cpu_number')).toBe(0x1f000n);
        for (const s of syms) expect(table.lookup(s.name)).toBe(s.address);
        const near = table.nearest(0xffffffff9a8a1230n + 0x42n);
        expect(near?.symbol.name).toBe('tcp_v4_rcv');
        expect(near?.offset).toBe(0x42n);
      });
    }
  }

  it('picks absolute-percpu over base-relative by _stext, never by version', () => {
    const img = buildImage(sampleSymbols(300), { scheme: 'absolute-percpu' });
    const loc = kallsymsLocationFromVmcoreInfo(parseVmcoreInfo(img.vmcoreinfo));
    const r = decodeKallsymsAt(img.read, loc, (m) => m.scheme);
    expect(r.scheme).toBe('absolute-percpu');
    expect(r.markersChecked).toBe(true);
    expect(r.table.get('tcp_v4_rcv')?.type).toBe('T');
  });

  it('2-byte lengths (6.1+) are verified against kallsyms_markers', () => {
    const syms = sampleSymbols(600);
    syms.push({ name: 'q'.repeat(300), type: 't', address: 0xffffffff9a0ff000n });
    const img = buildImage(syms, { scheme: 'absolute-percpu', longLengths: true });
    const r = decodeKallsymsAt(img.read, kallsymsLocationFromVmcoreInfo(parseVmcoreInfo(img.vmcoreinfo)), (m) => m.scheme);
    expect(r.markersChecked).toBe(true);
    expect(r.table.lookup('q'.repeat(300))).toBe(0xffffffff9a0ff000n);
    expect(r.table.lookup('tcp_helper_500')).toBe(0xffffffff9a100000n + 500n * 48n);
  });

  it('a one-byte length ≥ 0x80 (a 128..255-token symbol before 6.1) is read as one byte when the markers say so', () => {
    const syms = sampleSymbols(600);
    syms.push({ name: 'w'.repeat(140), type: 't', address: 0xffffffff9a0ff000n }); // 141 tokens
    const img = buildImage(syms, { scheme: 'absolute-percpu', longLengths: false });
    const r = decodeKallsymsAt(img.read, kallsymsLocationFromVmcoreInfo(parseVmcoreInfo(img.vmcoreinfo)), (m) => m.scheme);
    expect(r.markersChecked).toBe(true);
    expect(r.table.lookup('w'.repeat(140))).toBe(0xffffffff9a0ff000n);
    expect(r.table.lookup('tcp_helper_590')).toBe(0xffffffff9a100000n + 590n * 48n);
  });

  it('says which VMCOREINFO symbol is missing', () => {
    const img = buildImage(sampleSymbols(300), { scheme: 'absolute-percpu' });
    const text = img.vmcoreinfo.replace(/SYMBOL\(kallsyms_token_index\)=.*\n/, '');
    expect(() => decodeKallsyms(img.read, parseVmcoreInfo(text))).toThrow(/no SYMBOL\(kallsyms_token_index\)$/);
    const none = 'OSRELEASE=5.10.0-46-amd64\nSYMBOL(_stext)=ffffffff9a001000\n';
    expect(() => decodeKallsyms(img.read, parseVmcoreInfo(none))).toThrow(/kernels before 6\.0/);
  });

  it('refuses when no scheme puts _stext where VMCOREINFO says, listing what each gave', () => {
    const img = buildImage(sampleSymbols(300), { scheme: 'absolute-percpu' });
    const text = img.vmcoreinfo.replace(/SYMBOL\(_stext\)=.*/, 'SYMBOL(_stext)=ffffffff81000000');
    expect(() => decodeKallsyms(img.read, parseVmcoreInfo(text))).toThrow(KallsymsError);
    expect(() => decodeKallsyms(img.read, parseVmcoreInfo(text))).toThrow(/absolute-percpu gives 0xffffffff9a001000/);
  });

  it('decodes 150,000 symbols quickly', () => {
    const syms: FakeSymbol[] = sampleSymbols(7);
    for (let i = 0; i < 150_000; i++) {
      syms.push({ name: `subsys${i % 97}_do_thing_number_${i}`, type: 'T', address: 0xffffffff9a200000n + BigInt(i * 64) });
    }
    const img = buildImage(syms, { scheme: 'absolute-percpu', tokens: ['subsys', '_do_thing', '_number_', 'Tsub'] });
    const info = parseVmcoreInfo(img.vmcoreinfo);
    const table = decodeKallsyms(img.read, info);
    expect(table.size).toBe(150_007);
    expect(table.lookup(`subsys${149992 % 97}_do_thing_number_149992`)).toBe(0xffffffff9a200000n + 149992n * 64n);
  });
});
