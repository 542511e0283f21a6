// Page decompressors for the kdump-compressed format, selected by page_desc.flags
// (makedumpfile diskdump_mod.h DUMP_DH_COMPRESSED_*). Each returns exactly one page or throws.

import snappy from 'snappyjs';
import {
  DUMP_DH_COMPRESSED_LZO,
  DUMP_DH_COMPRESSED_SNAPPY,
  DUMP_DH_COMPRESSED_ZLIB,
  DUMP_DH_COMPRESSED_ZSTD,
} from './kdump-layout.js';
import { lzo1xDecompressInto } from './lzo1x.js';
import { wasmLzoInto } from './lzo-wasm.js';
import { inflatePageInto } from './inflate.js';
import { zstdPageInto } from './zstd.js';

export { zstdDecompress } from './zstd.js';

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
    page = zstdPageInto(data, newPage(pageSize));
  } else {
    if (data.length !== pageSize) throw new Error(`uncompressed page of ${data.length} bytes, expected ${pageSize}`);
    return data;
  }
  if (page.length !== pageSize) {
    throw new Error(`${compressionName(flags)} gave ${page.length} bytes, expected a ${pageSize}-byte page`);
  }
  return page;
}
