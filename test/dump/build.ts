// Builders of small synthetic dump files for the parser tests: ELF cores, kdump-compressed
// files and their flattened wrapping, laid out as makedumpfile / the kernel / QEMU write them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import snappy from 'snappyjs';
import { afterAll } from 'vitest';

export const PAGE = 4096;

let tmpDir: string | undefined;
let tmpCount = 0;

// Each test file gets its own copy of this module: remove its folder when the file is done.
if (process.env.VITEST) afterAll(() => {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
});

/** Write `data` to a fresh file in this test file's temporary folder. */
export function tmpFile(name: string, data: Buffer): string {
  if (!tmpDir) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xportshow-dump-'));
    tmpDir = dir;
  }
  const p = path.join(tmpDir, `${tmpCount++}-${name}`);
  fs.writeFileSync(p, data);
  return p;
}

/** A recognisable page: every 8 bytes hold (pfn, index) so a wrong page is obvious. */
export function patternPage(pfn: number, size = PAGE): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 8) {
    b.writeUInt32LE(pfn, i);
    b.writeUInt32LE(i / 8, i + 4);
  }
  return b;
}

export interface NoteSpec {
  name: string;
  type: number;
  desc: Buffer;
}

const pad4 = (n: number): number => (n + 3) & ~3;

export function buildNotes(notes: NoteSpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const n of notes) {
    const name = Buffer.from(n.name + '\0', 'latin1');
    const h = Buffer.alloc(12);
    h.writeUInt32LE(name.length, 0);
    h.writeUInt32LE(n.desc.length, 4);
    h.writeUInt32LE(n.type, 8);
    parts.push(h, name, Buffer.alloc(pad4(name.length) - name.length), n.desc, Buffer.alloc(pad4(n.desc.length) - n.desc.length));
  }
  return Buffer.concat(parts);
}

export function vmcoreinfoNote(text: string): NoteSpec {
  return { name: 'VMCOREINFO', type: 0, desc: Buffer.from(text, 'latin1') };
}

export interface ElfSegmentSpec {
  paddr: number;
  data: Buffer; // file bytes (p_filesz = data.length)
  memsz?: number; // default data.length
  vaddr?: bigint;
}

export interface ElfSpec {
  segments: ElfSegmentSpec[];
  notes?: NoteSpec[];
  eFlags?: number;
  phoff?: number; // default 64; QEMU 7.2 uses 192
  type?: number; // e_type, default ET_CORE
  machine?: number; // default EM_X86_64
  /** Use e_phnum = PN_XNUM with the count in section header 0 (as for > 65534 segments). */
  xnum?: boolean;
  /** p_paddr overrides per segment index (e.g. all ones as /proc/kcore writes for non-RAM). */
  paddrRaw?: Map<number, bigint>;
}

