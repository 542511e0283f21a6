// Section headers of an ELF file (vmlinux), read with positional reads: a vmlinux can be
// 300+ MB, so only the section header table, .shstrtab and the requested section are read.
// Layouts: Elf32/64_Ehdr, Elf32/64_Shdr, Elf64_Chdr, Elf_Nhdr (System V gABI, <elf.h>).
import { closeSync, openSync, readSync } from 'node:fs';
import type * as Zlib from 'node:zlib';
import { builtin } from '../dump/builtin.js';
import { decompress as zstdDecompress } from 'fzstd';

export interface ElfSection {
  name: string;
  /** sh_type: SHT_PROGBITS 1, SHT_SYMTAB 2, SHT_STRTAB 3, SHT_NOTE 7, SHT_NOBITS 8, ... */
  type: number;
  flags: bigint;
  /** File offset of the section's bytes. */
  offset: number;
  size: number;
  /** sh_addr: the section's virtual address at run time (0 if not allocated). */
  addr: bigint;
  link: number;
  info: number;
  entsize: number;
}

export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
const SHF_COMPRESSED = 0x800n;
const NT_GNU_BUILD_ID = 3;

interface ElfIdent {
  is64: boolean;
  le: boolean;
}

/** Reads exactly `length` bytes at `position` or throws naming the file and the place. */
function pread(fd: number, path: string, length: number, position: number, what: string): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`${path}: file ends before ${what} (${length} bytes at offset ${position})`);
    done += n;
  }
  return buf;
}

function withFile<T>(path: string, f: (fd: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return f(fd);
  } finally {
    closeSync(fd);
  }
}

