// The contract between dump-file readers (src/dump/*) and everything above them.
// Physical addresses are plain numbers (< 2^53 bytes of RAM); kernel virtual addresses,
// which live above 0xffff800000000000, are bigint and never reach this layer.

/** One ELF note: from PT_NOTE of an ELF vmcore, or the ELF-note area of a kdump file. */
export interface ElfNote {
  name: string; // "CORE", "VMCOREINFO", "QEMU", ...
  type: number; // NT_PRSTATUS = 1, ...
  desc: Buffer;
}

export type DumpFormat = 'elf' | 'kdump' | 'kdump-flattened' | 'kcore';

export interface DumpStats {
  pagesRead: number; // pages fetched from the file (and decompressed)
  cacheHits: number;
  bytesRead: number; // bytes read from the file
}

/** Physical memory of one machine, as a dump file holds it. */
export interface PhysicalDump {
  readonly path: string;
  readonly format: DumpFormat;
  /** e.g. "kdump-compressed v6, zlib", "ELF (QEMU, physical addresses only)" */
  readonly description: string;
  readonly pageSize: number;
  /** The VMCOREINFO text ("KEY=value" lines), or undefined if the dump has none. */
  readonly vmcoreinfo: string | undefined;
  readonly notes: readonly ElfNote[];
  /** The dump says it is incomplete (ELF e_flags bit 0, kdump status 0x8). */
  readonly incomplete: boolean;
  /** kdump header fields where the format has them (utsname, nr_cpus, dump_level, timestamp). */
  readonly header: Readonly<Record<string, string | number>>;
  /** Highest page frame number + 1 the dump describes. */
  readonly maxPfn: number;
  /** Pages stored in the dump vs. pages the dump knows of but left out (filtered, excluded). */
  pageCounts(): { present: number; excluded: number };
  /** Whether page frame `pfn` can be read. */
  hasPage(pfn: number): boolean;
  /** The page holding frame `pfn` (pageSize bytes, shared with the cache: do not modify).
   *  Throws PageMissingError when the dump does not hold it. */
  page(pfn: number): Buffer;
  /** Page `pfn` copied into `out` (pageSize bytes), not entering the cache when not there
   *  (large reads of data read once). Throws PageMissingError. */
  readPageInto?(pfn: number, out: Buffer): void;
  /** Pages pfn..pfn+n-1 decoded into `out` from `outAt` on, as readPageInto would, as far as
   *  one read of their data serves them: returns how many; the caller reads the next one by
   *  readPageInto (which decodes it, or throws saying what is wrong with it). */
  readPagesInto?(pfn: number, n: number, out: Buffer, outAt: number): number;
  /** Copy `len` bytes at physical address `paddr`; may cross pages. Throws PageMissingError. */
  read(paddr: number, len: number): Buffer;
  readonly stats: DumpStats;
  /** Pages about to be read, in order: a hint (decoded ahead where the dump can). */
  prefetch?(pfns: readonly number[]): void;
  /** Whether prefetch() and prefetchSoon() do anything (opened with a decoding worker). */
  readonly prefetching?: boolean;
  /** Start decoding ahead now (a large table's walk is coming): a hint as well. */
  startPrefetch?(): void;
  /** One page to be read later, out of the prefetch() list's order: a hint as well. */
  prefetchSoon?(pfn: number): void;
  close(): void;
}

/** The file is not a dump we know, or its headers are damaged or cut short. */
export class DumpFormatError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'DumpFormatError';
  }
}

export type MissingReason = 'excluded' | 'not-in-dump' | 'truncated' | 'corrupt';

/** A physical page the dump does not hold: filtered out, beyond the memory it describes,
 *  past the end of a truncated file, or undecodable. Walkers catch it and mark a gap. */
export class PageMissingError extends Error {
  constructor(
    readonly paddr: number,
    readonly reason: MissingReason,
    detail = '',
  ) {
    super(`physical address 0x${paddr.toString(16)} is not in the dump (${reason}${detail ? ': ' + detail : ''})`);
    this.name = 'PageMissingError';
  }
}
