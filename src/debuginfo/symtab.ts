// Symbols from a vmlinux ELF symbol table (.symtab + its string table), e.g. the vmlinux of a
// linux-image-*-dbg package. Layout: Elf64_Sym (System V gABI, <elf.h>):
//   u32 st_name; u8 st_info; u8 st_other; u16 st_shndx; u64 st_value; u64 st_size  (24 bytes)
// Type letters follow binutils nm (bfd/syms.c bfd_decode_symclass) roughly.

import { readElfSections, readSection, SHT_NOBITS, SHT_SYMTAB, type ElfSection } from './elf-sections.js';
import type { SymbolTable, VmcoreInfo } from './types.js';
import { SortedSymbolTable, nameHash, relocateKernelImage } from './symbol-table.js';
import { symbolAddress } from './vmcoreinfo.js';

export class SymtabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SymtabError';
  }
}

const STT_SECTION = 3;
const STT_FILE = 4;
const STB_LOCAL = 0;
const STB_WEAK = 2;
const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;
const SHN_COMMON = 0xfff2;
const SHF_WRITE = 0x1n;
const SHF_ALLOC = 0x2n;
const SHF_EXECINSTR = 0x4n;
const STT_OBJECT = 1;

/** nm's letter for a defined symbol: by section (text, data, rodata, bss), lower case if local. */
export function nmType(info: number, shndx: number, sections: readonly ElfSection[]): string | undefined {
  const bind = info >> 4;
  const type = info & 0xf;
  if (shndx === SHN_UNDEF) return undefined; // undefined symbols: kallsyms leaves them out too
  let c: string;
  if (bind === STB_WEAK) c = type === STT_OBJECT ? 'V' : 'W';
  else if (shndx === SHN_ABS) c = 'A';
  else if (shndx === SHN_COMMON) c = 'C';
  else {
    const s = sections[shndx];
    if (!s) c = '?';
    else if (s.flags & SHF_EXECINSTR) c = 'T';
    else if (s.type === SHT_NOBITS) c = 'B';
    else if (s.flags & SHF_WRITE) c = 'D';
    else if (s.flags & SHF_ALLOC) c = 'R';
    else c = 'N';
  }
  return bind === STB_LOCAL ? c.toLowerCase() : c;
}

/**
 * The symbols of a vmlinux, moved by the KASLR offset (VMCOREINFO KERNELOFFSET). Section and
 * file symbols are skipped. With `info`, the result must put _stext where VMCOREINFO does,
 * otherwise the vmlinux belongs to another kernel and is refused.
 */
export function readVmlinuxSymbols(path: string, kaslrOffset: bigint, info?: VmcoreInfo): SymbolTable {
  const sections = readElfSections(path);
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) {
    throw new SymtabError(
      `${path}: this vmlinux has no symbol table (.symtab); use --system-map or kallsyms ` +
        `(a vmlinux decompressed from vmlinuz is stripped; the -dbg package's is not)`,
    );
  }
  const strtabSection = sections[symtab.link];
  const syms = readSection(path, symtab.name);
  const strtab = strtabSection ? readSection(path, strtabSection.name) : undefined;
  if (!syms || !strtab) throw new SymtabError(`${path}: cannot read ${symtab.name} or its string table`);
  const entsize = symtab.entsize || 24;
  if (entsize < 24) throw new SymtabError(`${path}: ${symtab.name} entries of ${entsize} bytes: not an ELF64 symbol table`);

  const n = Math.floor(syms.length / entsize);
  const names: string[] = [];
  const typeCodes: number[] = [];
  const values: bigint[] = [];
  const hashes: number[] = [];
  for (let i = 1; i < n; i++) {
    const o = i * entsize;
    const info8 = syms[o + 4];
    const stType = info8 & 0xf;
    if (stType === STT_SECTION || stType === STT_FILE) continue;
    const shndx = syms.readUInt16LE(o + 6);
    const letter = nmType(info8, shndx, sections);
    if (letter === undefined) continue;
    const nameOff = syms.readUInt32LE(o);
    let end = strtab.indexOf(0, nameOff);
    if (end < 0) end = strtab.length;
    if (end === nameOff) continue;
    const name = strtab.toString('latin1', nameOff, end);
    names.push(name);
    typeCodes.push(letter.charCodeAt(0));
    values.push(syms.readBigUInt64LE(o + 8));
    hashes.push(nameHash(name));
  }
  const addresses = BigUint64Array.from(values);
  relocateKernelImage(addresses, kaslrOffset);
  const table = new SortedSymbolTable(
    { names, types: Uint8Array.from(typeCodes), addresses, hashes: Uint32Array.from(hashes) },
    `${path} .symtab (${names.length} symbols${kaslrOffset ? `, + KERNELOFFSET 0x${kaslrOffset.toString(16)}` : ''})`,
  );
  const dumpStext = info ? symbolAddress(info, '_stext') : undefined;
  const stext = table.lookup('_stext');
  if (dumpStext !== undefined && stext !== undefined && stext !== dumpStext) {
    throw new SymtabError(
      `${path} does not belong to this dump: its _stext lands at 0x${stext.toString(16)}, the dump's is ` +
        `0x${dumpStext.toString(16)} (build-ids differ? compare VMCOREINFO BUILD-ID)`,
    );
  }
  return table;
}
