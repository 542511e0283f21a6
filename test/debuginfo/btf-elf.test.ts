// ELF section reading and BTF file loading, on a small ELF64 written by the test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { findGnuBuildId, readBuildId, readElfSections, readSection, SHT_NOBITS, SHT_NOTE } from '../../src/debuginfo/elf-sections.js';
import { loadBtfFile } from '../../src/debuginfo/btf-source.js';
import { BtfBuilder } from './btf-builder.js';

interface Sec {
  name: string;
  type: number;
  data: Buffer;
  addr?: bigint;
  flags?: bigint;
  size?: number; // for NOBITS
}

/** An ELF64 little-endian file: header, section contents, .shstrtab, then the section header table. */
function buildElf(secs: Sec[]): Buffer {
  const all: Sec[] = [{ name: '', type: 0, data: Buffer.alloc(0) }, ...secs];
  const names: string[] = [];
  let namesLen = 1;
  const nameOff = all.map((s) => {
    if (!s.name) return 0;
    const o = namesLen;
    names.push(s.name);
    namesLen += s.name.length + 1;
    return o;
  });
  const shstrNameOff = namesLen;
  names.push('.shstrtab');
  namesLen += 10;
  const shstrtab = Buffer.from('\0' + names.map((n) => n + '\0').join(''), 'latin1');
  all.push({ name: '.shstrtab', type: 3, data: shstrtab });
  nameOff.push(shstrNameOff);

  const parts: Buffer[] = [];
  let off = 64;
  const offsets = all.map((s) => {
    const o = off;
    if (s.type !== SHT_NOBITS) {
      parts.push(s.data);
      off += s.data.length;
    }
    const pad = (8 - (off % 8)) % 8;
    parts.push(Buffer.alloc(pad));
    off += pad;
    return o;
  });
  const shoff = off;
  const sh = Buffer.alloc(64 * all.length);
  all.forEach((s, i) => {
    const o = i * 64;
    sh.writeUInt32LE(nameOff[i]!, o);
    sh.writeUInt32LE(s.type, o + 4);
    sh.writeBigUInt64LE(s.flags ?? 0n, o + 8);
    sh.writeBigUInt64LE(s.addr ?? 0n, o + 16);
    sh.writeBigUInt64LE(BigInt(i === 0 ? 0 : offsets[i]!), o + 24);
    sh.writeBigUInt64LE(BigInt(s.size ?? s.data.length), o + 32);
  });
  const eh = Buffer.alloc(64);
  eh.write('\x7fELF', 0, 'latin1');
  eh[4] = 2; // ELFCLASS64
  eh[5] = 1; // ELFDATA2LSB
  eh[6] = 1;
  eh.writeUInt16LE(2, 16); // ET_EXEC
  eh.writeUInt16LE(62, 18); // EM_X86_64
  eh.writeBigUInt64LE(BigInt(shoff), 0x28);
  eh.writeUInt16LE(64, 0x34);
  eh.writeUInt16LE(64, 0x3a);
  eh.writeUInt16LE(all.length, 0x3c);
  eh.writeUInt16LE(all.length - 1, 0x3e);
  return Buffer.concat([eh, ...parts, sh]);
}

function note(name: string, type: number, desc: Buffer): Buffer {
  const n = Buffer.from(name + '\0', 'latin1');
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const h = Buffer.alloc(12);
  h.writeUInt32LE(n.length, 0);
  h.writeUInt32LE(desc.length, 4);
  h.writeUInt32LE(type, 8);
  return Buffer.concat([h, pad(n), pad(desc)]);
}

const b = new BtfBuilder();
const int = b.int('int', 4, { signed: true });
b.struct('pair', 8, [{ name: 'a', type: int, bitOffset: 0 }, { name: 'b', type: int, bitOffset: 32 }]);
const blob = b.build();
const buildId = Buffer.from('9bcfc2361bcccd68de7f4941e069bb6910665236', 'hex');
const notes = Buffer.concat([note('Xen', 1, Buffer.from('abcd')), note('GNU', 3, buildId)]);
const symtab = Buffer.alloc(48, 0x11);