export function buildElf(spec: ElfSpec): Buffer {
  const phoff = spec.phoff ?? 64;
  const notes = buildNotes(spec.notes ?? []);
  const phnum = spec.segments.length + 1;
  const ehdr = Buffer.alloc(Math.max(64, phoff));
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(ehdr, 0);
  ehdr.writeUInt16LE(spec.type ?? 4, 16);
  ehdr.writeUInt16LE(spec.machine ?? 62, 18);
  ehdr.writeUInt32LE(1, 20);
  ehdr.writeBigUInt64LE(BigInt(phoff), 32);
  ehdr.writeUInt32LE(spec.eFlags ?? 0, 48);
  ehdr.writeUInt16LE(64, 52);
  ehdr.writeUInt16LE(56, 54);
  ehdr.writeUInt16LE(spec.xnum ? 0xffff : phnum, 56);
  const ph = Buffer.alloc(56 * phnum);
  const shdr = Buffer.alloc(spec.xnum ? 64 : 0);
  if (spec.xnum) {
    ehdr.writeBigUInt64LE(BigInt(phoff + ph.length), 40); // e_shoff
    ehdr.writeUInt16LE(64, 58); // e_shentsize
    shdr.writeUInt32LE(phnum, 44); // sh_info = real e_phnum
  }
  let off = phoff + ph.length + shdr.length;
  const noteOff = off;
  off += notes.length;
  off = Math.ceil(off / PAGE) * PAGE;
  // PT_NOTE
  ph.writeUInt32LE(4, 0);
  ph.writeBigUInt64LE(BigInt(noteOff), 8);
  ph.writeBigUInt64LE(BigInt(notes.length), 32);
  ph.writeBigUInt64LE(BigInt(notes.length), 40);
  const body: Buffer[] = [];
  spec.segments.forEach((s, i) => {
    const o = 56 * (i + 1);
    ph.writeUInt32LE(1, o);
    ph.writeUInt32LE(7, o + 4);
    ph.writeBigUInt64LE(BigInt(off), o + 8);
    ph.writeBigUInt64LE(s.vaddr ?? 0n, o + 16);
    ph.writeBigUInt64LE(spec.paddrRaw?.get(i) ?? BigInt(s.paddr), o + 24);
    ph.writeBigUInt64LE(BigInt(s.data.length), o + 32);
    ph.writeBigUInt64LE(BigInt(s.memsz ?? s.data.length), o + 40);
    body.push(s.data);
    off += s.data.length;
  });
  const head = Buffer.concat([ehdr, ph, shdr, notes]);
  return Buffer.concat([head, Buffer.alloc(Math.ceil(head.length / PAGE) * PAGE - head.length), ...body]);
}

export type Method = 'plain' | 'zlib' | 'snappy' | 'zstd' | 'lzo';
const FLAG: Record<Method, number> = { plain: 0, zlib: 0x1, lzo: 0x2, snappy: 0x4, zstd: 0x20 };

export interface KdumpPage {
  data: Buffer; // the page as it should read back
  method: Method;
  /** Pre-compressed bytes (needed for zstd and lzo, which Node 20 cannot compress). */
  stored?: Buffer;
  /** Override the descriptor (to simulate damage): */
  descOffset?: number;
}

export interface KdumpSpec {
  maxMapnr: number;
  pages: Map<number, KdumpPage>;
  /** pfns that are RAM (1st bitmap); default: every pfn below maxMapnr. */
  ram?: (pfn: number) => boolean;
  headerVersion?: number;
  status?: number;
  vmcoreinfo?: string;
  notes?: NoteSpec[];
  release?: string;
  nodename?: string;
  nrCpus?: number;
  dumpLevel?: number;
  physBase?: bigint;
  timestamp?: number;
}

function putStr(b: Buffer, off: number, s: string): void {
  b.write(s, off, 'latin1');
}

