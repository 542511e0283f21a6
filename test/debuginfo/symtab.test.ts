import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SymtabError, readVmlinuxSymbols } from '../../src/debuginfo/symtab.js';
import { parseVmcoreInfo } from '../../src/debuginfo/vmcoreinfo.js';

// A minimal ELF64 vmlinux: sections and a .symtab written by hand (Elf64_Ehdr, Elf64_Shdr,
// Elf64_Sym as in <elf.h>).
interface Sec {
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  data: Buffer;
  link?: number;
  entsize?: number;
  size?: number;
}
interface Sym {
  name: string;
  bind: number;
  type: number;
  shndx: number;
  value: bigint;
}

function buildElf(sections: Sec[], symbols: Sym[] | undefined): Buffer {
  const secs: Sec[] = [{ name: '', type: 0, flags: 0, addr: 0n, data: Buffer.alloc(0) }, ...sections];
  if (symbols) {
    const strs: Buffer[] = [Buffer.from([0])];
    let strLen = 1;
    const symBuf = Buffer.alloc(24 * (symbols.length + 1));
    symbols.forEach((s, i) => {
      const o = 24 * (i + 1);
      symBuf.writeUInt32LE(s.name ? strLen : 0, o);
      if (s.name) {
        strs.push(Buffer.from(s.name + '\0'));
        strLen += s.name.length + 1;
      }
      symBuf[o + 4] = (s.bind << 4) | s.type;
      symBuf.writeUInt16LE(s.shndx, o + 6);
      symBuf.writeBigUInt64LE(s.value, o + 8);
    });
    const symtabIndex = secs.length;
    secs.push({ name: '.symtab', type: 2, flags: 0, addr: 0n, data: symBuf, link: symtabIndex + 1, entsize: 24 });
    secs.push({ name: '.strtab', type: 3, flags: 0, addr: 0n, data: Buffer.concat(strs) });
  }
  const shstr: Buffer[] = [Buffer.from([0])];
  const nameOff: number[] = [0];
  let shLen = 1;
  for (const s of secs.slice(1)) {
    nameOff.push(shLen);
    shstr.push(Buffer.from(s.name + '\0'));
    shLen += s.name.length + 1;
  }
  nameOff.push(shLen);
  shstr.push(Buffer.from('.shstrtab\0'));
  secs.push({ name: '.shstrtab', type: 3, flags: 0, addr: 0n, data: Buffer.concat(shstr) });

  const parts: Buffer[] = [];
  let off = 64;
  const offsets: number[] = [];
  for (const s of secs) {
    offsets.push(off);
    if (s.type !== 8) {
      parts.push(s.data);
      off += s.data.length;
    }
  }
  const shoff = (off + 7) & ~7;
  const pad = Buffer.alloc(shoff - off);
  const sh = Buffer.alloc(64 * secs.length);
  secs.forEach((s, i) => {
    const o = 64 * i;
    sh.writeUInt32LE(nameOff[i] ?? 0, o);
    sh.writeUInt32LE(s.type, o + 4);
    sh.writeBigUInt64LE(BigInt(s.flags), o + 8);
    sh.writeBigUInt64LE(s.addr, o + 16);
    sh.writeBigUInt64LE(BigInt(i === 0 ? 0 : offsets[i]), o + 24);
    sh.writeBigUInt64LE(BigInt(s.size ?? s.data.length), o + 32);
    sh.writeUInt32LE(s.link ?? 0, o + 40);
    sh.writeBigUInt64LE(BigInt(s.entsize ?? 0), o + 56);
  });
  const eh = Buffer.alloc(64);
  eh.writeUInt32BE(0x7f454c46, 0);
  eh[4] = 2; // ELFCLASS64
  eh[5] = 1; // ELFDATA2LSB
  eh[6] = 1;
  eh.writeUInt16LE(2, 16); // ET_EXEC
  eh.writeUInt16LE(62, 18); // EM_X86_64
  eh.writeBigUInt64LE(BigInt(shoff), 0x28);
  eh.writeUInt16LE(64, 0x34);
  eh.writeUInt16LE(64, 0x3a);
  eh.writeUInt16LE(secs.length, 0x3c);
  eh.writeUInt16LE(secs.length - 1, 0x3e);
  return Buffer.concat([eh, ...parts, pad, sh]);
}