const dir = mkdtempSync(join(tmpdir(), 'btf-elf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const elfPath = join(dir, 'vmlinux');
writeFileSync(
  elfPath,
  buildElf([
    { name: '.text', type: 1, data: Buffer.alloc(100, 0x90), addr: 0xffffffff81000000n, flags: 6n },
    { name: '.notes', type: SHT_NOTE, data: notes, addr: 0xffffffff81000100n },
    { name: '.BTF', type: 1, data: blob, addr: 0xffffffff82000000n, flags: 2n },
    { name: '.bss', type: SHT_NOBITS, data: Buffer.alloc(0), size: 1 << 20, addr: 0xffffffff83000000n },
    { name: '.symtab', type: 2, data: symtab },
    { name: '.strtab', type: 3, data: Buffer.from('\0_stext\0', 'latin1') },
    { name: '.zdebug', type: 1, flags: 0x800n, data: Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]), deflateSync(Buffer.from('hello'))]) },
  ]),
);

describe('readElfSections / readSection', () => {
  it('lists the section headers with names, types, addresses and sizes', () => {
    const secs = readElfSections(elfPath);
    expect(secs.map((s) => s.name)).toEqual(['', '.text', '.notes', '.BTF', '.bss', '.symtab', '.strtab', '.zdebug', '.shstrtab']);
    const btf = secs.find((s) => s.name === '.BTF')!;
    expect(btf).toMatchObject({ type: 1, size: blob.length, addr: 0xffffffff82000000n, flags: 2n });
    expect(secs.find((s) => s.name === '.bss')).toMatchObject({ type: SHT_NOBITS, size: 1 << 20 });
  });

  it('reads section bytes, decompresses SHF_COMPRESSED, and skips NOBITS', () => {
    expect(readSection(elfPath, '.BTF')!.equals(blob)).toBe(true);
    expect(readSection(elfPath, '.symtab')!.equals(symtab)).toBe(true);
    expect(readSection(elfPath, '.strtab')!.toString('latin1')).toBe('\0_stext\0');
    expect(readSection(elfPath, '.zdebug')!.toString()).toBe('hello');
    expect(readSection(elfPath, '.bss')).toBeUndefined();
    expect(readSection(elfPath, '.nope')).toBeUndefined();
  });

  it('finds the GNU build-id note after other notes', () => {
    expect(readBuildId(elfPath)).toBe('9bcfc2361bcccd68de7f4941e069bb6910665236');
    expect(findGnuBuildId(notes)).toBe('9bcfc2361bcccd68de7f4941e069bb6910665236');
    expect(findGnuBuildId(note('Xen', 1, Buffer.from('abcd')))).toBeUndefined();
  });

  it('rejects a non-ELF file, naming it', () => {
    const p = join(dir, 'notelf');
    writeFileSync(p, 'hello world, not an ELF');
    expect(() => readElfSections(p)).toThrow(/notelf: not an ELF file/);
  });

  it('reports a truncated section header table', () => {
    const p = join(dir, 'short');
    const elf = tinyElf();
    writeFileSync(p, elf.subarray(0, elf.length - 100));
    expect(() => readElfSections(p)).toThrow(/short: file ends before the section header table/);
  });
});

/** An ELF with only .text (and .shstrtab). */
function tinyElf(): Buffer {
  return buildElf([{ name: '.text', type: 1, data: Buffer.alloc(16) }]);
}

describe('loadBtfFile', () => {
  it('loads a raw BTF file', () => {
    const p = join(dir, 'vmlinux.btf');
    writeFileSync(p, blob);
    const btf = loadBtfFile(p);
    expect(btf.member(btf.findType('struct pair')!, 'b')!.bitOffset).toBe(32);
    expect(btf.origin).toBe(`raw BTF file ${p}`);
  });

  it('loads the .BTF section of an ELF vmlinux', () => {
    const btf = loadBtfFile(elfPath);
    expect(btf.size(btf.findType('struct pair')!)).toBe(8);
    expect(btf.origin).toBe(`.BTF section of ${elfPath}`);
  });

  it('says what it expected for other files', () => {
    const p = join(dir, 'garbage');
    writeFileSync(p, 'GARBAGE!');
    expect(() => loadBtfFile(p)).toThrow(/garbage: neither raw BTF \(magic 0xeb9f\) nor an ELF file .*\(first bytes: 47415242\)/);
    const noBtf = join(dir, 'nobtf.elf');
    writeFileSync(noBtf, tinyElf());
    expect(() => loadBtfFile(noBtf)).toThrow(/nobtf.elf: ELF file has no .BTF section/);
  });

  it('names the file when the BTF inside is damaged', () => {
    const p = join(dir, 'bad.btf');
    writeFileSync(p, blob.subarray(0, blob.length - 3));
    expect(() => loadBtfFile(p)).toThrow(/bad.btf: BTF: string section .* runs past the end/);
  });
});
