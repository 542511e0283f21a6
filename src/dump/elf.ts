// ELF vmcores (kdump's /proc/vmcore saved with cp or makedumpfile -E, QEMU dump-guest-memory)
// and the live /proc/kcore. Physical memory comes from PT_LOAD segments by p_paddr; where
// p_filesz < p_memsz the rest of the segment reads as zeros (makedumpfile -E leaves its
// filtered pages out that way, so those pages are counted as excluded).

import { BaseDump, type OpenOptions } from './base.js';
import {
  DUMP_ELF_INCOMPLETE,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFMAG,
  EM_X86_64,
  ET_CORE,
  Elf64_Ehdr,
  Elf64_Phdr,
  Elf64_Shdr,
  NT_PRSTATUS,
  NT_TASKSTRUCT,
  PN_XNUM,
  PT_LOAD,
  PT_NOTE,
} from './elf-layout.js';
import { readExact, type PositionalReader } from './file.js';
import { checkInterrupt } from './interrupt.js';
import { findVmcoreinfo, parseNotes, vmcoreinfoValue } from './notes.js';
import { DumpFormatError, PageMissingError, type DumpFormat, type ElfNote } from './types.js';

/** One PT_LOAD segment by physical address, after overlaps were trimmed. */
interface Segment {
  start: number; // p_paddr
  end: number; // p_paddr + p_memsz
  fileEnd: number; // p_paddr + the part of p_filesz the file really holds
  declaredFileEnd: number; // p_paddr + p_filesz (beyond fileEnd: the file was cut short)
  offset: number; // p_offset
}

const MAX_NOTE_BYTES = 64 << 20;
const NO_PADDR = 2 ** 52; // kcore writes p_paddr = -1 for segments that are not RAM

export class ElfDump extends BaseDump {
  readonly format: DumpFormat;
  readonly description: string;
  readonly vmcoreinfo: string | undefined;
  readonly notes: readonly ElfNote[];
  readonly incomplete: boolean;
  readonly header: Readonly<Record<string, string | number>>;
  readonly maxPfn: number;

  private readonly segs: Segment[];
  private readonly starts: Float64Array;
  private readonly zeroPage: Buffer;
  private counts: { present: number; excluded: number } | undefined;

