import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemMapError, parseSystemMap } from '../../src/debuginfo/system-map.js';
import { kernelOffset, parseVmcoreInfo, symbolAddress } from '../../src/debuginfo/vmcoreinfo.js';
import { openDump } from '../../src/dump/open.js';
import { SortedSymbolTable } from '../../src/debuginfo/symbol-table.js';

// A few lines as `nm -n vmlinux` / scripts/mksysmap write them (link-time addresses).
const SYSTEM_MAP = `0000000000000000 D __per_cpu_start
0000000000000000 D fixed_percpu_data
000000000001f0a0 D cpu_number
ffffffff81000000 T _stext
ffffffff81000000 T _text
ffffffff81000000 T startup_64
ffffffff818a1230 T tcp_v4_rcv
ffffffff818a1230 t __tcp_v4_rcv_alias
ffffffff81a00010 t cleanup
ffffffff81a00040 t cleanup
ffffffff82200000 D init_net
ffffffff829c0000 B tcp_hashinfo
ffffffff829c8000 B unix_socket_table
`;

const KASLR = 0x1a000000n;
const INFO = parseVmcoreInfo(`OSRELEASE=5.10.0-46-amd64\nSYMBOL(_stext)=ffffffff9b000000\nKERNELOFFSET=1a000000\n`);

describe('System.map', () => {
  it('link-time addresses get KERNELOFFSET added, per-CPU offsets do not', () => {
    const t = parseSystemMap(SYSTEM_MAP, KASLR, 'System.map-5.10.0-46-amd64', INFO);
    expect(t.size).toBe(13);
    expect(t.lookup('_stext')).toBe(0xffffffff9b000000n);
    expect(t.lookup('init_net')).toBe(0xffffffff9c200000n);
    expect(t.lookup('tcp_hashinfo')).toBe(0xffffffff9c9c0000n);
    expect(t.lookup('cpu_number')).toBe(0x1f0a0n);
    expect(t.source).toBe('System.map-5.10.0-46-amd64 (link-time addresses + KERNELOFFSET 0x1a000000, 13 symbols)');
  });

  it('nearest prefers the global alias and gives the offset', () => {
    const t = parseSystemMap(SYSTEM_MAP, KASLR, 'System.map', INFO);
    const n = t.nearest(0xffffffff9b8a1230n + 0x1f4n);
    expect(n?.symbol).toEqual({ name: 'tcp_v4_rcv', address: 0xffffffff9b8a1230n, type: 'T' });
    expect(n?.offset).toBe(0x1f4n);
    expect(t.nearest(0x10n)?.symbol.name).toBe('__per_cpu_start');
  });

  it('a name used twice (static functions) resolves to the first', () => {
    const t = parseSystemMap(SYSTEM_MAP, KASLR, 'System.map', INFO);
    expect(t.lookup('cleanup')).toBe(0xffffffff9ba00010n);
  });

  it('without VMCOREINFO the given offset is applied', () => {
    const t = parseSystemMap(SYSTEM_MAP, KASLR, 'System.map');
    expect(t.lookup('unix_socket_table')).toBe(0xffffffff9c9c8000n);
  });

  it('a map of another kernel is refused, with both _stext values', () => {
    const other = parseVmcoreInfo('SYMBOL(_stext)=ffffffffa2000000\nKERNELOFFSET=1f000000\n');
    expect(() => parseSystemMap(SYSTEM_MAP, 0x1f000000n, 'System.map', other)).toThrow(
      /_stext is 0xffffffff81000000, the dump's is 0xffffffffa2000000/,
    );
  });

  it("recognises Debian's one-line placeholder", () => {
    const placeholder = 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n';
    expect(() => parseSystemMap(placeholder, KASLR, '/boot/System.map-6.1.0-56-amd64', INFO)).toThrow(SystemMapError);
    expect(() => parseSystemMap(placeholder, KASLR, '/boot/System.map-6.1.0-56-amd64', INFO)).toThrow(
      /Debian's placeholder.*-dbg package/,
    );
  });

  it('rejects text that is not a map, naming the line', () => {
    expect(() => parseSystemMap('hello world\n', 0n, 'notes.txt')).toThrow(/notes\.txt:1: not a System\.map/);
  });
});

// /proc/kallsyms of the crashed boot: runtime addresses, module symbols at the end.
const PROC_KALLSYMS = `0000000000000000 A fixed_percpu_data
000000000001f0a0 A cpu_number
ffffffff9b000000 T _stext
ffffffff9b000000 T _text
ffffffff9b8a1230 T tcp_v4_rcv
ffffffff9c200000 D init_net
ffffffff9c9c0000 B tcp_hashinfo
ffffffffc0a2d000 t veth_xdp_rcv\t[veth]
ffffffffc0a2d400 T veth_dellink\t[veth]
ffffffffc0a40000 t cleanup_module\t[dummy]
`;

