// The pass over a BTF type section that opening makes (where each type starts) and the name
// index (btf-name-index.ts) of every namespace but functions, both in WebAssembly
// (wasm/btf-scan.c): run once per session, the JavaScript loops ran cold, mostly interpreted
// before V8 optimized them (~2 ms for the scan, ~4 ms for the index, 6.1's 100,000 types),
// and the first `-at` waited for both. Opening reads the BTF from the dump straight into the
// module's memory (btfArena); a blob from elsewhere (--btf FILE) is copied there (~2 ms for
// 6.1's 4.3 MB into fresh memory, most of it the first touch of each page). Its type and string
// sections are read from there from then on.
//
// Little-endian vmlinux BTF only: a split (module) BTF or a big-endian one takes the
// JavaScript path (scanTypes, BtfNameIndex.buildFrom), as does any record the scan refuses,
// so that the error names it as before.

import { BTF_SCAN_WASM_BASE64 } from './wasm/btf-scan-wasm.js';

// The little of the WebAssembly API used here (tsconfig's lib has no WebAssembly types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface ScanExports {
  __heap_base: { value: number };
  scan(words: number, n: number, offs: number, id: number, extra: number, per: number, indexed: number, strs: number, slen: number, named: number, hashes: number, res: number): number;
  link(named: number, hashes: number, k: number, heads: number, mask: number, next: number, first: number): void;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: ScanExports };
  Memory: new (desc: { initial: number }) => WasmMemory;
}

const WASM_PAGE = 65536;

let compiled: object | null | undefined;