  constructor(path: string, reader: PositionalReader, opts: OpenOptions & { kcore?: boolean } = {}) {
    const ehdrBuf = readExact(reader, path, 0, Elf64_Ehdr.size, 'the ELF header');
    const eh = Elf64_Ehdr.read(ehdrBuf);
    if (!eh.e_ident_mag.equals(ELFMAG)) throw new DumpFormatError(path, 'not an ELF file');
    if (eh.ei_class !== ELFCLASS64 || eh.ei_data !== ELFDATA2LSB) {
      throw new DumpFormatError(path, `ELF class ${eh.ei_class} / data ${eh.ei_data}: only 64-bit little-endian (x86-64) dumps are supported`);
    }
    if (eh.e_type !== ET_CORE) {
      throw new DumpFormatError(path, `ELF type ${eh.e_type} is not ET_CORE (4): this is a program or library, not a vmcore (did you pass vmlinux?)`);
    }
    if (eh.e_machine !== EM_X86_64) {
      throw new DumpFormatError(path, `ELF machine ${eh.e_machine} is not x86-64 (62): only x86-64 dumps are supported`);
    }
    if (eh.e_phentsize !== Elf64_Phdr.size) {
      throw new DumpFormatError(path, `e_phentsize ${eh.e_phentsize}, expected ${Elf64_Phdr.size}`);
    }
    let phnum = eh.e_phnum;
    if (phnum === PN_XNUM) {
      // More than 65534 segments (large machines): the count is in section header 0.
      const sh = Elf64_Shdr.read(readExact(reader, path, eh.e_shoff, Elf64_Shdr.size, 'section header 0 (e_phnum = PN_XNUM)'));
      phnum = sh.sh_info;
    }
    const phBuf = readExact(reader, path, eh.e_phoff, phnum * Elf64_Phdr.size, `${phnum} program headers`);

    const raw: Segment[] = [];
    const notes: ElfNote[] = [];
    let loads = 0;
    let allVaddrZero = true;
    let filtered = 0;
    for (let i = 0; i < phnum; i++) {
      const ph = Elf64_Phdr.read(phBuf, i * Elf64_Phdr.size);
      if (ph.p_type === PT_NOTE) {
        if (ph.p_filesz > MAX_NOTE_BYTES) throw new DumpFormatError(path, `PT_NOTE of ${ph.p_filesz} bytes is implausibly large`);
        notes.push(...parseNotes(readExact(reader, path, ph.p_offset, ph.p_filesz, `PT_NOTE segment ${i}`)));
      } else if (ph.p_type === PT_LOAD) {
        loads++;
        if (ph.p_vaddr !== 0n) allVaddrZero = false;
        if (ph.p_paddr >= NO_PADDR || ph.p_memsz === 0) continue;
        if (ph.p_filesz > ph.p_memsz) throw new DumpFormatError(path, `PT_LOAD ${i}: p_filesz ${ph.p_filesz} > p_memsz ${ph.p_memsz}`);
        if (ph.p_filesz < ph.p_memsz) filtered++;
        const avail = Math.max(0, Math.min(ph.p_filesz, reader.size - ph.p_offset));
        raw.push({
          start: ph.p_paddr,
          end: ph.p_paddr + ph.p_memsz,
          fileEnd: ph.p_paddr + avail,
          declaredFileEnd: ph.p_paddr + ph.p_filesz,
          offset: ph.p_offset,
        });
      }
    }
    if (raw.length === 0) throw new DumpFormatError(path, `no PT_LOAD segment with a physical address (${loads} PT_LOAD in all)`);

    const vmcoreinfo = findVmcoreinfo(notes);
    const pageSize = Number(vmcoreinfoValue(vmcoreinfo, 'PAGESIZE') ?? 4096);
    super(path, reader, pageSize > 0 && (pageSize & (pageSize - 1)) === 0 ? pageSize : 4096, opts);

    this.segs = normalize(raw);
    this.starts = Float64Array.from(this.segs, (s) => s.start);
    this.zeroPage = Buffer.alloc(this.pageSize);
    this.notes = notes;
    this.vmcoreinfo = vmcoreinfo;
    const truncated = !opts.kcore && this.segs.some((s) => s.fileEnd < s.declaredFileEnd);
    this.incomplete = (eh.e_flags & DUMP_ELF_INCOMPLETE) !== 0 || truncated;
    const last = this.segs[this.segs.length - 1]!;
    this.maxPfn = Math.ceil(last.end / this.pageSize);
    // /proc/kcore by path, or by the NT_TASKSTRUCT note only kcore writes (fs/proc/kcore.c)
    const kcore = opts.kcore || notes.some((n) => n.name === 'CORE' && n.type === NT_TASKSTRUCT);
    this.format = kcore ? 'kcore' : 'elf';

    const cpus = notes.filter((n) => n.name === 'CORE' && n.type === NT_PRSTATUS).length;
    const qemu = notes.some((n) => n.name === 'QEMU') || allVaddrZero;
    this.header = { e_flags: eh.e_flags, segments: loads, nr_cpus: cpus, machine: 'x86_64' };
    let d: string;
    if (kcore) d = opts.kcore ? '/proc/kcore (live kernel, read-only)' : 'kcore-style ELF (physical view of its RAM segments)';
    else if (qemu) d = 'ELF (QEMU, physical addresses only)';
    else d = 'ELF vmcore';
    if (filtered) d += `, filtered by makedumpfile (${filtered} segments partly left out)`;
    if (eh.e_flags & DUMP_ELF_INCOMPLETE) d += ', marked incomplete';
    if (truncated) d += `, file truncated at ${reader.size} bytes`;
    this.description = d;
  }

