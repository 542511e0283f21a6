// kallsyms decoded from the real dumps (dumps/<suite>-<version>/vmcore.kdump).
import { describe, expect, it } from 'vitest';
import { decodeKallsyms, decodeKallsymsAt, kallsymsLocationFromVmcoreInfo } from '../../src/debuginfo/kallsyms.js';
import { findKallsymsByShapeDetailed } from '../../src/debuginfo/kallsyms-scan.js';
import { parseSystemMap } from '../../src/debuginfo/system-map.js';
import { SortedSymbolTable, type ModuleSymbol } from '../../src/debuginfo/symbol-table.js';
import type { SymbolTable } from '../../src/debuginfo/types.js';
import { kernelOffset, symbolAddress } from '../../src/debuginfo/vmcoreinfo.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DUMPS, dumpDirs, guestKallsyms, openFixture } from './kallsyms-dumps.js';

const dirs = dumpDirs();
const withKallsymsInVmcoreinfo = dirs.filter((d) => {
  const { dump, info } = openFixture(d);
  dump.close();
  return info.has('SYMBOL(kallsyms_names)'); // Linux 6.0+
});
const withoutKallsymsInVmcoreinfo = dirs.filter((d) => !withKallsymsInVmcoreinfo.includes(d));
/** How far past _stext the image is searched (what src/kernel/open.ts passes). */
const SCAN = 96n << 20n;

describe.skipIf(withKallsymsInVmcoreinfo.length === 0)('kallsyms in real 6.x dumps', () => {
  for (const dir of withKallsymsInVmcoreinfo) {
    it(`${dir}: _stext matches VMCOREINFO, networking globals are there`, () => {
      const { dump, info, read } = openFixture(dir);
      try {
        const stext = symbolAddress(info, '_stext')!;
        const loc = kallsymsLocationFromVmcoreInfo(info);
        const r = decodeKallsymsAt(read, loc, (m) => m.scheme);
        expect(r.table.lookup('_stext')).toBe(stext);
        expect(r.count).toBeGreaterThan(50_000);
        expect(r.markersChecked).toBe(true);
        // x86-64 SMP kernels of Debian 12 and 13: CONFIG_KALLSYMS_ABSOLUTE_PERCPU=y
        expect(r.scheme).toBe('absolute-percpu');
        for (const name of ['init_net', 'tcp_hashinfo', 'init_top_pgt', '__start_BTF', '__stop_BTF']) {
          expect(r.table.lookup(name), name).toBeGreaterThan(stext);
        }
        // Symbols VMCOREINFO also names must agree with kallsyms (node_online_map and
        // swapper_pg_dir are macros there; the kallsyms_* tables leave themselves out).
        for (const name of ['init_top_pgt', 'init_uts_ns']) {
          expect(r.table.lookup(name), name).toBe(symbolAddress(info, name));
        }
        // Per-CPU symbols are offsets (absolute-percpu keeps them small).
        expect(r.table.lookup('runqueues')).toBeLessThan(0x100000n);
        const near = r.table.nearest(r.table.lookup('tcp_v4_rcv')! + 5n);
        expect(near?.symbol.name).toBe('tcp_v4_rcv');
        expect(near?.offset).toBe(5n);
        // decodeKallsyms (the public entry) says where the symbols came from
        const table = decodeKallsyms(read, info);
        expect(table.source).toBe(`kallsyms in the dump (absolute-percpu, ${r.count} symbols)`);
      } finally {
        dump.close();
      }
    });
  }
});

