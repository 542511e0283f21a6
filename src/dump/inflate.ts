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
import { type DecodeFn, type WasmPageExports, WasmPageDecoder, instantiate } from './wasm-page.js';

// --- libdeflate in WebAssembly -----------------------------------------------------------

interface InflateExports extends WasmPageExports {
  inflate_page: DecodeFn;
  adler32(ptr: number, len: number): number;
}

let wasm: WasmPageDecoder | null | undefined;
let adler: ((ptr: number, len: number) => number) | undefined;

function wasmInflater(): WasmPageDecoder | null {
  if (wasm !== undefined) return wasm;
  try {
    const x = instantiate<InflateExports>(INFLATE_PAGE_WASM_BASE64);
    wasm = new WasmPageDecoder(x, x.inflate_page);
    adler = x.adler32;
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
  const w = wasmInflater();
  return w ? adler!(w.place(data), data.length) >>> 0 : undefined;
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
    if (!w.decodeAt(src, at, len, out, outAt, outLen)) return false;
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
      if (w.decode(data, out)) {
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
