// Names looked up through kallsyms_seqs_of_names (kallsyms-seqs.ts) on hand-built images: the
// same answers as the walk of every name, while most of kallsyms_names stays unread.
import { describe, expect, it, vi } from 'vitest';
import { decodeKallsyms, KallsymsError } from '../../src/debuginfo/kallsyms.js';
import { KallsymsNames } from '../../src/debuginfo/kallsyms-names.js';
import { SortedSymbolTable } from '../../src/debuginfo/symbol-table.js';
import type { VirtualReader } from '../../src/debuginfo/types.js';
import { parseVmcoreInfo } from '../../src/debuginfo/vmcoreinfo.js';
import { buildImage, sampleSymbols, type BuildOptions, type FakeSymbol } from './kallsyms-build.js';

const TOKENS = ['tcp_', 'helper_', 'init', '_s', 'hash', '.llvm.'];

/** Symbols with duplicate names (local and global, at several addresses) and dotted variants. */
function symbols(): FakeSymbol[] {
  const syms = sampleSymbols(10000);
  const at = (k: number) => 0xffffffff9b000000n + BigInt(k) * 0x40n;
  syms.push(
    { name: 'dup_static', type: 't', address: at(1) },
    { name: 'dup_static', type: 't', address: at(2) },
    { name: 'dup_global', type: 't', address: at(3) },
    { name: 'dup_global', type: 'T', address: at(9) },
    { name: 'dup_global', type: 't', address: at(4) },
    { name: 'sock_op', type: 't', address: at(10) },
    { name: 'sock_op.cold', type: 't', address: at(11) },
    { name: 'sock_op.isra.0', type: 't', address: at(12) },
    { name: 'sock_op_x', type: 't', address: at(13) },
    { name: 'sock_op.llvm.4417', type: 't', address: at(5) },
    { name: 'sock_op', type: 't', address: at(14) },
    { name: '__func__.3', type: 'r', address: at(15) },
    { name: '__func__.12', type: 'r', address: at(16) },
    // aliases: a global among locals at one address, and locals alone at another
    { name: 'alias_b', type: 't', address: at(20) },
    { name: 'alias_a', type: 'T', address: at(20) },
    { name: 'alias_c', type: 'T', address: at(20) },
    { name: 'alias_d', type: 't', address: at(21) },
    { name: 'alias_e', type: 'd', address: at(21) },
    { name: 'helper.llvm.77', type: 't', address: at(22) },
    { name: 'helper.llvm.12', type: 't', address: at(6) },
    { name: 'helper.isra.0.llvm.3', type: 't', address: at(23) },
  );
  return syms;
}

/** Reads after opening run as they are (the CLI runs them with Ctrl-C checks suspended). */
const LAZY = { lazy: <T>(f: () => T) => f() };

/** The table (names read while opening, or `lazy`), and how many bytes of kallsyms_names it read. */
function open(syms: FakeSymbol[], opts: BuildOptions, lazy = false) {
  const img = buildImage(syms, { tokens: TOKENS, ...opts });
  const names = img.at.kallsyms_names;
  const end = img.at.kallsyms_markers;
  let namesRead = 0;
  const read: VirtualReader = (a, n) => {
    if (a < end && a + BigInt(n) > names) namesRead += Number((a + BigInt(n) < end ? a + BigInt(n) : end) - (a > names ? a : names));
    return img.read(a, n);
  };
  const table = decodeKallsyms(read, parseVmcoreInfo(img.vmcoreinfo), lazy ? LAZY : {}) as ReturnType<typeof decodeKallsyms> & { get(n: string): FakeSymbol | undefined };
  return { table, namesBytes: Number(end - names), namesRead: () => namesRead };
}

