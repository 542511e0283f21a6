// A page decoder compiled to WebAssembly (src/dump/wasm/): its module instantiated synchronously
// from the bytes a generated TS module holds, the compressed bytes copied in, the page decoded
// in the module's memory and copied out. inflate.ts (zlib) and zstd-page.ts use it.

// The little of the WebAssembly API used here (tsconfig's lib has no WebAssembly types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmPageExports {
  memory: WasmMemory;
  __heap_base: { value: number };
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: WasmPageExports };
}

const WASM_PAGE = 65536;

/** The module of `base64`'s bytes, instantiated; throws without WebAssembly (or wasm SIMD). */
export function instantiate<X extends WasmPageExports>(base64: string): X {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('no WebAssembly');
  return new api.Instance(new api.Module(Buffer.from(base64, 'base64')), {}).exports as X;
}

/** `decode(inPtr, inLen, outPtr, outLen)` answers 0 only for a clean page of exactly outLen bytes. */
export type DecodeFn = (inPtr: number, inLen: number, outPtr: number, outLen: number) => number;

/** The decoder: compressed bytes at inPtr, the page at outPtr, both areas grown on demand. */
export class WasmPageDecoder {
  private readonly x: WasmPageExports;
  private readonly fn: DecodeFn;
  private readonly inPtr: number;
  private inCap = 0;
  private outPtr = 0;
  private outCap = 0;
  private mem!: Uint8Array;
  private outView!: Uint8Array; // outPtr .. outPtr + outView.length: the last page size asked

  constructor(x: WasmPageExports, fn: DecodeFn) {
    this.x = x;
    this.fn = fn;
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

  /** Decode `data` into `out`; false (`out` untouched) unless the page is clean. */
  decode(data: Uint8Array, out: Uint8Array): boolean {
    if (data.length > this.inCap || out.length > this.outCap) this.reserve(data.length, out.length);
    if (this.outView.length !== out.length) this.outView = new Uint8Array(this.x.memory.buffer, this.outPtr, out.length);
    this.mem.set(data, this.inPtr);
    if (this.fn(this.inPtr, data.length, this.outPtr, out.length) !== 0) return false;
    out.set(this.outView);
    return true;
  }

  /** decode() of the `len` bytes at `src[at]` into `out[outAt, outAt + outLen)`: no view of
   *  either made per call but the input's (a run of pages read at once, kdump.ts). */
  decodeAt(src: Uint8Array, at: number, len: number, out: Uint8Array, outAt: number, outLen: number): boolean {
    if (len > this.inCap || outLen > this.outCap) this.reserve(len, outLen);
    if (this.outView.length !== outLen) this.outView = new Uint8Array(this.x.memory.buffer, this.outPtr, outLen);
    this.mem.set(src.subarray(at, at + len), this.inPtr);
    if (this.fn(this.inPtr, len, this.outPtr, outLen) !== 0) return false;
    out.set(this.outView, outAt);
    return true;
  }

  /** `data` copied where the compressed bytes go; its address (for a module's other exports). */
  place(data: Uint8Array): number {
    if (data.length > this.inCap) this.reserve(data.length, this.outView.length);
    this.mem.set(data, this.inPtr);
    return this.inPtr;
  }
}
