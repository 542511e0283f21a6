// zlib pages (makedumpfile compress2(): a zlib-wrapped deflate stream, one per page).
//
// First choice: libdeflate's decompressor compiled to WebAssembly (src/dump/wasm/), loaded
// synchronously on first use. On 5,000 pages of the 10,000-socket dump (bench/inflate.mjs,
// a hot loop): 6.3 µs of CPU a page, copies in and out included, against 7.9 µs for Node's
// zlib through one reused handle (below), 11-12 µs for zlib.inflateSync() and 25 µs for fflate;
// inside a real `-at` (perf, caches cold between pages) ~7 µs against ~12. It checks the
// Adler-32 trailer and answers only "clean" or "not clean": anything not clean goes on to
// Node's zlib, which decides, so a damaged page gives the same verdict and message as before.
//
// Second: one reused Node inflate context. zlib.inflateSync() builds a new Zlib handle (and
// its 7 KiB + 32 KiB of state) for every call, which for a 4 KiB page costs more than the
// inflate itself. Node has no public reusable synchronous inflate, so this drives the handle
// of one zlib.Inflate object the way zlib.inflateSync() does internally (writeSync into our
// buffer, then reset()); where those internals are missing or the page is damaged,
// inflateSync() decodes it instead and gives the error message.

import type * as Zlib from 'node:zlib';
import { lazyBuiltin } from './builtin.js';
import { INFLATE_PAGE_WASM_BASE64 } from './wasm/inflate-page-wasm.js';

// --- libdeflate in WebAssembly -----------------------------------------------------------

// The little of the WebAssembly API used here (tsconfig's lib has no WebAssembly types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmExports {
  memory: WasmMemory;
  __heap_base: { value: number };
  inflate_page(inPtr: number, inLen: number, outPtr: number, outLen: number): number;
  adler32(ptr: number, len: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: WasmExports };
}

const WASM_PAGE = 65536;

/** The wasm decoder: compressed bytes at inPtr, the page at outPtr, both areas grown on demand. */
class WasmInflater {
  private readonly x: WasmExports;
  private readonly inPtr: number;
  private inCap = 0;
  private outPtr = 0;
  private outCap = 0;
  private mem!: Uint8Array;
  private outView!: Uint8Array; // outPtr .. outPtr + outView.length: the last page size asked

  constructor(x: WasmExports) {
    this.x = x;
    this.inPtr = (x.__heap_base.value + 15) & ~15;
    this.reserve(3 * 4096, 4096);
  }

  /** Room for `inLen` compressed bytes and an `outLen`-byte page (views renewed on growth). */
  private reserve(inLen: number, outLen: number): void {
    const inCap = Math.max(this.inCap, (inLen + 15) & ~15);
    const outCap = Math.max(this.outCap, outLen);
    const end = this.inPtr + inCap + outCap;
    const have = this.x.memory.buffer.byteLength;
    if (end > have) this.x.memory.grow(Math.ceil((end - have) / WASM_PAGE));
    this.inCap = inCap;
    this.outCap = outCap;
    this.outPtr = this.inPtr + inCap;
    this.mem = new Uint8Array(this.x.memory.buffer);
    this.outView = new Uint8Array(this.x.memory.buffer, this.outPtr, outLen);
  }

  /** Decode `data` into `out`; false (`out` untouched) unless the stream is clean. */
  inflate(data: Uint8Array, out: Uint8Array): boolean {
    if (data.length > this.inCap || out.length > this.outCap) this.reserve(data.length, out.length);
    if (this.outView.length !== out.length) this.outView = new Uint8Array(this.x.memory.buffer, this.outPtr, out.length);
    this.mem.set(data, this.inPtr);
    if (this.x.inflate_page(this.inPtr, data.length, this.outPtr, out.length) !== 0) return false;
    out.set(this.outView);
    return true;
  }

  /** inflate() of the `len` bytes at `src[at]` into `out[outAt, outAt + outLen)`: no view of
   *  either made per call but the input's (a run of pages read at once, kdump.ts). */
  inflateAt(src: Uint8Array, at: number, len: number, out: Uint8Array, outAt: number, outLen: number): boolean {
    if (len > this.inCap || outLen > this.outCap) this.reserve(len, outLen);
    if (this.outView.length !== outLen) this.outView = new Uint8Array(this.x.memory.buffer, this.outPtr, outLen);
    this.mem.set(src.subarray(at, at + len), this.inPtr);
    if (this.x.inflate_page(this.inPtr, len, this.outPtr, outLen) !== 0) return false;
    out.set(this.outView, outAt);
    return true;
  }

