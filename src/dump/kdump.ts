// makedumpfile's kdump-compressed format (also what QEMU's dump-guest-memory -z/-l/-s writes,
// flattened). File layout (makedumpfile IMPLEMENTATION): block 0 disk_dump_header, block 1..
// kdump_sub_header, then the 1st bitmap (RAM vs. hole) and the 2nd bitmap (page in the dump),
// each bitmap_blocks/2 blocks, then one page_desc per set bit of the 2nd bitmap in pfn order,
// then the page data. Bit n of a bitmap is bit (n % 8) of byte n / 8.
//
// A page's descriptor index is the rank of its bit in the 2nd bitmap. We keep the bitmap as
// 32-bit words plus the cumulative popcount at every 512 bits, so a rank costs at most 16
// popcounts; no per-page table is built (a 1 TiB dump has 2^28 pages).

import { BaseDump, type OpenOptions } from './base.js';
import { compressionName, decodePage } from './decompress.js';
import { wasmInflateAt } from './inflate.js';
import { wasmZstdAt } from './zstd.js';
import { checkInterrupt } from './interrupt.js';
import { readExact, type PositionalReader } from './file.js';
import {
  DUMP_DH_COMPRESSED,
  DUMP_DH_COMPRESSED_INCOMPLETE,
  DUMP_DH_COMPRESSED_ZLIB,
  DUMP_DH_COMPRESSED_ZSTD,
  DUMP_DH_EXCLUDED_VMEMMAP,
  KDUMP_SIGNATURE,
  disk_dump_header,
  kdump_sub_header,
  page_desc,
} from './kdump-layout.js';
import { findVmcoreinfo, parseNotes, vmcoreinfoText } from './notes.js';
import { bitmapWords, popcount32, superblockRanks } from './kdump-bitmap.js';
import { DumpFormatError, PageMissingError, type DumpFormat, type ElfNote } from './types.js';

const SUPERBLOCK_SHIFT = 9; // rank index entry every 2^9 = 512 bits (16 words)
const DESC_CHUNK = 256; // page_descs read (and cached) 256 at a time: 6 KiB
const DESC_CHUNKS_CACHED = 512; // 3 MiB of descriptors
const MAX_META_BYTES = 64 << 20; // VMCOREINFO / note area sanity limit
/** Bytes read at once where pages are read in file order (fromWindow). */
const READ_WINDOW = 64 << 10;
/** Bytes read at once for a run of pages decoded into one buffer (readPagesInto). */
const RUN_READ = 512 << 10;

/** Where a kdump file came from, for the description and `format`. */
export interface KdumpSource {
  flattened?: { records: number; complete: boolean };
}

export class KdumpDump extends BaseDump {
  readonly format: DumpFormat;
  readonly description: string;
  readonly vmcoreinfo: string | undefined;
  readonly notes: readonly ElfNote[];
  readonly incomplete: boolean;
  readonly header: Readonly<Record<string, string | number>>;
  readonly maxPfn: number;

  private readonly words: Uint32Array; // the 2nd bitmap
  private readonly rank: Uint32Array; // set bits before each 512-bit superblock
  private readonly present: number;
  private readonly descOff: number;
  private readonly bitmap1Off: number;
  private readonly bitmapBytes: number;
  private readonly startPfn: number; // split dumps: the pfns this file holds
  private readonly endPfn: number;
  private counts: { present: number; excluded: number } | undefined;
  private ramWords: Uint32Array | null | undefined; // 1st bitmap, read on demand
  private scratch = Buffer.allocUnsafe(0); // compressed page bytes, reused
  private window = Buffer.allocUnsafe(0); // file bytes from windowAt: neighbouring pages' data
  private windowAt = -1;
  private lastData = -1; // file offsets of the last page's data
  private lastDataEnd = -1;
  private readonly descChunks = new Map<number, Buffer>();
  private readonly zeroPage: Buffer;
  private zeroDataOffset = -1; // file offset of the shared zero page's data, once seen
  private readonly descEnd: number; // where the page data begins
  /** Set when the 2nd bitmap and the descriptors disagree: no page can be trusted. */
  private readonly untrusted: string | undefined;