/** A kdump-compressed file laid out as makedumpfile writes it (diskdump_mod.h, IMPLEMENTATION). */
export function buildKdump(spec: KdumpSpec): Buffer {
  const bs = PAGE;
  const v = spec.headerVersion ?? 6;
  const bitmapBytesEach = Math.ceil(Math.ceil(spec.maxMapnr / 8) / bs) * bs;
  const bitmapBlocks = (2 * bitmapBytesEach) / bs;
  const subHdrSize = 1;
  const notes = buildNotes([...(spec.vmcoreinfo !== undefined ? [vmcoreinfoNote(spec.vmcoreinfo)] : []), ...(spec.notes ?? [])]);

  const h = Buffer.alloc(bs);
  putStr(h, 0, 'KDUMP   ');
  h.writeInt32LE(v, 8);
  putStr(h, 12, 'Linux');
  putStr(h, 12 + 65, spec.nodename ?? 'testhost');
  putStr(h, 12 + 130, spec.release ?? '6.1.0-test-amd64');
  putStr(h, 12 + 195, '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0');
  putStr(h, 12 + 260, 'x86_64');
  h.writeBigInt64LE(BigInt(spec.timestamp ?? 1764000000), 408);
  h.writeUInt32LE(spec.status ?? 0x1, 424);
  h.writeInt32LE(bs, 428);
  h.writeInt32LE(subHdrSize, 432);
  h.writeUInt32LE(bitmapBlocks, 436);
  h.writeUInt32LE(Math.min(spec.maxMapnr, 0xffffffff), 440);
  h.writeInt32LE(spec.nrCpus ?? 2, 460);

  const sub = Buffer.alloc(bs * subHdrSize);
  sub.writeBigUInt64LE(spec.physBase ?? 0x1000000n, 0);
  sub.writeInt32LE(spec.dumpLevel ?? 31, 8);
  const bm1 = Buffer.alloc(bitmapBytesEach);
  const bm2 = Buffer.alloc(bitmapBytesEach);
  for (let pfn = 0; pfn < spec.maxMapnr; pfn++) {
    if (spec.ram ? spec.ram(pfn) : true) bm1[pfn >> 3]! |= 1 << (pfn & 7);
  }
  const pfns = [...spec.pages.keys()].sort((a, b) => a - b);
  for (const pfn of pfns) bm2[pfn >> 3]! |= 1 << (pfn & 7);

  const descOff = bs * (1 + subHdrSize + bitmapBlocks);
  const descs = Buffer.alloc(24 * pfns.length);
  let dataOff = descOff + descs.length;
  const vmciOff = dataOff;
  const noteOff = dataOff;
  dataOff += notes.length;
  const data: Buffer[] = [notes];
  pfns.forEach((pfn, i) => {
    const p = spec.pages.get(pfn)!;
    const stored = p.stored ?? compress(p.method, p.data);
    descs.writeBigUInt64LE(BigInt(p.descOffset ?? dataOff), 24 * i);
    descs.writeUInt32LE(stored.length, 24 * i + 8);
    descs.writeUInt32LE(FLAG[p.method], 24 * i + 12);
    data.push(stored);
    dataOff += stored.length;
  });
  if (v >= 3 && spec.vmcoreinfo !== undefined) {
    // VMCOREINFO text inside the note (makedumpfile points offset_vmcoreinfo at the desc)
    const descStart = vmciOff + 12 + pad4('VMCOREINFO\0'.length);
    sub.writeBigUInt64LE(BigInt(descStart), 32);
    sub.writeBigUInt64LE(BigInt(spec.vmcoreinfo.length), 40);
  }
  if (v >= 4 && notes.length) {
    sub.writeBigUInt64LE(BigInt(noteOff), 48);
    sub.writeBigUInt64LE(BigInt(notes.length), 56);
  }
  if (v >= 6) sub.writeBigUInt64LE(BigInt(spec.maxMapnr), 96);
  return Buffer.concat([h, sub, bm1, bm2, descs, ...data]);
}

function compress(method: Method, data: Buffer): Buffer {
  switch (method) {
    case 'plain':
      return data;
    case 'zlib':
      return zlib.deflateSync(data, { level: 1 });
    case 'snappy':
      return Buffer.from(snappy.compress(data));
    default:
      throw new Error(`${method}: pass pre-compressed bytes in 'stored'`);
  }
}

/** Wrap a file in makedumpfile's flattened format: records of `chunk` bytes written in a
 *  scrambled order, plus (optionally) an early bogus copy of the header that a later record
 *  overwrites, as makedumpfile does when it rewrites its header at the end. */