describe('/proc/kallsyms', () => {
  it('runtime addresses are used as they are; modules stay, flagged', () => {
    const t = parseSystemMap(PROC_KALLSYMS, KASLR, 'kallsyms', INFO);
    expect(t.lookup('_stext')).toBe(0xffffffff9b000000n);
    expect(t.lookup('tcp_hashinfo')).toBe(0xffffffff9c9c0000n);
    expect(t.lookup('veth_dellink')).toBe(0xffffffffc0a2d400n);
    expect(t.nearest(0xffffffffc0a2d010n)?.symbol).toEqual({
      name: 'veth_xdp_rcv',
      address: 0xffffffffc0a2d000n,
      type: 't',
      module: 'veth',
    });
    expect(t.source).toBe('kallsyms (runtime addresses, 10 symbols, 3 of them from modules)');
  });

  it('without VMCOREINFO, module lines show it is a /proc/kallsyms: no offset added', () => {
    const t = parseSystemMap(PROC_KALLSYMS, KASLR, 'kallsyms');
    expect(t.lookup('init_net')).toBe(0xffffffff9c200000n);
  });

  it('all-zero addresses (read without root) are refused with the reason', () => {
    const zeros = PROC_KALLSYMS.replace(/^[0-9a-f]{16}/gm, '0000000000000000');
    expect(() => parseSystemMap(zeros, KASLR, 'kallsyms', INFO)).toThrow(/every address as 0.*kptr_restrict/);
  });

  it('parses 150,000 lines (a real System.map is that long)', () => {
    const lines: string[] = ['ffffffff81000000 T _stext'];
    for (let i = 0; i < 150_000; i++) lines.push(`${(0xffffffff81001000n + BigInt(i * 32)).toString(16)} t func_${i}`);
    const text = lines.join('\n');
    const t = parseSystemMap(text, KASLR, 'big', INFO);
    expect(t.size).toBe(150_001);
    expect(t.lookup('func_149999')).toBe(0xffffffff81001000n + 149999n * 32n + KASLR);
  });
});

describe('SortedSymbolTable', () => {
  it('sorts unsorted input, keeps aliases in order, and all() lists by address', () => {
    const t = SortedSymbolTable.fromSymbols(
      [
        { name: 'c', address: 0xffffffff81000300n, type: 'T' },
        { name: 'a', address: 0xffffffff81000100n, type: 't' },
        { name: 'a_alias', address: 0xffffffff81000100n, type: 'T' },
        { name: 'pcpu', address: 0x40n, type: 'D' },
        { name: 'b', address: 0xffffffff81000200n, type: 'D' },
      ],
      'test',
    );
    expect(t.all().map((s) => s.name)).toEqual(['pcpu', 'a', 'a_alias', 'b', 'c']);
    expect(t.nearest(0xffffffff81000150n)?.symbol.name).toBe('a_alias');
    expect(t.nearest(0xffffffff810002ffn)?.offset).toBe(0xffn);
    expect(t.nearest(0x3fn)).toBeUndefined();
    expect(t.lookup('b')).toBe(0xffffffff81000200n);
  });

  it('a global wins over a local of the same name', () => {
    const t = SortedSymbolTable.fromSymbols(
      [
        { name: 'dup', address: 0xffffffff81000100n, type: 't' },
        { name: 'dup', address: 0xffffffff81000200n, type: 'T' },
        { name: 'dup', address: 0xffffffff81000300n, type: 't' },
      ],
      'test',
    );
    expect(t.lookup('dup')).toBe(0xffffffff81000200n);
  });
});

describe('real files', () => {
  // The whole of /boot/System.map-6.1.0-56-amd64 in Debian's linux-image-6.1.0-56-amd64 package.
  it("Debian's /boot/System.map is recognised as the placeholder", () => {
    const text = 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n';
    expect(() => parseSystemMap(text, 0n, 'System.map-6.1.0-56-amd64')).toThrow(/Debian's placeholder/);
  });

  const kallsymsFile = join(import.meta.dirname, '..', '..', 'dumps', 'bullseye-5.10', 'kallsyms');
  const dumpFile = join(import.meta.dirname, '..', '..', 'dumps', 'bullseye-5.10', 'vmcore.kdump');
  it(
    "bullseye: the guest's /proc/kallsyms is taken as runtime; turned into a System.map it gets KERNELOFFSET back",
    () => {
      const dump = openDump(dumpFile);
      const info = parseVmcoreInfo(dump.vmcoreinfo!);
      dump.close();
      const kaslr = kernelOffset(info)!;
      const text = readFileSync(kallsymsFile, 'utf8');
      const proc = parseSystemMap(text, kaslr, 'kallsyms', info);
      expect(proc.source).toMatch(/^kallsyms \(runtime addresses, \d+ symbols, \d+ of them from modules\)$/);
      expect(proc.lookup('_stext')).toBe(symbolAddress(info, '_stext'));
      // A System.map of the same kernel: link-time addresses, no modules.
      const linkTime = text
        .split('\n')
        .filter((l) => l && !l.includes('['))
        .map((l) => {
          const a = BigInt('0x' + l.slice(0, 16));
          const link = a >= 0xffffffff80000000n ? a - kaslr : a;
          return link.toString(16).padStart(16, '0') + l.slice(16);
        })
        .join('\n');
      const map = parseSystemMap(linkTime, kaslr, 'System.map', info);
      expect(map.source).toContain(`link-time addresses + KERNELOFFSET 0x${kaslr.toString(16)}`);
      for (const name of ['tcp_hashinfo', 'init_net', 'unix_socket_table', 'runqueues', '_stext']) {
        expect(map.lookup(name), name).toBe(proc.lookup(name));
      }
    },
  );
});