  constructor(path: string, reader: PositionalReader, opts: OpenOptions & KdumpSource = {}) {
    const h = disk_dump_header.read(readExact(reader, path, 0, disk_dump_header.size, 'the kdump header (disk_dump_header)'));
    if (h.signature !== KDUMP_SIGNATURE) {
      throw new DumpFormatError(path, `kdump signature is ${JSON.stringify(h.signature)}, expected "KDUMP   "`);
    }
    const bs = h.block_size;
    if (!(bs >= 1024 && bs <= 1 << 20 && (bs & (bs - 1)) === 0)) {
      throw new DumpFormatError(path, `kdump block_size ${bs} is not a plausible page size (damaged header?)`);
    }
    if (h.header_version < 1) {
      throw new DumpFormatError(path, `kdump header_version ${h.header_version}: no sub header, too old to read`);
    }
    if (h.sub_hdr_size < 1) throw new DumpFormatError(path, `kdump sub_hdr_size ${h.sub_hdr_size} blocks, expected at least 1`);
    const sub = kdump_sub_header.read(readExact(reader, path, bs, kdump_sub_header.size, 'the kdump sub header'));
    const v = h.header_version;

    const maxPfn = v >= 6 ? sub.max_mapnr_64 : h.max_mapnr;
    // Two bitmaps of bitmap_blocks/2 blocks each (libkdumpfile read_bitmap(): "partial dump").
    const halfBytes = Math.floor(h.bitmap_blocks / 2) * bs;
    if (halfBytes * 8 < maxPfn) {
      throw new DumpFormatError(path, `kdump bitmaps (${h.bitmap_blocks} blocks) cover fewer than max_mapnr = ${maxPfn} pages`);
    }
    if (maxPfn >= 2 ** 32) throw new DumpFormatError(path, `max_mapnr ${maxPfn} is beyond what this reader supports (16 TiB)`);

    let startPfn = 0;
    let endPfn = maxPfn;
    if (v >= 2 && sub.split) {
      startPfn = v >= 6 ? sub.start_pfn_64 : sub.start_pfn;
      endPfn = Math.min(maxPfn, v >= 6 ? sub.end_pfn_64 : sub.end_pfn);
    }

    const notes: ElfNote[] = [];
    if (v >= 4 && sub.offset_note && sub.size_note) {
      if (sub.size_note > MAX_META_BYTES) throw new DumpFormatError(path, `note area of ${sub.size_note} bytes is implausible`);
      notes.push(...parseNotes(readExact(reader, path, sub.offset_note, sub.size_note, 'the ELF note area')));
    }
    let vmcoreinfo: string | undefined;
    if (v >= 3 && sub.offset_vmcoreinfo && sub.size_vmcoreinfo) {
      if (sub.size_vmcoreinfo > MAX_META_BYTES) throw new DumpFormatError(path, `VMCOREINFO of ${sub.size_vmcoreinfo} bytes is implausible`);
      vmcoreinfo = vmcoreinfoText(readExact(reader, path, sub.offset_vmcoreinfo, sub.size_vmcoreinfo, 'VMCOREINFO'));
    }
    vmcoreinfo ??= findVmcoreinfo(notes);

    super(path, reader, bs, opts);
    this.maxPfn = maxPfn;
    this.zeroPage = Buffer.alloc(bs);
    this.startPfn = startPfn;
    this.endPfn = endPfn;
    this.notes = notes;
    this.vmcoreinfo = vmcoreinfo;

    this.bitmap1Off = (1 + h.sub_hdr_size) * bs;
    this.bitmapBytes = Math.ceil(maxPfn / 8);
    this.descOff = (1 + h.sub_hdr_size + h.bitmap_blocks) * bs;
    const bm2 = readExact(reader, path, this.bitmap1Off + halfBytes, this.bitmapBytes, 'the 2nd bitmap (pages in the dump)');
    this.words = bitmapWords(bm2, startPfn, endPfn);
    this.rank = superblockRanks(this.words);
    const total = this.rank[this.rank.length - 1]!;
    this.present = total;

    const descEnd = this.descOff + total * page_desc.size;
    this.descEnd = descEnd;
    let truncated = reader.size < descEnd;
    if (!truncated && total > 0) {
      // Cut inside the page data: the last pages' data (written last) lies past the end. The
      // last 256 descriptors (6 KiB), as the very last may point back at the shared zero page.
      const n = Math.min(total, DESC_CHUNK);
      const tail = reader.read(descEnd - n * page_desc.size, n * page_desc.size);
      for (let at = 0; at + page_desc.size <= tail.length; at += page_desc.size) {
        // struct page_desc's offset and size read as loadPage reads them: no object each
        const offset = tail.readUInt32LE(at + 4) * 2 ** 32 + tail.readUInt32LE(at);
        if (offset > 0 && offset + tail.readUInt32LE(at + 8) > reader.size) truncated = true;
      }
    }
    // makedumpfile and QEMU write the page data right after the last descriptor (the shared
    // zero page first, or not): a bitmap that counts one page too many or too few shifts every
    // descriptor, and each page would be read from another page's data.
    if (reader.size >= descEnd && total > 0) {
      const first = reader.read(this.descOff, page_desc.size);
      const off = first.length === page_desc.size ? page_desc.read(first, 0).offset : 0;
      // (A writer may put the note area and VMCOREINFO there first: step over them.)
      let dataStart = descEnd;
      for (let moved = true; moved; ) {
        moved = false;
        for (const [o, n] of [[sub.offset_note, sub.size_note], [sub.offset_vmcoreinfo, sub.size_vmcoreinfo]] as const) {
          if (o === dataStart && n > 0) {
            dataStart += n;
            moved = true;
          }
        }
      }
      // Before v4 the note area is not declared and may sit there: only an overlap is certain.
      const disagree = v >= 4 ? off !== dataStart && off !== dataStart + bs : off < descEnd;
      if (off !== 0 && disagree) {
        this.untrusted =
          `the 2nd bitmap counts ${total} pages, but the page data starts at offset ${off}, not after ${total} ` +
          `descriptors (${descEnd}): bitmap and descriptors disagree, no page can be read safely`;
      }
    }
    if (this.untrusted) truncated = reader.size < descEnd; // the tail check read misplaced descriptors
    const flaggedIncomplete = (h.status & DUMP_DH_COMPRESSED_INCOMPLETE) !== 0;
    this.incomplete = flaggedIncomplete || truncated || opts.flattened?.complete === false;
    this.format = opts.flattened ? 'kdump-flattened' : 'kdump';

    const comp = compressionName(h.status & DUMP_DH_COMPRESSED);
    let d = `kdump-compressed v${v}, ${comp}`;
    if (opts.flattened) d += `, flattened (${opts.flattened.records} records)`;
    if (v >= 2 && sub.split) d += `, split file for pfns ${startPfn}..${endPfn}`;
    if (flaggedIncomplete) d += ', marked incomplete';
    if (this.untrusted) d += ', bitmap and page descriptors disagree';
    if (truncated) d += `, file truncated at ${reader.size} bytes`;
    else if (opts.flattened && !opts.flattened.complete) d += ', no end marker (cut short)';
    this.description = d;

    this.header = {
      signature: h.signature,
      header_version: v,
      sysname: h.sysname,
      nodename: h.nodename,
      release: h.release,
      version: h.version,
      machine: h.machine,
      domainname: h.domainname,
      timestamp: h.tv_sec,
      status: h.status,
      compression: comp,
      excluded_vmemmap: (h.status & DUMP_DH_EXCLUDED_VMEMMAP) !== 0 ? 1 : 0,
      block_size: bs,
      sub_hdr_size: h.sub_hdr_size,
      bitmap_blocks: h.bitmap_blocks,
      max_mapnr: maxPfn,
      current_cpu: h.current_cpu,
      nr_cpus: h.nr_cpus,
      phys_base: '0x' + sub.phys_base.readBigUInt64LE(0).toString(16),
      dump_level: sub.dump_level,
      split: v >= 2 ? sub.split : 0,
      ...(v >= 2 && sub.split ? { start_pfn: startPfn, end_pfn: endPfn } : {}),
      ...(v >= 5 && sub.size_eraseinfo ? { eraseinfo_size: sub.size_eraseinfo } : {}),
    };
  }