describe.skipIf(dirs.length === 0)('kallsyms found by shape in real dumps', () => {
  for (const dir of withKallsymsInVmcoreinfo) {
    it(`${dir}: the shape search finds the tables VMCOREINFO names, symbol for symbol`, () => {
      const { dump, info, read } = openFixture(dir);
      try {
        const stext = symbolAddress(info, '_stext')!;
        const r = findKallsymsByShapeDetailed(read, stext, stext + SCAN, info);
        expect(r.at.names).toBe(symbolAddress(info, 'kallsyms_names'));
        expect(r.at.numSyms).toBe(symbolAddress(info, 'kallsyms_num_syms'));
        expect(r.at.tokenTable).toBe(symbolAddress(info, 'kallsyms_token_table'));
        expect(r.at.tokenIndex).toBe(symbolAddress(info, 'kallsyms_token_index'));
        expect(r.at.offsets).toBe(symbolAddress(info, 'kallsyms_offsets'));
        expect(r.at.relativeBase).toBe(symbolAddress(info, 'kallsyms_relative_base'));
        const a = r.table.all();
        const b = decodeKallsyms(read, info).all();
        expect(a.length).toBe(b.length);
        let differ = 0;
        for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name || a[i].address !== b[i].address || a[i].type !== b[i].type) differ++;
        expect(differ).toBe(0);
      } finally {
        dump.close();
      }
    });
  }

  for (const dir of withoutKallsymsInVmcoreinfo) {
    it(`${dir}: VMCOREINFO lists no kallsyms (before 6.0); found by shape, equal to the guest's /proc/kallsyms`, () => {
      const { dump, info, read } = openFixture(dir);
      try {
        expect(() => decodeKallsyms(read, info)).toThrow(/VMCOREINFO has no SYMBOL\(kallsyms_names\).*kernels before 6\.0/);
        const stext = symbolAddress(info, '_stext')!;
        const r = findKallsymsByShapeDetailed(read, stext, stext + SCAN, info);
        expect(r.table.lookup('_stext')).toBe(stext);
        expect(r.count).toBeGreaterThan(50_000);
        expect(r.scheme).toBe('absolute-percpu'); // Debian 11: CONFIG_KALLSYMS_ABSOLUTE_PERCPU=y
        expect(r.layout).toBe('old');
        expect(r.table.source).toMatch(/^kallsyms found in the dump by shape \(absolute-percpu, \d+ symbols, kallsyms_names at 0xffffffff[0-9a-f]+\)$/);

        const text = guestKallsyms(dir);
        if (text === undefined) return;
        const proc = parseSystemMap(text, kernelOffset(info) ?? 0n, 'kallsyms', info);
        for (const name of ['tcp_hashinfo', 'init_net', 'unix_socket_table', 'init_top_pgt', 'runqueues']) {
          expect(r.table.lookup(name), name).toBe(proc.lookup(name));
          expect(r.table.lookup(name), name).toBeDefined();
        }
        // Every vmlinux symbol, in order, with its type letter.
        const core = proc.all().filter((s) => (s as ModuleSymbol).module === undefined);
        const mine = r.table.all();
        expect(mine.length).toBe(core.length);
        let differ = 0;
        for (let i = 0; i < core.length; i++) {
          if (core[i].name !== mine[i].name || core[i].address !== mine[i].address || core[i].type !== mine[i].type) differ++;
        }
        expect(differ).toBe(0);
      } finally {
        dump.close();
      }
    });
  }
});

describe.skipIf(dirs.length === 0)('kallsyms names looked up without decoding them all', () => {
  for (const dir of dirs) {
    it(`${dir}: names answer as the address-sorted table of every decoded symbol does`, () => {
      const { dump, info, read } = openFixture(dir);
      try {
        const stext = symbolAddress(info, '_stext')!;
        const open = () => (withKallsymsInVmcoreinfo.includes(dir) ? decodeKallsyms(read, info) : findKallsymsByShapeDetailed(read, stext, stext + SCAN, info).table);
        const all = open().all();
        const sorted = SortedSymbolTable.fromSymbols(all, 'decoded');
        const lazy = open() as SymbolTable & { get(name: string): { type: string } | undefined };
        const names = new Set(all.map((s) => s.name));
        // Every name of several symbols or with a '.', and every 4th other name (the seqs search
        // of 6.2+ expands ~18 names a lookup: all 160,000 names would take seconds).
        const seen = new Map<string, number>();
        for (const s of all) seen.set(s.name, (seen.get(s.name) ?? 0) + 1);
        const asked = [...names].filter((n, i) => seen.get(n)! > 1 || n.includes('.') || i % 4 === 0);
        let differ = 0;
        const byName = new Map<string, typeof all>();
        for (const s of all) if (seen.get(s.name)! > 1) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
        const fresh = open() as SymbolTable & { get(name: string): { type: string } | undefined };
        for (const name of asked) {
          if (lazy.lookup(name) !== sorted.lookup(name) || lazy.get(name)?.type !== sorted.get(name)?.type) differ++;
          const many = byName.get(name);
          if (many && JSON.stringify(fresh.named!(name), (_, v) => (typeof v === 'bigint' ? v.toString(16) : v)) !== JSON.stringify(many, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))) differ++;
        }
        expect(differ).toBe(0);
        expect(byName.size).toBeGreaterThan(100);
        expect(names.size).toBeLessThan(all.length); // static functions of one name in several files
        for (const name of ['', 'no_such_symbol', 'init_ne', 'init_nett', '_stext ', 'tcp_v4_rcv\n']) expect(lazy.lookup(name), name).toBeUndefined();
      } finally {
        dump.close();
      }
    });
  }
});