/** What the sorted table of every symbol answers (SortedSymbolTable: the rules of record). */
function expectSameAnswers(table: ReturnType<typeof open>['table'], syms: FakeSymbol[]): void {
  const ref = SortedSymbolTable.fromSymbols(syms, 'all');
  for (const name of new Set(syms.map((s) => s.name))) {
    expect(table.lookup(name), name).toBe(ref.lookup(name));
    expect(table.get(name)?.type, name).toBe(ref.get(name)?.type);
  }
  for (const name of ['no_such', 'sock_o', 'sock_op.', 'dup_static.cold', '__func__', 'zzz', '']) expect(table.lookup(name), name).toBeUndefined();
  // by address: the binary search over kallsyms' own order, and the one name it lands on
  for (const s of syms) {
    for (const a of [s.address - 1n, s.address, s.address + 1n].filter((x) => x >= 0n)) {
      expect(table.nearest(a), `0x${a.toString(16)}`).toEqual(ref.nearest(a));
      expect(table.nextAddress!(a), `0x${a.toString(16)}`).toBe(ref.nextAddress(a));
    }
  }
  // ThinLTO's `name.llvm.<hash>` by the name before it: the first in address order
  for (const infix of ['.llvm.', '.isra.', '.cold']) {
    const stems = ref.byStem(infix);
    for (const [stem, address] of stems) expect(table.withStem!(stem, infix), stem).toBe(address);
    for (const stem of ['sock', 'sock_op.', 'helper.isra', 'no_such', 'sock_op.llvm.4417', 'helper.llvm.77']) expect(table.withStem!(stem, infix), stem).toBe(stems.get(stem));
  }
}