function readIdent(fd: number, path: string): ElfIdent {
  const id = pread(fd, path, 16, 0, 'the ELF identification');
  if (id.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path}: not an ELF file (no \\x7fELF magic at offset 0)`);
  const cls = id[4], data = id[5]; // EI_CLASS, EI_DATA
  if (cls !== 1 && cls !== 2) throw new Error(`${path}: unknown ELF class ${cls} at offset 4`);
  if (data !== 1 && data !== 2) throw new Error(`${path}: unknown ELF data encoding ${data} at offset 5`);
  return { is64: cls === 2, le: data === 1 };
}

function sectionsOf(fd: number, path: string): ElfSection[] {
  const { is64, le } = readIdent(fd, path);
  const eh = pread(fd, path, is64 ? 64 : 52, 0, 'the ELF header');
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number) => (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const addr = (b: Buffer, o: number) => (is64 ? u64(b, o) : BigInt(u32(b, o)));
  // Elf64_Ehdr: e_shoff @0x28, e_shentsize @0x3a, e_shnum @0x3c, e_shstrndx @0x3e (Elf32: 0x20, 0x2e, 0x30, 0x32)
  const shoff = Number(is64 ? u64(eh, 0x28) : BigInt(u32(eh, 0x20)));
  const shentsize = u16(eh, is64 ? 0x3a : 0x2e);
  let shnum = u16(eh, is64 ? 0x3c : 0x30);
  let shstrndx = u16(eh, is64 ? 0x3e : 0x32);
  if (shoff === 0) return [];
  if (shentsize < (is64 ? 64 : 40)) throw new Error(`${path}: section header size ${shentsize} is too small`);
  const parse = (b: Buffer, o: number): Omit<ElfSection, 'name'> & { nameOff: number } =>
    // Elf64_Shdr { u32 name, type; u64 flags, addr, offset, size; u32 link, info; u64 addralign, entsize }
    // Elf32_Shdr { u32 name, type, flags, addr, offset, size, link, info, addralign, entsize }
    is64
      ? { nameOff: u32(b, o), type: u32(b, o + 4), flags: u64(b, o + 8), addr: u64(b, o + 16), offset: Number(u64(b, o + 24)),
          size: Number(u64(b, o + 32)), link: u32(b, o + 40), info: u32(b, o + 44), entsize: Number(u64(b, o + 56)) }
      : { nameOff: u32(b, o), type: u32(b, o + 4), flags: BigInt(u32(b, o + 8)), addr: addr(b, o + 12), offset: u32(b, o + 16),
          size: u32(b, o + 20), link: u32(b, o + 24), info: u32(b, o + 28), entsize: u32(b, o + 36) };
  if (shnum === 0 || shstrndx === 0xffff) {
    // Extended numbering: section 0 holds the real e_shnum (sh_size) and e_shstrndx (sh_link).
    const s0 = parse(pread(fd, path, shentsize, shoff, 'section header 0'), 0);
    if (shnum === 0) shnum = s0.size;
    if (shstrndx === 0xffff) shstrndx = s0.link;
  }
  const table = pread(fd, path, shnum * shentsize, shoff, 'the section header table');
  const raw = Array.from({ length: shnum }, (_, i) => parse(table, i * shentsize));
  const strSec = raw[shstrndx];
  const names = strSec ? pread(fd, path, strSec.size, strSec.offset, 'the section name table (.shstrtab)') : Buffer.alloc(1);
  return raw.map(({ nameOff, ...s }) => {
    let end = names.indexOf(0, nameOff);
    if (end < 0) end = names.length;
    return { name: nameOff < names.length ? names.toString('latin1', nameOff, end) : '', ...s };
  });
}

/** All section headers of an ELF file. */
export function readElfSections(path: string): ElfSection[] {
  return withFile(path, (fd) => sectionsOf(fd, path));
}

function sectionBytes(fd: number, path: string, s: ElfSection, le: boolean, is64: boolean): Buffer {
  const data = pread(fd, path, s.size, s.offset, `section ${s.name}`);
  if ((s.flags & SHF_COMPRESSED) === 0n) return data;
  // Elf64_Chdr { u32 ch_type; u32 ch_reserved; u64 ch_size; u64 ch_addralign } (Elf32_Chdr: 3 x u32)
  const chType = le ? data.readUInt32LE(0) : data.readUInt32BE(0);
  const body = data.subarray(is64 ? 24 : 12);
  if (chType === 1) return builtin<typeof Zlib>('node:zlib').inflateSync(body); // ELFCOMPRESS_ZLIB
  if (chType === 2) return Buffer.from(zstdDecompress(body)); // ELFCOMPRESS_ZSTD
  throw new Error(`${path}: section ${s.name} uses unknown compression type ${chType}`);
}

/**
 * The bytes of a named section (decompressed if SHF_COMPRESSED), or undefined when the file
 * has no such section or it occupies no file space (SHT_NOBITS, e.g. .bss).
 */
export function readSection(path: string, name: string): Buffer | undefined {
  return withFile(path, (fd) => {
    const { is64, le } = readIdent(fd, path);
    const s = sectionsOf(fd, path).find((x) => x.name === name);
    if (!s || s.type === SHT_NOBITS) return undefined;
    return sectionBytes(fd, path, s, le, is64);
  });
}

/** The NT_GNU_BUILD_ID descriptor in a buffer of ELF notes, as lowercase hex. */
export function findGnuBuildId(notes: Buffer, littleEndian = true): string | undefined {
  const u32 = (o: number) => (littleEndian ? notes.readUInt32LE(o) : notes.readUInt32BE(o));
  const align4 = (n: number) => (n + 3) & ~3;
  // Elf_Nhdr { u32 n_namesz; u32 n_descsz; u32 n_type; } then name and desc, each padded to 4
  for (let o = 0; o + 12 <= notes.length; ) {
    const namesz = u32(o), descsz = u32(o + 4), type = u32(o + 8);
    const nameAt = o + 12, descAt = nameAt + align4(namesz);
    if (descAt + descsz > notes.length) break;
    const name = notes.toString('latin1', nameAt, nameAt + namesz).replace(/\0+$/, '');
    if (type === NT_GNU_BUILD_ID && name === 'GNU') return notes.toString('hex', descAt, descAt + descsz);
    o = descAt + align4(descsz);
  }
  return undefined;
}

/** The GNU build-id of an ELF file (from .note.gnu.build-id, else any SHT_NOTE section). */
export function readBuildId(path: string): string | undefined {
  return withFile(path, (fd) => {
    const { is64, le } = readIdent(fd, path);
    const notes = sectionsOf(fd, path).filter((s) => s.type === SHT_NOTE);
    notes.sort((a, b) => Number(b.name === '.note.gnu.build-id') - Number(a.name === '.note.gnu.build-id'));
    for (const s of notes) {
      const id = findGnuBuildId(sectionBytes(fd, path, s, le, is64), le);
      if (id) return id;
    }
    return undefined;
  });
}
