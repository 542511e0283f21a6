// ELF64 structures as used by vmcores and /proc/kcore. Reference: elf(5), the System V gABI
// ("ELF-64 Object File Format"), and the kernel's include/uapi/linux/elf.h.

import { bytes, layout, u16le, u32le, u64le, u64leBig, u8 } from './layout.js';

export const ELFMAG = Buffer.from([0x7f, 0x45, 0x4c, 0x46]); // "\x7fELF" (e_ident[EI_MAG0..3])
export const ELFCLASS64 = 2; // e_ident[EI_CLASS]
export const ELFDATA2LSB = 1; // e_ident[EI_DATA]: little-endian
export const ET_CORE = 4; // e_type of a core file
export const EM_X86_64 = 62; // e_machine
export const PT_LOAD = 1; // p_type: loadable segment
export const PT_NOTE = 4; // p_type: notes
export const PN_XNUM = 0xffff; // e_phnum escape: real count is in section header 0's sh_info
/** e_flags bit makedumpfile sets when an ELF dump could not be written completely
 *  (makedumpfile.c: "ehdr.e_flags |= DUMP_ELF_INCOMPLETE"). */
export const DUMP_ELF_INCOMPLETE = 0x1;

export const NT_PRSTATUS = 1; // CORE note: struct elf_prstatus, one per CPU
export const NT_PRPSINFO = 3; // CORE note: struct elf_prpsinfo
export const NT_TASKSTRUCT = 4; // CORE note: /proc/kcore puts the reading task's task_struct here

export const Elf64_Ehdr = layout('Elf64_Ehdr', 64, {
  e_ident_mag: bytes(0, 4), // EI_MAG0..EI_MAG3: 0x7f 'E' 'L' 'F'
  ei_class: u8(4), // EI_CLASS: ELFCLASS64 = 2
  ei_data: u8(5), // EI_DATA: ELFDATA2LSB = 1
  ei_version: u8(6), // EI_VERSION: EV_CURRENT = 1
  e_type: u16le(16), // object file type: ET_CORE = 4
  e_machine: u16le(18), // architecture: EM_X86_64 = 62
  e_version: u32le(20), // EV_CURRENT = 1
  e_entry: u64leBig(24), // entry point (0 in cores)
  e_phoff: u64le(32), // file offset of the program header table (QEMU 7.2: 192, not 64)
  e_shoff: u64le(40), // file offset of the section header table (0 unless e_phnum = PN_XNUM)
  e_flags: u32le(48), // processor flags; makedumpfile: bit 0 = dump incomplete
  e_ehsize: u16le(52), // size of this header (64)
  e_phentsize: u16le(54), // size of one program header (56)
  e_phnum: u16le(56), // number of program headers, or PN_XNUM
  e_shentsize: u16le(58), // size of one section header (64)
  e_shnum: u16le(60), // number of section headers
  e_shstrndx: u16le(62), // section name string table index
});

export const Elf64_Shdr = layout('Elf64_Shdr', 64, {
  sh_name: u32le(0), // section name (index into .shstrtab)
  sh_type: u32le(4), // section type
  sh_flags: u64le(8), // section flags
  sh_addr: u64le(16), // address in memory
  sh_offset: u64le(24), // file offset
  sh_size: u64le(32), // section size (section 0: e_shnum if that overflows)
  sh_link: u32le(40), // linked section
  sh_info: u32le(44), // section 0: real program header count when e_phnum = PN_XNUM
  sh_addralign: u64le(48), // alignment
  sh_entsize: u64le(56), // entry size
});

export const Elf64_Phdr = layout('Elf64_Phdr', 56, {
  p_type: u32le(0), // segment type: PT_LOAD = 1, PT_NOTE = 4
  p_flags: u32le(4), // PF_R/PF_W/PF_X
  p_offset: u64le(8), // file offset of the segment's bytes
  p_vaddr: u64leBig(16), // kernel virtual address (0 in QEMU dumps without paging)
  p_paddr: u64le(24), // physical address (kcore: all ones for non-RAM segments)
  p_filesz: u64le(32), // bytes present in the file
  p_memsz: u64le(40), // bytes in memory; the rest past p_filesz reads as zeros
  p_align: u64le(48), // alignment
});

export const Elf64_Nhdr = layout('Elf64_Nhdr', 12, {
  n_namesz: u32le(0), // length of the name including its NUL; name padded to 4 bytes
  n_descsz: u32le(4), // length of the descriptor; padded to 4 bytes
  n_type: u32le(8), // note type: NT_PRSTATUS = 1, ... (VMCOREINFO: 0)
});
