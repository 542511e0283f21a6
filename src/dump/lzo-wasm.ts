// lzo pages through wasm/lzo1x.c: the JavaScript decoder (lzo1x.ts) compiled ahead. Opening a
// dump decodes its first hundreds of pages before V8 has optimized lzo1xDecompressInto, ~300 µs
// a page in its interpreter (bullseye-5.10: the kallsyms search and the BTF, ~1,500 lzo pages).
// It answers with the bytes decoded or "not clean": a page it refuses goes to the JavaScript
// decoder, which decides and says what is wrong, as before.

import { LZO1X_WASM_BASE64 } from './wasm/lzo1x-wasm.js';

// The little of the WebAssembly API used here (tsconfig's lib has no WebAssembly types).
interface WasmExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
  lzo1x_decompress(inPtr: number, inLen: number, outPtr: number, maxOut: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: WasmExports };
}

const WASM_PAGE = 65536;

class WasmLzo {
  private readonly inPtr: number;
  private inCap = 0;
  private outPtr = 0;
  private outCap = 0;
  private mem!: Uint8Array;

  constructor(private readonly x: WasmExports) {
    this.inPtr = (x.__heap_base.value + 15) & ~15;
    this.reserve(3 * 4096, 4096);
  }

  /** Room for `inLen` compressed bytes and `outLen` decoded ones (the view renewed on growth). */
  private reserve(inLen: number, outLen: number): void {
    this.inCap = Math.max(this.inCap, (inLen + 15) & ~15);
    this.outCap = Math.max(this.outCap, outLen);
    this.outPtr = this.inPtr + this.inCap;
    const end = this.outPtr + this.outCap;
    const have = this.x.memory.buffer.byteLength;
    if (end > have) this.x.memory.grow(Math.ceil((end - have) / WASM_PAGE));
    this.mem = new Uint8Array(this.x.memory.buffer);
  }

  /** Decode `src` into `out`; the bytes decoded, or -1 (`out` untouched) unless it is clean. */
  decode(src: Uint8Array, out: Uint8Array): number {
    if (src.length > this.inCap || out.length > this.outCap) this.reserve(src.length, out.length);
    this.mem.set(src, this.inPtr);
    const n = this.x.lzo1x_decompress(this.inPtr, src.length, this.outPtr, out.length);
    if (n < 0) return -1;
    out.set(this.mem.subarray(this.outPtr, this.outPtr + n));
    return n;
  }
}

let wasm: WasmLzo | null | undefined;

function wasmLzo(): WasmLzo | null {
  if (wasm !== undefined) return wasm;
  try {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!api) throw new Error('no WebAssembly');
    wasm = new WasmLzo(new api.Instance(new api.Module(Buffer.from(LZO1X_WASM_BASE64, 'base64')), {}).exports);
  } catch {
    wasm = null; // the JavaScript decoder does every page
  }
  return wasm;
}

/** Which decoder takes an lzo page first; tests switch it. */
export function lzoDecoder(use?: 'wasm' | 'js'): 'wasm' | 'js' {
  if (use === 'js') wasm = null;
  else if (use === 'wasm' && wasm === null) wasm = undefined;
  return wasmLzo() ? 'wasm' : 'js';
}

/** Pages decoded by the wasm decoder since start (tests check clean pages never need the other). */
export const lzoCounts = { wasm: 0 };

/** The clean LZO1X stream `src` into `out`: the bytes decoded, or -1 (`out` untouched) without
 *  the wasm decoder or for a stream it does not call clean (the JavaScript decoder decides). */
export function wasmLzoInto(src: Uint8Array, out: Uint8Array): number {
  const w = wasm === undefined ? wasmLzo() : wasm;
  if (!w) return -1;
  let n: number;
  try {
    n = w.decode(src, out);
  } catch {
    wasm = null; // a trap would be a bug in the decoder: the JavaScript one decides from now on
    return -1;
  }
  if (n >= 0) lzoCounts.wasm++;
  return n;
}