/** Every fixture with kallsyms, the 7.2 one too (only a -host scenario of it exists). */
const byAddressDirs = [...dirs, ...(existsSync(join(DUMPS, 'sid-7.2-host', 'vmcore.kdump')) ? ['sid-7.2-host'] : [])];
/** Reads after opening run as they are (the CLI runs them with Ctrl-C checks suspended). */
const LAZY = { lazy: <T>(f: () => T) => f() };
const hex = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString(16) : x));

describe.skipIf(byAddressDirs.length === 0)('kallsyms by address, and names not there, without decoding every name', () => {
  for (const dir of byAddressDirs) {
    it(`${dir}: nearest, nextAddress, names not there and ThinLTO stems answer as the full decode, reading a few pages`, () => {
      const { dump, info, read } = openFixture(dir);
      try {
        const stext = symbolAddress(info, '_stext')!;
        const inVmcoreinfo = info.has('SYMBOL(kallsyms_names)');
        const loc = inVmcoreinfo ? kallsymsLocationFromVmcoreInfo(info) : undefined;
        let namesRead = 0;
        const counting: typeof read = (a, n) => {
          if (loc && a < loc.tokenTable && a + BigInt(n) > loc.names) namesRead += n;
          return read(a, n);
        };
        const open = (r: typeof read) => (inVmcoreinfo ? decodeKallsyms(r, info, LAZY) : findKallsymsByShapeDetailed(r, stext, stext + SCAN, info).table);
        const all = open(read).all();
        const ref = SortedSymbolTable.fromSymbols(all, 'decoded');
        const table = open(counting);
        const opened = namesRead;

        // What a first `sym ADDR`, `-s` or `--sysctl` asks: a name not there, a ThinLTO stem,
        // the symbol an address falls in and where the next one starts.
        const tcp = ref.lookup('tcp_v4_rcv')!;
        expect(table.lookup(tcp.toString(16))).toBeUndefined();
        expect(table.withStem!('tcp_v4_rcv', '.llvm.')).toBe(ref.byStem('.llvm.').get('tcp_v4_rcv'));
        expect(hex(table.nearest(tcp + 0x10n))).toBe(hex(ref.nearest(tcp + 0x10n)));
        expect(table.nextAddress!(tcp)).toBe(ref.nextAddress(tcp));
        // kallsyms_names is 250–600 pages: these read a few chunks of 256 names (a binary search
        // of the names, one of the addresses)
        if (loc) expect(namesRead - opened).toBeLessThan(Number(loc.tokenTable - loc.names) / 10);

        // Every address with several symbols (the pick among aliases), every 8th other symbol,
        // each one byte below, at and above; the ends of the address space.
        const addrs: bigint[] = [0n, 0xffffffffffffffffn];
        for (let i = 0; i < all.length; i++) {
          if (i > 0 && all[i - 1].address === all[i].address) continue;
          const alias = i + 1 < all.length && all[i + 1].address === all[i].address;
          if (alias || i % 8 === 0) addrs.push(all[i].address, all[i].address + 1n, ...(all[i].address > 0n ? [all[i].address - 1n] : []));
        }
        let differ = 0;
        for (const a of addrs) {
          if (hex(table.nearest(a)) !== hex(ref.nearest(a)) || table.nextAddress!(a) !== ref.nextAddress(a)) differ++;
        }
        expect(differ).toBe(0);

        // Names that are not there (cut short, run on, suffixed) and stems: as the full decode.
        const asked: string[] = [];
        for (let i = 0; i < all.length; i += 37) {
          const n = all[i].name;
          asked.push(n.slice(0, -1), n + '_', n + '.llvm.123', n + '.', n.toUpperCase(), n + ' ');
        }
        for (const name of asked) if (table.lookup(name) !== ref.lookup(name)) differ++;
        expect(differ).toBe(0);
        for (const infix of ['.llvm.', '.isra.', '.constprop.', '.cold']) {
          const stems = ref.byStem(infix);
          for (const [stem, address] of stems) if (table.withStem!(stem, infix) !== address) differ++;
          for (let i = 0; i < all.length; i += 101) if (table.withStem!(all[i].name, infix) !== stems.get(all[i].name)) differ++;
          expect(hex([...open(read).byStem!(infix)])).toBe(hex([...stems]));
        }
        expect(differ).toBe(0);
      } finally {
        dump.close();
      }
    });
  }
});