export function flatten(file: Buffer, opts: { chunk?: number; rewriteHeader?: boolean; endMarker?: boolean } = {}): Buffer {
  const chunk = opts.chunk ?? 5000;
  const head = Buffer.alloc(4096);
  head.write('makedumpfile', 0, 'latin1');
  head.writeBigInt64BE(1n, 16);
  head.writeBigInt64BE(1n, 24);
  const recs: Buffer[] = [head];
  const rec = (offset: number, bytes: Buffer): void => {
    const rh = Buffer.alloc(16);
    rh.writeBigInt64BE(BigInt(offset), 0);
    rh.writeBigInt64BE(BigInt(bytes.length), 8);
    recs.push(rh, bytes);
  };
  if (opts.rewriteHeader) rec(0, Buffer.alloc(600, 0xee)); // garbage, overwritten below
  const pieces: number[] = [];
  for (let off = 0; off < file.length; off += chunk) pieces.push(off);
  // Interleave from both ends: not in file order, like makedumpfile's pd/data streams.
  const order: number[] = [];
  for (let i = 0, j = pieces.length - 1; i <= j; i++, j--) {
    order.push(pieces[i]!);
    if (i !== j) order.push(pieces[j]!);
  }
  for (const off of order) rec(off, file.subarray(off, Math.min(file.length, off + chunk)));
  if (opts.endMarker !== false) {
    const end = Buffer.alloc(16);
    end.writeBigInt64BE(-1n, 0);
    end.writeBigInt64BE(-1n, 8);
    recs.push(end);
  }
  return Buffer.concat(recs);
}

/** The ELF vmcore that test/dump/fixtures/mdf-* were made from by makedumpfile 1.7.2 (see
 *  fixtures/make-mdf-fixtures.sh): just enough of a kernel for makedumpfile to run — a
 *  VMCOREINFO, init_uts_ns, a page table mapping __START_KERNEL_map with a 2 MiB page, and
 *  a mem_map pointer. 64 pages: pfn 0-39 and 256-279; every 5th page is zero. */
export function mdfSourceElf(): Buffer {
  const pages: Buffer[] = [];
  for (let i = 0; i < 64; i++) pages.push(i % 5 === 4 ? Buffer.alloc(PAGE) : patternPage(i < 40 ? i : 256 + i - 40));
  const uts = Buffer.alloc(PAGE);
  ['Linux', 'mdfhost', '6.1.0-test-amd64', '#1 SMP', 'x86_64', '(none)'].forEach((s, i) => uts.write(s, i * 65));
  pages[3] = uts;
  const pgd = Buffer.alloc(PAGE);
  pgd.writeBigUInt64LE(0x6000n | 3n, 511 * 8); // pgd[511] -> pud at 0x6000
  pages[5] = pgd;
  const pud = Buffer.alloc(PAGE);
  pud.writeBigUInt64LE(0x7000n | 3n, 510 * 8); // pud[510] -> pmd at 0x7000
  pages[6] = pud;
  const pmd = Buffer.alloc(PAGE);
  pmd.writeBigUInt64LE(0x83n, 0); // 2 MiB page at phys 0
  pages[7] = pmd;
  const memMap = Buffer.alloc(PAGE);
  memMap.writeBigUInt64LE(0xffffffff80010000n, 0);
  pages[8] = memMap;
  const vmci = [
    'OSRELEASE=6.1.0-test-amd64',
    'PAGESIZE=4096',
    'SYMBOL(init_uts_ns)=ffffffff80003000',
    'SYMBOL(init_top_pgt)=ffffffff80005000',
    'NUMBER(pgtable_l5_enabled)=0',
    'KERNELOFFSET=0',
    'SYMBOL(mem_map)=ffffffff80008000',
    'SIZE(page)=64',
    'OFFSET(page.flags)=0',
    'OFFSET(page._refcount)=52',
    'OFFSET(page.mapping)=24',
    'OFFSET(page.lru)=8',
    'OFFSET(uts_namespace.name)=0',
    'NUMBER(phys_base)=0',
    'CRASHTIME=1764000000',
    '',
  ].join('\n');
  return buildElf({
    notes: [vmcoreinfoNote(vmci)],
    segments: [
      { paddr: 0, vaddr: 0xffffffff80000000n, data: Buffer.concat(pages.slice(0, 40)) },
      { paddr: 0x100000, vaddr: 0xffff888000100000n, data: Buffer.concat(pages.slice(40)) },
    ],
  });
}