const SECTIONS: Sec[] = [
  { name: '.text', type: 1, flags: 0x6, addr: 0xffffffff81000000n, data: Buffer.alloc(16) }, // 1
  { name: '.rodata', type: 1, flags: 0x2, addr: 0xffffffff82000000n, data: Buffer.alloc(16) }, // 2
  { name: '.data', type: 1, flags: 0x3, addr: 0xffffffff82200000n, data: Buffer.alloc(16) }, // 3
  { name: '.data..percpu', type: 1, flags: 0x3, addr: 0n, data: Buffer.alloc(16) }, // 4
  { name: '.bss', type: 8, flags: 0x3, addr: 0xffffffff829c0000n, data: Buffer.alloc(0), size: 0x100000 }, // 5
];
const GLOBAL = 1, LOCAL = 0, WEAK = 2;
const FUNC = 2, OBJECT = 1, SECTION = 3, FILE = 4, NOTYPE = 0;
const SYMBOLS: Sym[] = [
  { name: '', bind: LOCAL, type: SECTION, shndx: 1, value: 0xffffffff81000000n },
  { name: 'tcp_ipv4.c', bind: LOCAL, type: FILE, shndx: 0xfff1, value: 0n },
  { name: '_stext', bind: GLOBAL, type: NOTYPE, shndx: 1, value: 0xffffffff81000000n },
  { name: 'tcp_v4_rcv', bind: GLOBAL, type: FUNC, shndx: 1, value: 0xffffffff818a1230n },
  { name: 'tcp_v4_early_demux', bind: LOCAL, type: FUNC, shndx: 1, value: 0xffffffff818a0000n },
  { name: 'tcp_sock_ops', bind: LOCAL, type: OBJECT, shndx: 2, value: 0xffffffff82001000n },
  { name: 'init_net', bind: GLOBAL, type: OBJECT, shndx: 3, value: 0xffffffff82200400n },
  { name: 'runqueues', bind: GLOBAL, type: OBJECT, shndx: 4, value: 0x31c40n },
  { name: 'tcp_hashinfo', bind: GLOBAL, type: OBJECT, shndx: 5, value: 0xffffffff829c0800n },
  { name: 'arch_weak_hook', bind: WEAK, type: FUNC, shndx: 1, value: 0xffffffff81000400n },
  { name: 'printk_undefined', bind: GLOBAL, type: NOTYPE, shndx: 0, value: 0n },
  { name: 'phys_startup_64', bind: GLOBAL, type: NOTYPE, shndx: 0xfff1, value: 0x1000000n },
];

const dir = mkdtempSync(join(tmpdir(), 'xps-symtab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vmlinux .symtab', () => {
  const path = join(dir, 'vmlinux');
  writeFileSync(path, buildElf(SECTIONS, SYMBOLS));

  it('reads functions and objects, skips section, file and undefined symbols', () => {
    const t = readVmlinuxSymbols(path, 0n);
    expect(t.size).toBe(9);
    expect(t.lookup('tcp_v4_rcv')).toBe(0xffffffff818a1230n);
    expect(t.lookup('tcp_ipv4.c')).toBeUndefined();
    expect(t.lookup('printk_undefined')).toBeUndefined();
    expect(t.source).toBe(`${path} .symtab (9 symbols)`);
  });

  it('gives nm-like type letters', () => {
    const t = readVmlinuxSymbols(path, 0n);
    const type = (n: string) => t.all().find((s) => s.name === n)?.type;
    expect(type('tcp_v4_rcv')).toBe('T');
    expect(type('tcp_v4_early_demux')).toBe('t');
    expect(type('tcp_sock_ops')).toBe('r');
    expect(type('init_net')).toBe('D');
    expect(type('tcp_hashinfo')).toBe('B');
    expect(type('arch_weak_hook')).toBe('W');
    expect(type('phys_startup_64')).toBe('A');
  });

  it('adds KERNELOFFSET to kernel-image addresses only (not per-CPU offsets)', () => {
    const t = readVmlinuxSymbols(path, 0x1a000000n);
    expect(t.lookup('_stext')).toBe(0xffffffff9b000000n);
    expect(t.lookup('tcp_hashinfo')).toBe(0xffffffff9c9c0800n);
    expect(t.lookup('runqueues')).toBe(0x31c40n);
    expect(t.nearest(0xffffffff9b8a1240n)).toEqual({
      symbol: { name: 'tcp_v4_rcv', address: 0xffffffff9b8a1230n, type: 'T' },
      offset: 0x10n,
    });
  });

  it('refuses a vmlinux whose _stext does not land where the dump says', () => {
    const info = parseVmcoreInfo('SYMBOL(_stext)=ffffffff9d000000\nKERNELOFFSET=1a000000\n');
    expect(() => readVmlinuxSymbols(path, 0x1a000000n, info)).toThrow(/does not belong to this dump/);
    const good = parseVmcoreInfo('SYMBOL(_stext)=ffffffff9b000000\nKERNELOFFSET=1a000000\n');
    expect(readVmlinuxSymbols(path, 0x1a000000n, good).lookup('init_net')).toBe(0xffffffff9c200400n);
  });

  it('a stripped vmlinux (no .symtab) says what to use instead', () => {
    const stripped = join(dir, 'vmlinux-stripped');
    writeFileSync(stripped, buildElf(SECTIONS, undefined));
    expect(() => readVmlinuxSymbols(stripped, 0n)).toThrow(SymtabError);
    expect(() => readVmlinuxSymbols(stripped, 0n)).toThrow(/has no symbol table \(\.symtab\); use --system-map or kallsyms/);
  });

});
