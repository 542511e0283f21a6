// ELF note areas: the PT_NOTE segments of an ELF vmcore and the note area of a kdump file
// (makedumpfile copies the PT_NOTE contents there). Layout per elf(5): Elf64_Nhdr, then the
// name padded to 4 bytes, then the descriptor padded to 4 bytes (Linux uses 4-byte alignment
// for its core notes, see the kernel's fs/binfmt_elf.c and kernel/crash_core.c).

import { Elf64_Nhdr } from './elf-layout.js';
import type { ElfNote } from './types.js';

const align4 = (n: number): number => (n + 3) & ~3;

/** Parse a note area. Stops quietly at zero padding or at a note that runs past the end
 *  (the kernel reserves PT_NOTE room per CPU and leaves unused room zeroed). */
export function parseNotes(area: Buffer): ElfNote[] {
  const notes: ElfNote[] = [];
  let off = 0;
  while (off + Elf64_Nhdr.size <= area.length) {
    const h = Elf64_Nhdr.read(area, off);
    if (h.n_namesz === 0 && h.n_descsz === 0 && h.n_type === 0) break; // padding
    const nameOff = off + Elf64_Nhdr.size;
    const descOff = nameOff + align4(h.n_namesz);
    const end = descOff + align4(h.n_descsz);
    if (descOff + h.n_descsz > area.length) break;
    let name = area.toString('latin1', nameOff, nameOff + h.n_namesz);
    const nul = name.indexOf('\0');
    if (nul >= 0) name = name.slice(0, nul);
    notes.push({ name, type: h.n_type, desc: Buffer.from(area.subarray(descOff, descOff + h.n_descsz)) });
    off = end;
  }
  return notes;
}

/** The VMCOREINFO text of a note descriptor: "KEY=value\n" lines, NUL padding removed. */
export function vmcoreinfoText(desc: Buffer): string {
  const nul = desc.indexOf(0);
  return desc.toString('latin1', 0, nul < 0 ? desc.length : nul);
}

/** The VMCOREINFO note's text, if the notes have one. */
export function findVmcoreinfo(notes: readonly ElfNote[]): string | undefined {
  const n = notes.find((x) => x.name === 'VMCOREINFO');
  return n ? vmcoreinfoText(n.desc) : undefined;
}

/** One value from VMCOREINFO text ("PAGESIZE" -> "4096"). */
export function vmcoreinfoValue(text: string | undefined, key: string): string | undefined {
  if (!text) return undefined;
  const prefix = key + '=';
  for (const line of text.split('\n')) if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
  return undefined;
}