describe('kallsyms_seqs_of_names', () => {
  const cases: [string, BuildOptions][] = [
    ['6.2–6.3: between the markers and the token table', { scheme: 'absolute-percpu', layout: 'old', seqs: 'between' }],
    ['6.4+: after kallsyms_relative_base', { scheme: 'absolute-percpu', layout: 'new', seqs: 'after' }],
    ['7.x: right after kallsyms_offsets', { scheme: 'place-relative', layout: 'new', seqs: 'packed' }],
  ];
  for (const [what, opts] of cases) {
    it(`${what}: names found by the search, not by hashing every name; every answer as the full walk's`, () => {
      const syms = symbols().filter((s) => opts.scheme !== 'place-relative' || s.address > 0xffff800000000000n);
      const walks = vi.spyOn(KallsymsNames, 'index');
      try {
        const t = open(syms, opts);
        expect(t.table.lookup('init_net')).toBe(0xffffffff9c3f1b40n);
        expect(t.table.lookup('tcp_hashinfo')).toBe(0xffffffff9c9c0000n);
        expect(walks).not.toHaveBeenCalled();
        expectSameAnswers(t.table, syms); // a name not found is looked for in the walk of all names
        // the address-sorted table decodes every name
        expect(t.table.nearest(0xffffffff9a8a1230n + 3n)?.symbol.name).toBe('tcp_v4_rcv');
        expect(t.table.all().length).toBe(syms.length);
      } finally {
        walks.mockRestore();
      }
    });

    it(`${what}, read lazily: a few names found reading a few chunks of kallsyms_names; every answer as the full walk's`, () => {
      const syms = symbols().filter((s) => opts.scheme !== 'place-relative' || s.address > 0xffff800000000000n);
      const t = open(syms, opts, true);
      expect(t.table.lookup('init_net')).toBe(0xffffffff9c3f1b40n);
      expect(t.table.lookup('tcp_hashinfo')).toBe(0xffffffff9c9c0000n);
      expect(t.namesRead()).toBeLessThan(t.namesBytes / 2);
      // a name not there, a ThinLTO name by its stem, a symbol by address: a few chunks more
      const read = t.namesRead();
      expect(t.table.lookup('no_such_symbol')).toBeUndefined();
      expect(t.table.withStem!('sock_op', '.llvm.')).toBe(0xffffffff9b000000n + 5n * 0x40n);
      expect(t.table.withStem!('no_such', '.llvm.')).toBeUndefined();
      expect(t.table.nearest(0xffffffff9a8a1230n + 3n)).toEqual({ symbol: { name: 'tcp_v4_rcv', type: 'T', address: 0xffffffff9a8a1230n }, offset: 3n });
      expect(t.table.nextAddress!(0xffffffff9c3f1b40n)).toBe(0xffffffff9c9c0000n);
      expect(t.namesRead() - read).toBeLessThan(t.namesBytes / 8);
      expectSameAnswers(t.table, syms);
      expect(t.table.nearest(0xffffffff9a8a1230n + 3n)?.symbol.name).toBe('tcp_v4_rcv');
      expect(t.table.all().length).toBe(syms.length);
    });
  }

  it('duplicates: a global over locals, then the lowest address; dotted names are names of their own', () => {
    const t = open(symbols(), { scheme: 'absolute-percpu', layout: 'new', seqs: 'after' });
    expect(t.table.get('dup_global')).toMatchObject({ type: 'T', address: 0xffffffff9b000000n + 9n * 0x40n });
    expect(t.table.get('dup_static')).toMatchObject({ type: 't', address: 0xffffffff9b000000n + 0x40n });
    expect(t.table.lookup('sock_op')).toBe(0xffffffff9b000000n + 10n * 0x40n);
    expect(t.table.lookup('sock_op.isra.0')).toBe(0xffffffff9b000000n + 12n * 0x40n);
    expect(t.table.lookup('__func__.12')).toBe(0xffffffff9b000000n + 16n * 0x40n);
    // every one of a name, in address order, as all() lists them
    const all = t.table.all();
    for (const name of ['dup_global', 'dup_static', 'sock_op', 'init_net']) expect(t.table.named!(name)).toEqual(all.filter((s) => s.name === name));
    expect(t.table.named!('no_such')).toEqual([]);
  });

  it('clang LTO order (6.2–6.9: names cut at the first "."): "x" and "x.llvm.N" sorted as one, every duplicate still found', () => {
    const syms = symbols();
    const t = open(syms, { scheme: 'absolute-percpu', layout: 'new', seqs: 'after', ltoSort: true });
    expectSameAnswers(t.table, syms);
  });

  it('a page of kallsyms_names the dump lost: read while opening, opening fails (as without seqs); read lazily, names found without it answer, the others are not found (no throw)', () => {
    const syms = symbols();
    const img = buildImage(syms, { tokens: TOKENS, scheme: 'absolute-percpu', layout: 'new', seqs: 'after' });
    // A page of the names that opening does not read (opening looks up _stext).
    const pages = new Set<bigint>();
    decodeKallsyms(
      (a, n) => {
        for (let p = a & ~0xfffn; p < a + BigInt(n); p += 0x1000n) pages.add(p);
        return img.read(a, n);
      },
      parseVmcoreInfo(img.vmcoreinfo),
      LAZY,
    );
    let lost = (img.at.kallsyms_names + 0x2000n) & ~0xfffn;
    while (pages.has(lost)) lost += 0x1000n;
    expect(lost + 0x1000n).toBeLessThan(img.at.kallsyms_markers);
    const read: VirtualReader = (a, n) => {
      if (a < lost + 0x1000n && a + BigInt(n) > lost) throw new Error(`page 0x${lost.toString(16)} missing from the dump`);
      return img.read(a, n);
    };
    expect(() => decodeKallsyms(read, parseVmcoreInfo(img.vmcoreinfo))).toThrow(KallsymsError);
    const table = decodeKallsyms(read, parseVmcoreInfo(img.vmcoreinfo), LAZY);
    const ref = SortedSymbolTable.fromSymbols(syms, 'all');
    let found = 0;
    for (const name of new Set(syms.map((s) => s.name))) {
      const got = table.lookup(name);
      if (got !== undefined) {
        expect(got, name).toBe(ref.lookup(name));
        found++;
      }
    }
    expect(found).toBeGreaterThan(0);
    expect(found).toBeLessThan(syms.length);
    // By address: the symbol's own chunk of names is read (as the kernel's get_symbol_offset
    // reads from its marker), so the symbols outside the lost page answer, the others do not.
    let near = 0, lostNear = 0;
    for (const s of syms) {
      const got = table.nearest(s.address + 1n);
      if (got === undefined) lostNear++;
      else {
        expect(got, s.name).toEqual(ref.nearest(s.address + 1n));
        near++;
      }
    }
    expect(near).toBeGreaterThan(0);
    expect(lostNear).toBeGreaterThan(0);
    expect(table.all()).toEqual([]); // listing every symbol needs every name
  });

  it('seqs not in name order, or not indices at all: the answers stay those of the full walk', () => {
    const syms = symbols().filter((s) => !s.name.startsWith('dup_') && s.name !== 'sock_op'); // names of one symbol each
    const shuffled = open(syms, { scheme: 'absolute-percpu', layout: 'new', seqs: 'after', seqsOrder: (n) => [...Array(n).keys()].map((i) => (i * 389) % n) });
    expectSameAnswers(shuffled.table, syms);
    const shuffledLazily = open(syms, { scheme: 'absolute-percpu', layout: 'new', seqs: 'after', seqsOrder: (n) => [...Array(n).keys()].map((i) => (i * 389) % n) }, true);
    expectSameAnswers(shuffledLazily.table, syms);
    const garbage = open(syms, { scheme: 'absolute-percpu', layout: 'new', seqs: 'after', seqsOrder: (n) => [...Array(n).keys()].map((i) => 0xffffff - i) }, true);
    expectSameAnswers(garbage.table, syms);
    expect(garbage.namesRead()).toBeGreaterThanOrEqual(garbage.namesBytes); // not used: every name walked
  });
});