  hasPage(pfn: number): boolean {
    return pfn >= 0 && pfn < this.maxPfn && ((this.words[pfn >>> 5]! >>> (pfn & 31)) & 1) === 1;
  }

  pageCounts(): { present: number; excluded: number } {
    if (!this.counts) {
      const ram = this.ramBitmap();
      let inRam = 0;
      if (ram) for (let i = 0; i < ram.length; i++) inRam += popcount32(ram[i]!);
      this.counts = { present: this.present, excluded: Math.max(0, inRam - this.present) };
    }
    return this.counts;
  }

  /** Descriptor index of a present page: set bits of the 2nd bitmap below `pfn`. */
  private rankOf(pfn: number): number {
    const w = pfn >>> 5;
    const sb = pfn >>> SUPERBLOCK_SHIFT;
    let r = this.rank[sb]!;
    const words = this.words;
    for (let k = sb << 4; k < w; k++) r += popcount32(words[k]!);
    const bit = pfn & 31;
    if (bit) r += popcount32(words[w]! & (0xffffffff >>> (32 - bit)));
    return r;
  }

  protected loadPage(pfn: number): Buffer {
    const ps = this.pageSize;
    const addr = pfn * ps;
    if (!(pfn >= 0 && pfn < this.maxPfn)) {
      throw new PageMissingError(addr, 'not-in-dump', `beyond max_mapnr ${this.maxPfn}`);
    }
    if (((this.words[pfn >>> 5]! >>> (pfn & 31)) & 1) === 0) {
      if (pfn < this.startPfn || pfn >= this.endPfn) throw new PageMissingError(addr, 'not-in-dump', 'in another file of a split dump');
      const ram = this.ramBitmap();
      if (ram && ((ram[pfn >>> 5]! >>> (pfn & 31)) & 1) === 0) throw new PageMissingError(addr, 'not-in-dump', 'memory hole');
      throw new PageMissingError(addr, 'excluded', 'filtered out by makedumpfile');
    }
    if (this.untrusted) throw new PageMissingError(addr, 'corrupt', this.untrusted);
    const idx = this.rankOf(pfn);
    const chunk = this.descChunk(Math.floor(idx / DESC_CHUNK));
    const at = (idx % DESC_CHUNK) * page_desc.size;
    if (at + page_desc.size > chunk.length) {
      throw new PageMissingError(addr, 'truncated', `page descriptor ${idx} lies past the end of the file`);
    }
    // struct page_desc (kdump-layout.ts), read field by field: no object per page.
    const offset = chunk.readUInt32LE(at + 4) * 2 ** 32 + chunk.readUInt32LE(at);
    const size = chunk.readUInt32LE(at + 8);
    const flags = chunk.readUInt32LE(at + 12);
    if (offset === 0) throw new PageMissingError(addr, 'truncated', 'the dump was not finished (descriptor never written)');
    if (size === 0 || size > 2 * ps + 1024) {
      throw new PageMissingError(addr, 'corrupt', `page descriptor ${idx} says ${size} bytes at offset ${offset}`);
    }
    const compressed = (flags & DUMP_DH_COMPRESSED) !== 0;
    // makedumpfile stores the zero page once and points every zero page's descriptor at it.
    if (offset === this.zeroDataOffset && size === ps && !compressed) return this.zeroPage;
    if (offset < this.descEnd && offset !== this.zeroDataOffset) {
      throw new PageMissingError(addr, 'corrupt', `page descriptor ${idx} points into the headers (offset ${offset})`);
    }
    // Compressed bytes are consumed at once by the decoder: a view of the read window, or read
    // into one reused buffer.
    let data: Buffer;
    let got: number;
    const windowed = compressed ? this.fromWindow(offset, size) : undefined;
    if (windowed !== undefined) {
      data = windowed;
      got = size;
    } else {
      if (compressed && this.scratch.length < size) this.scratch = Buffer.allocUnsafe(Math.max(size, 2 * ps + 1024));
      data = compressed ? this.scratch.subarray(0, size) : Buffer.allocUnsafe(size);
      got = offset + size <= this.reader.size ? this.reader.readInto(data, 0, size, offset) : 0;
    }
    this.lastData = offset;
    this.lastDataEnd = offset + size;
    if (got < size) {
      // A file cut short loses its last pages; in a whole file the descriptor is damaged.
      if (this.incomplete) throw new PageMissingError(addr, 'truncated', `page data at offset ${offset} lies past the end of the file`);
      throw new PageMissingError(addr, 'corrupt', `page descriptor ${idx} points outside the file (${size} bytes at offset ${offset})`);
    }
    let page: Buffer;
    try {
      page = decodePage(flags, data, ps);
    } catch (e) {
      throw new PageMissingError(addr, 'corrupt', `${compressionName(flags)} page at offset ${offset}: ${(e as Error).message}`);
    }
    if (this.zeroDataOffset < 0 && !compressed && page.equals(this.zeroPage)) {
      this.zeroDataOffset = offset;
      return this.zeroPage;
    }
    return page;
  }

