// zstd pages (makedumpfile -z: ZSTD_compress() of one page, one frame per page).
//
// First choice: zstd's own decompressor compiled to WebAssembly (src/dump/wasm/zstd-page.c),
// loaded synchronously on first use and decoding straight into the page's buffer: on the 6.12
// fixture's pages (bench/zstd.mjs, a hot loop) 9.3 µs of CPU a page, copies in and out
// included, against ~14 for the @bokuweb/zstd-wasm package it replaces (which loaded
// asynchronously: ~14 ms before a zstd dump could open) and 45 for fzstd. It answers
// only "clean" or "not clean": anything not clean goes on to the fallback below, which decides,
// so a damaged page gives the same verdict and message as before.
//
// Fallback: Node's zlib.zstdDecompressSync on Node >= 22.15, else fzstd (pure JS), after a
// look at the frame header so that a damaged page cannot make it allocate gigabytes.

import type * as Zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';
import { builtin } from './builtin.js';
import { ZSTD_PAGE_WASM_BASE64 } from './wasm/zstd-page-wasm.js';
import { type DecodeFn, type WasmPageExports, WasmPageDecoder, instantiate } from './wasm-page.js';

// --- zstd in WebAssembly -------------------------------------------------------------------

let wasm: WasmPageDecoder | null | undefined;

function wasmZstd(): WasmPageDecoder | null {
  if (wasm !== undefined) return wasm;
  try {
    const x = instantiate<WasmPageExports & { decompress_page: DecodeFn }>(ZSTD_PAGE_WASM_BASE64);
    wasm = new WasmPageDecoder(x, x.decompress_page);
  } catch {
    wasm = null; // e.g. a Node without wasm SIMD: the fallback does every page
  }
  return wasm;
}

/** Which decoder takes a page first; tests and bench/zstd.mjs switch it. */
export function zstdDecoder(use?: 'zstd-wasm' | 'fallback'): 'zstd-wasm' | 'fallback' {
  if (use === 'fallback') wasm = null;
  else if (use === 'zstd-wasm' && wasm === null) wasm = undefined;
  return wasmZstd() ? 'zstd-wasm' : 'fallback';
}

/** Pages decoded by each path since start (tests check that clean pages never need the fallback). */
export const zstdCounts = { wasm: 0, fallback: 0 };

// --- the fallback ----------------------------------------------------------------------------

// Node >= 22.15 has a native zstd; Node 20 does not. Looked up on the first page the wasm
// decoder does not take: node:zlib is not loaded otherwise.
type NativeZstd = ((b: Buffer) => Buffer) | undefined;
let nativeZstdFn: NativeZstd | null = null;
function nativeZstd(): NativeZstd {
  if (nativeZstdFn === null) {
    nativeZstdFn = (builtin<typeof Zlib>('node:zlib') as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
  }
  return nativeZstdFn;
}

/** One zstd page by the fallback alone: its bytes, of whatever length the frame gives. */
export function zstdDecompress(data: Buffer, pageSize: number): Buffer {
  const native = nativeZstd();
  if (native) return native(data);
  checkZstdFrame(data, pageSize);
  // fzstd: no output buffer: it compares it with `== 1`, which stringifies a 4 KiB array
  // (4-5x slower); without one it allocates exactly the frame content size.
  const u8 = fzstdDecompress(data);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * The clean zstd page at `src[at, at + len)` into `out[outAt, outAt + outLen)` by the wasm
 * decoder alone: false (`out` untouched) without it or for a page it does not call clean, which
 * zstdPageInto() then decides on (KdumpDump.readPagesInto: pages from one read of their data).
 */
export function wasmZstdAt(src: Uint8Array, at: number, len: number, out: Uint8Array, outAt: number, outLen: number): boolean {
  const w = wasm === undefined ? wasmZstd() : wasm;
  if (!w) return false;
  try {
    if (!w.decodeAt(src, at, len, out, outAt, outLen)) return false;
  } catch {
    wasm = null; // as zstdPageInto: the fallback decides from now on
    return false;
  }
  zstdCounts.wasm++;
  return true;
}

/**
 * The zstd page of `data` into `out` (exactly out.length bytes) and `out` returned; or, where
 * the wasm decoder does not call it clean, what the fallback makes of it (a buffer of its own,
 * maybe of another length: the caller checks) or its error.
 */
export function zstdPageInto(data: Buffer, out: Buffer): Buffer {
  const w = wasm === undefined ? wasmZstd() : wasm;
  if (w) {
    try {
      if (w.decode(data, out)) {
        zstdCounts.wasm++;
        return out;
      }
    } catch {
      wasm = null; // a trap would be a bug in the decoder: the fallback decides from now on
    }
  }
  zstdCounts.fallback++;
  const page = zstdDecompress(data, out.length);
  if (page.length !== out.length) return page;
  page.copy(out); // (`out` is the caller's: a slab page, a worker slot)
  return out;
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
