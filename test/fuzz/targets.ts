// Where to damage a real dump: its regions by format (headers, program headers, sub-header,
// bitmaps, page descriptors, compressed page data, the VMCOREINFO note, the pages holding BTF
// and kallsyms), each marked detectable or not. Detectable damage (headers, descriptors,
// bitmaps, truncation, zlib pages with their adler32) must never add a row the undamaged dump
// lacks; damage inside unchecksummed page data may decode to plausible wrong values, and there
// only "output or our own error, no hang" applies.

import { openDump } from '../../src/dump/open.js';
import { Session } from '../../src/views/session.js';
import { page_desc, disk_dump_header, kdump_sub_header } from '../../src/dump/kdump-layout.js';

export interface Region {
  name: string;
  start: number;
  end: number;
  detectable: boolean;
  /** Flip single bits only (a bitmap: one more or one fewer page). */
  bitsOnly?: boolean;
}

export interface Targets {
  fixture: string;
  path: string;
  size: number;
  format: string;
  regions: Region[];
}

/** File bytes that hold physical page `pfn` in this dump (compressed data for kdump). */
type PageBytes = (pfn: number) => { start: number; end: number; zlib: boolean } | undefined;

export function findTargets(fixture: string, path: string): Targets {
  const d = openDump(path) as any;
  const s = Session.open(path);
  const k = s.kernel;
  const regions: Region[] = [];
  let pageBytes: PageBytes;
  if (d.format === 'elf') {
    const ehdr = { name: 'ELF header', start: 0, end: 64, detectable: true };
    const b = require0(path, 0, 64);
    const phoff = Number(b.readBigUInt64LE(32));
    const phnum = b.readUInt16LE(56);
    // A program header whose p_memsz grows past p_filesz reads as zeros, as ELF says (and as
    // makedumpfile -E marks its excluded pages): not detectable, so only "no crash, no hang".
    regions.push(ehdr, { name: 'program headers', start: phoff, end: phoff + phnum * 56, detectable: false });
    const ph = require0(path, phoff, phnum * 56);
    for (let i = 0; i < phnum; i++) {
      if (ph.readUInt32LE(i * 56) !== 4) continue; // PT_NOTE
      const off = Number(ph.readBigUInt64LE(i * 56 + 8));
      const sz = Number(ph.readBigUInt64LE(i * 56 + 32));
      const text = require0(path, off, sz).indexOf('OSRELEASE=');
      regions.push({ name: 'notes', start: off, end: off + sz, detectable: false });
      if (text >= 0) regions.push({ name: 'VMCOREINFO note', start: off + text, end: off + text + 2000, detectable: false });
    }
    const segs: { start: number; fileEnd: number; offset: number }[] = d.segs;
    pageBytes = (pfn) => {
      const a = pfn * 4096;
      const seg = segs.find((x) => a >= x.start && a + 4096 <= x.fileEnd);
      return seg && { start: seg.offset + (a - seg.start), end: seg.offset + (a - seg.start) + 4096, zlib: false };
    };
  } else {
    const flat = d.format === 'kdump-flattened';
    const bs = d.pageSize;
    if (flat) {
      // The flattened file's own header and the first record headers.
      regions.push({ name: 'flattened header', start: 0, end: 4096, detectable: true });
      const hb = require0(path, 4096, 16);
      regions.push({ name: 'first record header', start: 4096, end: 4112, detectable: true });
      void hb;
    } else {
      const h = disk_dump_header.read(require0(path, 0, disk_dump_header.size));
      regions.push({ name: 'kdump header', start: 0, end: disk_dump_header.size, detectable: true });
      regions.push({ name: 'sub-header', start: bs, end: bs + kdump_sub_header.size, detectable: true });
      const sub = kdump_sub_header.read(require0(path, bs, kdump_sub_header.size));
      if (sub.offset_vmcoreinfo) {
        regions.push({ name: 'VMCOREINFO', start: sub.offset_vmcoreinfo, end: sub.offset_vmcoreinfo + sub.size_vmcoreinfo, detectable: false });
      }
      const half = Math.floor(h.bitmap_blocks / 2) * bs;
      regions.push({ name: '1st bitmap', start: d.bitmap1Off, end: d.bitmap1Off + d.bitmapBytes, detectable: true, bitsOnly: true });
      regions.push({ name: '2nd bitmap', start: d.bitmap1Off + half, end: d.bitmap1Off + half + d.bitmapBytes, detectable: true, bitsOnly: true });
      regions.push({ name: 'page descriptors', start: d.descOff, end: d.descOff + d.present * page_desc.size, detectable: true });
    }
    pageBytes = (pfn) => {
      if (!d.hasPage(pfn)) return undefined;
      const idx = d.rankOf(pfn);
      const chunk: Buffer = d.descChunk(Math.floor(idx / 256));
      const pd = page_desc.read(chunk, (idx % 256) * page_desc.size);
      if (flat) return undefined; // offsets are of the rearranged file
      return { start: pd.offset, end: pd.offset + pd.size, zlib: (pd.flags & 1) !== 0 };
    };
  }
  // Pages that hold what opening and the views read: BTF, kallsyms, sockets, the netns list.
  const pagesOf = (name: string, a: bigint | undefined, len = 1) => {
    if (a === undefined) return;
    for (let off = 0; off < len; off += Math.max(4096, Math.floor(len / 8))) {
      try {
        const p = pageBytes(Math.floor(k.mem.phys(a + BigInt(off)) / 4096));
        if (p) regions.push({ name, start: p.start, end: p.end, detectable: p.zlib });
      } catch {
        // not in the dump
      }
    }
  };
  const sym = (n: string) => k.symbols.lookup(n);
  const btfStart = sym('__start_BTF');
  const btfStop = sym('__stop_BTF');
  if (btfStart !== undefined && btfStop !== undefined) pagesOf('BTF page', btfStart, Number(btfStop - btfStart));
  pagesOf('kallsyms_names page', sym('kallsyms_names'), 200_000);
  pagesOf('kallsyms_token_table page', sym('kallsyms_token_table'));
  pagesOf('kallsyms_offsets page', sym('kallsyms_offsets'), 100_000);
  pagesOf('init_net page', sym('init_net'), 4096);
  const socks = s.tables.sockets('tcp').rows.slice(0, 12);
  for (const r of socks) pagesOf('socket page', r.sock);
  const files = new Set<number>();
  for (const r of s.tables.sockets('udp').rows.slice(0, 6)) pagesOf('socket page', r.sock);
  void files;
  // Random page data across the file.
  regions.push({ name: 'anywhere', start: 0, end: d.reader.size, detectable: false });
  s.close();
  d.close();
  return { fixture, path, size: d.reader.size, format: d.description, regions };
}

import { openSync, readSync, closeSync } from 'node:fs';
function require0(path: string, off: number, len: number): Buffer {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(len);
  readSync(fd, b, 0, len, off);
  closeSync(fd);
  return b;
}