  /**
   * Pages pfn..pfn+n-1 decoded into `out` from `outAt` on, straight from one read of their data
   * (a blob read once, the BTF at opening: its 1,065 zlib pages lie side by side in the file).
   * Only pages that go without a doubt: present, not cached, zlib or zstd, with a descriptor
   * that passes loadPage's checks, a clean stream for the wasm decoder of its method. Returns how many pages from
   * `pfn` on were decoded: the caller reads the next one as any page (readPageInto), which
   * decodes it or says what is wrong with it, as before.
   */
  readPagesInto(pfn: number, n: number, out: Buffer, outAt: number): number {
    const ps = this.pageSize;
    if (this.untrusted || !(pfn >= this.startPfn && pfn + n <= this.endPfn)) return 0;
    // The descriptors first: where each page's data is, while they pass the checks.
    const offsets = new Float64Array(n);
    const sizes = new Int32Array(n);
    const zstd = new Uint8Array(n); // else zlib
    let m = 0;
    for (let idx = -1; m < n; m++) {
      const p = pfn + m;
      if (((this.words[p >>> 5]! >>> (p & 31)) & 1) === 0 || this.cache.peek(p) !== undefined) break;
      idx = idx < 0 ? this.rankOf(p) : idx + 1; // the next present page: the next descriptor
      const chunk = this.descChunk(Math.floor(idx / DESC_CHUNK));
      const at = (idx % DESC_CHUNK) * page_desc.size;
      if (at + page_desc.size > chunk.length) break;
      const offset = chunk.readUInt32LE(at + 4) * 2 ** 32 + chunk.readUInt32LE(at);
      const size = chunk.readUInt32LE(at + 8);
      const flags = chunk.readUInt32LE(at + 12);
      // the method decodePage would take: zlib first, then zstd if neither lzo nor snappy
      const isZstd = (flags & DUMP_DH_COMPRESSED) === DUMP_DH_COMPRESSED_ZSTD;
      if (((flags & DUMP_DH_COMPRESSED_ZLIB) === 0 && !isZstd) || size === 0 || size > 2 * ps + 1024) break;
      if (offset < this.descEnd || offset + size > this.reader.size) break;
      offsets[m] = offset;
      sizes[m] = size;
      zstd[m] = isZstd ? 1 : 0;
    }
    // Then their data, in reads of up to RUN_READ bytes where it lies side by side.
    let block: Buffer | undefined;
    let bytesOf: Uint8Array | undefined; // the same memory: its subarray() makes no Buffer
    let done = 0;
    while (done < m) {
      let end = done + 1;
      let bytes = sizes[done]!;
      while (end < m && offsets[end] === offsets[end - 1]! + sizes[end - 1]! && bytes + sizes[end]! <= RUN_READ) bytes += sizes[end++]!;
      if (!block || block.length < bytes) {
        block = Buffer.allocUnsafeSlow(Math.max(bytes, Math.min(RUN_READ, 2 * bytes)));
        bytesOf = new Uint8Array(block.buffer, block.byteOffset, block.length);
      }
      let got: number;
      try {
        got = this.reader.readInto(block, 0, bytes, offsets[done]!);
      } catch {
        return done; // an I/O error: the page's own read says it
      }
      for (let at = 0; done < end; done++) {
        const size = sizes[done]!;
        if (at + size > got) return done;
        checkInterrupt();
        const into = outAt + done * ps;
        if (!(zstd[done] ? wasmZstdAt(bytesOf!, at, size, out, into, ps) : wasmInflateAt(bytesOf!, at, size, out, into, ps))) return done;
        this.pagesRead++;
        this.lastData = offsets[done]!;
        this.lastDataEnd = this.lastData + size;
        at += size;
      }
    }
    return done;
  }