function wasmModule(): { api: WasmApi; module: object } | undefined {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (compiled === undefined) {
    try {
      if (!api) throw new Error('no WebAssembly');
      compiled = new api.Module(Buffer.from(BTF_SCAN_WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled && api ? { api, module: compiled } : undefined;
}

/** Whether the next scans may use the wasm module (tests compare both paths). */
export function useWasmScan(on: boolean): void {
  compiled = on ? (compiled ?? undefined) : null;
}

/** What the scan gives: the sections (views of the module's memory), where each type starts,
 *  the named ids of the indexed kinds, and their hash chains (BtfNameIndex). */
export interface ScannedTypes {
  words: Uint32Array;
  strs: Buffer;
  offs: Uint32Array;
  last: number;
  named: Uint32Array;
  heads: Int32Array;
  next: Int32Array;
}

const align16 = (n: number) => (n + 15) & ~15;
const TABLES = 96; // extra words, words per vlen item, indexed flags: 32 bytes each

/** A module instance whose memory holds a blob read into it (btfArena): scanned where it is. */
interface Arena {
  x: ScanExports;
  memory: WasmMemory;
  tables: number;
  /** The first byte after the blob: the scan's results go from there. */
  end: number;
}
const arenas = new WeakMap<ArrayBuffer, Arena>();

/**
 * A module instance over a fresh memory of at least `bytes`, made at that size: the memory is
 * imported, never grown. Growing a memory detaches its old ArrayBuffer, and V8's first detach
 * of any ArrayBuffer (its "ArrayBufferDetaching" protector) deoptimizes all optimized code that
 * reads typed arrays and makes every such read check for it from then on: bullseye's `-at`
 * (lzo pages) took 37 ms of CPU instead of 26.
 */
function instance(bytes: number): { x: ScanExports; memory: WasmMemory } | undefined {
  const m = wasmModule();
  if (!m) return undefined;
  try {
    const memory = new m.api.Memory({ initial: Math.ceil(bytes / WASM_PAGE) });
    const x = new m.api.Instance(m.module, { env: { memory } }).exports;
    return x.__heap_base.value <= LOW ? { x, memory } : undefined;
  } catch {
    return undefined;
  }
}

/** Below this the module's stack and statics (its __heap_base, ~66 KiB); our data from here. */
const LOW = 2 * WASM_PAGE;

/** Bytes of the scan's results for up to `bound` types (offs, named, hashes, two result
 *  words, hash heads, chain links), with their alignment. */
const resultBytes = (bound: number) => 4 * bound * 3 + 16 + 4 * Math.max(16, 4 * bound) + 4 * bound + 6 * 16;

/**
 * Room for a `length`-byte BTF blob in a fresh module's memory, with the scan's results after
 * it: read the blob into it and Btf.parse() scans it there, not copied (copying 4.3 MB into
 * fresh memory cost ~2 ms, most of it the first touch of each page). Undefined without
 * WebAssembly.
 */
export function btfArena(length: number): Buffer | undefined {
  const tables = LOW;
  const blobAt = tables + TABLES;
  const end = align16(blobAt + length);
  const made = instance(end + resultBytes(Math.floor(length / 12) + 2));
  if (!made) return undefined;
  const buf = made.memory.buffer;
  arenas.set(buf, { ...made, tables, end });
  return Buffer.from(buf, blobAt, length);
}

/**
 * Scan `words` (type ids from 1) and hash the names of the kinds `indexed` flags, in wasm: in
 * the arena the blob was read into, else in a fresh module's memory the sections are copied
 * to. Undefined without WebAssembly or when a record is bad (the caller's scan then says which).
 */
export function scanInWasm(words: Uint32Array, strs: Uint8Array, extra: Int8Array, per: Uint8Array, indexed: Uint8Array): ScannedTypes | undefined {
  const n = words.length;
  const bound = Math.floor(n / 3) + 2; // every type is >= 3 words
  let arena = words.buffer === strs.buffer ? arenas.get(words.buffer as ArrayBuffer) : undefined;
  let wordsAt: number, strsAt: number;
  if (arena) {
    arenas.delete(words.buffer as ArrayBuffer); // one scan per arena: its results area is used now
    wordsAt = words.byteOffset;
    strsAt = strs.byteOffset;
  } else {
    const tables = LOW;
    wordsAt = tables + TABLES;
    strsAt = align16(wordsAt + 4 * n);
    const end = align16(strsAt + strs.length);
    const made = instance(end + resultBytes(bound));
    if (!made) return undefined;
    const mem = new Uint8Array(made.memory.buffer);
    mem.set(new Uint8Array(words.buffer, words.byteOffset, 4 * n), wordsAt);
    mem.set(strs, strsAt);
    arena = { ...made, tables, end };
  }
  const { x, memory, tables } = arena;
  const mem = new Uint8Array(memory.buffer);
  mem.set(new Uint8Array(extra.buffer, extra.byteOffset, 32), tables);
  mem.set(per.subarray(0, 32), tables + 32);
  mem.set(indexed.subarray(0, 32), tables + 64);
  const offsAt = align16(arena.end);
  const namedAt = align16(offsAt + 4 * bound);
  const hashesAt = align16(namedAt + 4 * bound);
  const resAt = align16(hashesAt + 4 * bound);
  const last = x.scan(wordsAt, n, offsAt, 1, tables, tables + 32, tables + 64, strsAt, strs.length, namedAt, hashesAt, resAt) >>> 0;
  const buf = memory.buffer;
  const res = new Uint32Array(buf, resAt, 2);
  if (res[1] !== 0) return undefined;
  const k = res[0]!;
  let size = 16;
  while (size < 2 * k) size *= 2;
  const headsAt = align16(resAt + 16);
  const nextAt = align16(headsAt + 4 * size);
  // The memory was made for all of this before the scan, and is zeroed: empty chains.
  x.link(namedAt, hashesAt, k, headsAt, size - 1, nextAt, 1);
  return {
    words: new Uint32Array(buf, wordsAt, n),
    strs: Buffer.from(buf, strsAt, strs.length),
    offs: new Uint32Array(buf, offsAt, bound),
    last,
    named: new Uint32Array(buf, namedAt, k),
    heads: new Int32Array(buf, headsAt, size),
    next: new Int32Array(buf, nextAt, Math.max(1, last)),
  };
}