  /** Adler-32 as the wasm module computes it (for tests). */
  adler32(data: Uint8Array): number {
    if (data.length > this.inCap) this.reserve(data.length, this.outView.length);
    this.mem.set(data, this.inPtr);
    return this.x.adler32(this.inPtr, data.length) >>> 0;
  }
}

let wasm: WasmInflater | null | undefined;

function wasmInflater(): WasmInflater | null {
  if (wasm !== undefined) return wasm;
  try {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!api) throw new Error('no WebAssembly');
    const module = new api.Module(Buffer.from(INFLATE_PAGE_WASM_BASE64, 'base64'));
    wasm = new WasmInflater(new api.Instance(module, {}).exports);
  } catch {
    wasm = null; // e.g. a Node without wasm SIMD: Node's zlib does every page
  }
  return wasm;
}

/** Which decoder takes a page first; tests and bench/inflate.mjs switch it. */
export function zlibDecoder(use?: 'libdeflate-wasm' | 'node-zlib'): 'libdeflate-wasm' | 'node-zlib' {
  if (use === 'node-zlib') wasm = null;
  else if (use === 'libdeflate-wasm' && wasm === null) wasm = undefined;
  return wasmInflater() ? 'libdeflate-wasm' : 'node-zlib';
}

/** Adler-32 by the wasm module, or undefined without it (tests check it against zlib's). */
export function wasmAdler32(data: Uint8Array): number | undefined {
  return wasmInflater()?.adler32(data);
}

// --- Node's zlib, one reused handle --------------------------------------------------------

interface ZlibHandle {
  reset(): void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
}
interface InflateInternals {
  _handle: ZlibHandle | null;
  _writeState: Uint32Array; // [avail_out, avail_in] after writeSync
  destroyed: boolean;
}

// loaded on the first page the wasm inflater does not decode (src/dump/builtin.ts)
const zlib = lazyBuiltin<typeof Zlib>('node:zlib');
let ctx: InflateInternals | undefined;
let usable = true;

function context(): InflateInternals | undefined {
  if (!usable) return undefined;
  if (ctx && !ctx.destroyed && ctx._handle) return ctx;
  const z = zlib().createInflate() as unknown as InflateInternals & Zlib.Inflate;
  // A damaged stream destroys the object and emits 'error' on the next tick: keep it quiet,
  // the fallback below throws the same error synchronously.
  z.on('error', () => {});
  if (!z._handle || typeof z._handle.writeSync !== 'function' || !(z._writeState instanceof Uint32Array)) {
    usable = false;
    return undefined;
  }
  ctx = z;
  return ctx;
}

/** Pages decoded by each path since start (tests check that clean pages never need zlib). */
export const inflateCounts = { wasm: 0, zlib: 0 };

/**
 * The clean zlib stream at `src[at, at + len)` into `out[outAt, outAt + outLen)` by the wasm
 * decoder alone: false (`out` untouched) without it or for a stream it does not call clean,
 * which inflatePageInto() then decides on. For pages decoded one after another from one read
 * of their data (KdumpDump.readPagesInto): no Buffer made per page.
 */
export function wasmInflateAt(src: Uint8Array, at: number, len: number, out: Uint8Array, outAt: number, outLen: number): boolean {
  const w = wasm === undefined ? wasmInflater() : wasm;
  if (!w) return false;
  try {
    if (!w.inflateAt(src, at, len, out, outAt, outLen)) return false;
  } catch {
    wasm = null; // as inflatePageInto: Node's zlib decides from now on
    return false;
  }
  inflateCounts.wasm++;
  return true;
}

/** Inflate one zlib stream of exactly `out.length` bytes into `out`; throws on anything else. */
export function inflatePageInto(data: Uint8Array, out: Buffer): void {
  const w = wasm === undefined ? wasmInflater() : wasm;
  if (w) {
    try {
      if (w.inflate(data, out)) {
        inflateCounts.wasm++;
        return;
      }
    } catch {
      wasm = null; // a trap would be a bug in the decoder: Node's zlib decides from now on
    }
  }
  inflateCounts.zlib++;
  const z = context();
  if (z) {
    const h = z._handle!;
    h.reset();
    h.writeSync(zlib().constants.Z_FINISH, data, 0, data.length, out, 0, out.length);
    // Clean: the output filled exactly and all input consumed (the Adler-32 trailer included).
    if (!z.destroyed && z._writeState[0] === 0 && z._writeState[1] === 0) return;
  }
  const page = zlib().inflateSync(data, { chunkSize: out.length, maxOutputLength: out.length });
  if (page.length !== out.length) throw new Error(`zlib gave ${page.length} bytes, expected a ${out.length}-byte page`);
  page.copy(out);
}