  /** The compressed bytes at `offset` from the read window, reading a new window when this
   *  page's data adjoins the last page's (a walk in address order: the data of neighbouring
   *  frames lies side by side in the file, upwards or downwards); undefined: read them alone. */
  private fromWindow(offset: number, size: number): Buffer | undefined {
    const end = offset + size;
    const w = this.window;
    if (offset >= this.windowAt && end <= this.windowAt + w.length) return w.subarray(offset - this.windowAt, end - this.windowAt);
    let from: number;
    if (offset === this.lastDataEnd) from = offset; // upwards
    else if (end === this.lastData) from = Math.max(this.descEnd, end - READ_WINDOW); // downwards
    else return undefined;
    const to = Math.min(this.reader.size, from + READ_WINDOW);
    if (end > to) return undefined;
    if (w.length < READ_WINDOW) this.window = Buffer.allocUnsafe(READ_WINDOW);
    const got = this.reader.readInto(this.window, 0, to - from, from);
    this.windowAt = from;
    this.window = this.window.subarray(0, got);
    if (end > from + got) return undefined;
    return this.window.subarray(offset - from, end - from);
  }

  private descChunk(c: number): Buffer {
    let chunk = this.descChunks.get(c);
    if (chunk === undefined) {
      const want = Math.min(DESC_CHUNK, this.present - c * DESC_CHUNK) * page_desc.size;
      chunk = this.reader.read(this.descOff + c * DESC_CHUNK * page_desc.size, want);
      if (this.descChunks.size >= DESC_CHUNKS_CACHED) this.descChunks.delete(this.descChunks.keys().next().value as number);
      this.descChunks.set(c, chunk);
    }
    return chunk;
  }

  /** The 1st bitmap (RAM vs. hole), or null if it cannot be read. */
  private ramBitmap(): Uint32Array | null {
    if (this.ramWords === undefined) {
      const buf = this.reader.read(this.bitmap1Off, this.bitmapBytes);
      this.ramWords = buf.length === this.bitmapBytes ? bitmapWords(buf, this.startPfn, this.endPfn) : null;
    }
    return this.ramWords;
  }
}
