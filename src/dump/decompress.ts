// Page decompressors for the kdump-compressed format, selected by page_desc.flags
// (makedumpfile diskdump_mod.h DUMP_DH_COMPRESSED_*). Each returns exactly one page or throws.

import type * as Zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';
import snappy from 'snappyjs';
import {
  DUMP_DH_COMPRESSED_LZO,
  DUMP_DH_COMPRESSED_SNAPPY,
  DUMP_DH_COMPRESSED_ZLIB,
  DUMP_DH_COMPRESSED_ZSTD,
} from './kdump-layout.js';
import { builtin } from './builtin.js';
import { lzo1xDecompressInto } from './lzo1x.js';
import { wasmLzoInto } from './lzo-wasm.js';
import { inflatePageInto } from './inflate.js';

/** Decoded pages are cut from 512 KiB slabs: one ArrayBuffer per 128 pages instead of one per
 *  page (fewer native allocations, and far less external memory for the GC to track). The
 *  cache gives an evicted page back (recyclePage) and newPage() decodes into it again: once
 *  the cache is full, no new slab is cut.
 *
 *  Why 512 KiB and not 256: glibc serves an allocation from its own mmap() only above its mmap
 *  threshold, which starts at 128 KiB and rises to the size of the largest mapped chunk freed
 *  (Node frees its ~380 KiB bundle chunk sources early on). 256 KiB slabs then came from the
 *  brk heap, whose freed middle is never given back, so every slab the GC freed stayed in the
 *  RSS: the 20,000-socket `-at` peaked at 165-178 MB; 512 KiB slabs are mapped and unmapped
 *  each, 160-163 MB (the same run with MALLOC_MMAP_THRESHOLD_=262144 and 256 KiB: 162). */
export const SLAB_PAGES = 128;
let slab: Buffer | undefined;
let slabAt = 0;
const slabs = new WeakSet<ArrayBufferLike>();

/** Where decoded pages go instead of slabs, when set (the prefetch worker decodes straight
 *  into its shared slot; this module's state is per thread). */
let pageTarget: Buffer | undefined;

export function decodeInto(target: Buffer | undefined): void {
  pageTarget = target;
}

/** Slab pages the page cache has evicted and no caller may still read (page-cache.ts):
 *  decoded into again before new slabs are cut. A 20,000-socket walk otherwise cuts a fresh
 *  slab every 128 pages and leaves the GC ~75 MB of dead slabs to find (peak RSS 178 MB). */
const free: Buffer[] = [];

/** Hand back a page cut from a slab for newPage() to overwrite. */
export function recyclePage(page: Buffer): void {
  if (slabs.has(page.buffer)) free.push(page);
}

export function newPage(pageSize: number): Buffer {
  if (pageTarget !== undefined && pageTarget.length === pageSize) return pageTarget;
  const reused = free.pop();
  if (reused !== undefined && reused.length === pageSize) return reused;
  if (slab === undefined || slabAt + pageSize > slab.length) {
    slab = Buffer.allocUnsafeSlow(pageSize * SLAB_PAGES);
    slabs.add(slab.buffer);
    slabAt = 0;
  }
  const p = slab.subarray(slabAt, slabAt + pageSize);
  slabAt += pageSize;
  return p;
}