  /** Index of the last segment starting at or below `addr`, or -1. */
  private find(addr: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= addr) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  protected loadPage(pfn: number): Buffer {
    const ps = this.pageSize;
    const addr = pfn * ps;
    const end = addr + ps;
    let i = this.find(addr);
    const seg = i >= 0 ? this.segs[i] : undefined;
    if (seg && end <= seg.end) {
      // Common case: the page lies inside one segment.
      if (end <= seg.fileEnd) {
        const buf = Buffer.allocUnsafe(ps);
        const got = this.reader.readInto(buf, 0, ps, seg.offset + (addr - seg.start));
        if (got < ps) throw new PageMissingError(addr, 'truncated', 'the file ends inside this page');
        return buf;
      }
      if (addr >= seg.declaredFileEnd) return this.zeroPage; // filtered out: reads as zeros
      if (addr >= seg.fileEnd) throw new PageMissingError(addr, 'truncated', `the file ends at ${this.reader.size}`);
    }
    // General case: the page straddles segment boundaries or holes.
    if (i < 0 || this.segs[i]!.end <= addr) i++;
    const buf = Buffer.alloc(ps);
    let covered = false;
    for (; i < this.segs.length && this.segs[i]!.start < end; i++) {
      const s = this.segs[i]!;
      covered = true;
      const from = Math.max(addr, s.start);
      const to = Math.min(end, s.fileEnd);
      if (to > from) {
        const part = this.reader.read(s.offset + (from - s.start), to - from);
        part.copy(buf, from - addr);
        if (part.length < to - from) throw new PageMissingError(addr, 'truncated', 'the file ends inside this page');
      }
      if (Math.min(end, s.declaredFileEnd) > Math.max(from, s.fileEnd)) {
        throw new PageMissingError(addr, 'truncated', `the file ends at ${this.reader.size}`);
      }
    }
    if (!covered) throw new PageMissingError(addr, 'not-in-dump', 'no PT_LOAD segment covers it');
    return buf;
  }

  /** Pages pfn..pfn+n-1 read into `out` from `outAt` on in one read, as far as they lie whole
   *  in the file part of one segment and none is cached (the BTF at opening: 1,065 pages, each
   *  one read and one copy before); the caller reads the next one by readPageInto. */
  readPagesInto(pfn: number, n: number, out: Buffer, outAt: number): number {
    const ps = this.pageSize;
    const addr = pfn * ps;
    const seg = this.segs[this.find(addr)];
    if (!seg || addr >= seg.end) return 0;
    let m = Math.min(n, Math.floor((Math.min(seg.end, seg.fileEnd) - addr) / ps));
    for (let i = 0; i < m; i++) if (this.cache.peek(pfn + i) !== undefined) m = i;
    if (m <= 0) return 0;
    checkInterrupt();
    let got: number;
    try {
      got = this.reader.readInto(out, outAt, m * ps, seg.offset + (addr - seg.start));
    } catch {
      return 0; // an I/O error (/proc/kcore over a hole): each page's own read says it
    }
    const pages = Math.floor(got / ps);
    this.pagesRead += pages;
    return pages;
  }

  hasPage(pfn: number): boolean {
    const addr = pfn * this.pageSize;
    const end = addr + this.pageSize;
    let i = this.find(addr);
    if (i < 0 || this.segs[i]!.end <= addr) i++;
    for (; i < this.segs.length && this.segs[i]!.start < end; i++) {
      const s = this.segs[i]!;
      const from = Math.max(addr, s.start);
      // Readable unless this part lies in a region the (truncated) file does not hold.
      if (!(from >= s.fileEnd && from < s.declaredFileEnd)) return true;
    }
    return false;
  }

  pageCounts(): { present: number; excluded: number } {
    if (!this.counts) {
      const ps = this.pageSize;
      let present = 0;
      let excluded = 0;
      for (const s of this.segs) {
        const inFile = Math.ceil((s.fileEnd - s.start) / ps);
        present += inFile;
        // Pages lost to a cut file are missing, not excluded: count only what p_filesz leaves out.
        const declared = Math.ceil((s.declaredFileEnd - s.start) / ps);
        excluded += Math.max(0, Math.ceil((s.end - s.start) / ps) - declared);
      }
      this.counts = { present, excluded };
    }
    return this.counts;
  }
}

/** Sort segments by physical address and trim overlaps (kcore maps the kernel image twice);
 *  the segment that starts first keeps the overlapping bytes. */
function normalize(segs: Segment[]): Segment[] {
  segs.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Segment[] = [];
  for (const s of segs) {
    const prev = out[out.length - 1];
    if (prev && s.start < prev.end) {
      if (s.end <= prev.end) continue;
      const cut = prev.end - s.start;
      out.push({
        start: prev.end,
        end: s.end,
        fileEnd: Math.max(prev.end, s.fileEnd),
        declaredFileEnd: Math.max(prev.end, s.declaredFileEnd),
        offset: s.offset + cut,
      });
    } else out.push(s);
  }
  return out;
}