// Node >= 22.15 has a native zstd; Node 20 does not, so fall back to fzstd (pure JS). Looked
// up on the first zstd page (or prepareDecoders()): node:zlib is not loaded for other dumps.
type NativeZstd = ((b: Buffer) => Buffer) | undefined;
let nativeZstdFn: NativeZstd | null = null;
function nativeZstd(): NativeZstd {
  if (nativeZstdFn === null) {
    nativeZstdFn = (builtin<typeof Zlib>('node:zlib') as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
  }
  return nativeZstdFn;
}

/** zstd in WebAssembly (~14 µs a page against fzstd's ~50): usable once prepareDecoders()
 *  has run, since WebAssembly modules load asynchronously. Until then, fzstd. */
let wasmZstd: ((data: Uint8Array) => Uint8Array) | undefined;

/** Load the faster decoders that need an async start; opening a dump works without them. */
export async function prepareDecoders(): Promise<void> {
  if (wasmZstd || nativeZstd()) return;
  try {
    const m = await import('@bokuweb/zstd-wasm');
    await m.init();
    wasmZstd = m.decompress;
  } catch {
    // fzstd stays in charge
  }
}

export function zstdDecompress(data: Buffer, pageSize: number): Buffer {
  const native = nativeZstd();
  if (native) return native(data);
  checkZstdFrame(data, pageSize);
  // fzstd: no output buffer: it compares it with `== 1`, which stringifies a 4 KiB array
  // (4-5x slower); without one it allocates exactly the frame content size.
  let u8: Uint8Array | undefined;
  if (wasmZstd) {
    try {
      u8 = wasmZstd(data);
    } catch {
      // e.g. a frame without a content size: fzstd decodes those too
    }
  }
  u8 ??= fzstdDecompress(data);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** Refuse a frame whose header announces far more than a page (a damaged page could make
 *  fzstd allocate up to 2 GiB). Frame header per RFC 8878 section 3.1.1.1. */
function checkZstdFrame(d: Buffer, pageSize: number): void {
  if (d.length < 6 || d.readUInt32LE(0) !== 0xfd2fb528) throw new Error('not a zstd frame');
  const fhd = d[4]!; // Frame_Header_Descriptor
  const singleSegment = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  let pos = 5;
  let window = 0;
  if (!singleSegment) {
    const wd = d[pos++]!; // Window_Descriptor: exponent and mantissa
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  }
  pos += dictBytes;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  let fcs = -1;
  if (fcsBytes) {
    if (pos + fcsBytes > d.length) throw new Error('zstd frame header cut short');
    fcs = fcsBytes === 1 ? d[pos]! : fcsBytes === 2 ? d.readUInt16LE(pos) + 256 : fcsBytes === 4 ? d.readUInt32LE(pos) : Number(d.readBigUInt64LE(pos));
  }
  // fzstd allocates the content size when the header gives one, else the window size.
  if (fcs > pageSize) throw new Error(`zstd frame announces ${fcs} bytes for a ${pageSize}-byte page`);
  if (fcs < 0 && window > 8 << 20) throw new Error(`zstd frame wants a ${window}-byte window for a ${pageSize}-byte page`);
}

/** Name of the method behind a page_desc.flags / disk_dump_header.status value. */
export function compressionName(flags: number): string {
  if (flags & DUMP_DH_COMPRESSED_ZLIB) return 'zlib';
  if (flags & DUMP_DH_COMPRESSED_LZO) return 'lzo';
  if (flags & DUMP_DH_COMPRESSED_SNAPPY) return 'snappy';
  if (flags & DUMP_DH_COMPRESSED_ZSTD) return 'zstd';
  return 'uncompressed';
}

/** Decode one stored page. Throws an Error describing what went wrong. */
export function decodePage(flags: number, data: Buffer, pageSize: number): Buffer {
  let page: Buffer;
  if (flags & DUMP_DH_COMPRESSED_ZLIB) {
    // makedumpfile uses compress2(): a zlib-wrapped deflate stream
    page = newPage(pageSize);
    inflatePageInto(data, page);
  } else if (flags & DUMP_DH_COMPRESSED_LZO) {
    // into a slab page (or the caller's buffer: decodeInto), not a fresh ArrayBuffer a page
    const into = newPage(pageSize);
    // compiled code first (lzo-wasm.ts); a page it refuses, the JavaScript decoder decides on
    let n = wasmLzoInto(data, into);
    if (n < 0) n = lzo1xDecompressInto(data, into);
    page = n === pageSize ? into : into.subarray(0, n);
  } else if (flags & DUMP_DH_COMPRESSED_SNAPPY) {
    const u8 = snappy.uncompress(data, pageSize);
    page = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
  } else if (flags & DUMP_DH_COMPRESSED_ZSTD) {
    page = zstdDecompress(data, pageSize);
  } else {
    if (data.length !== pageSize) throw new Error(`uncompressed page of ${data.length} bytes, expected ${pageSize}`);
    return data;
  }
  if (page.length !== pageSize) {
    throw new Error(`${compressionName(flags)} gave ${page.length} bytes, expected a ${pageSize}-byte page`);
  }
  return page;
}
