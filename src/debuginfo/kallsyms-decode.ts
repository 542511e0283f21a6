// Pure kallsyms decoding (buffers in, arrays out): the token table, kallsyms_names and the four
// address schemes of kernel/kallsyms.c. Used by decodeKallsyms (kallsyms.ts), the shape search
// (kallsyms-scan.ts) and tests; reading the tables out of the dump is kallsyms.ts.

import { HI_WORD as HI, LO_WORD as LO } from './symbol-table.js';

export class KallsymsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KallsymsError';
  }
}

/** How kallsyms_offsets[i] becomes an address (kernel/kallsyms.c kallsyms_sym_address). */
export type AddressScheme =
  /** CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86-64 SMP; Debian's 5.10, 6.1 and 6.12 all have it):
   *  offset ≥ 0 is the address itself (per-CPU symbols), < 0 means relative_base - 1 - offset. */
  | 'absolute-percpu'
  /** CONFIG_KALLSYMS_BASE_RELATIVE: relative_base + (u32)offset. */
  | 'base-relative'
  /** No relative_base (said to be 7.0+; not seen in a dump yet): &kallsyms_offsets[i] + (s32)offset. */
  | 'place-relative'
  /** !CONFIG_KALLSYMS_BASE_RELATIVE (old configs; 6.12 has no such option): kallsyms_addresses[i] as is. */
  | 'absolute';

const TWO32 = 0x1_0000_0000;

// ---------------------------------------------------------------------------------------------
// Pure decoding (buffers in, arrays out): used by decodeKallsyms, the shape search and tests.

/** The 256 tokens as byte ranges of the token table: token b is table[start[b], end[b]). */
export interface Tokens {
  table: Uint8Array;
  start: Uint32Array;
  end: Uint32Array;
}

/** Read 256 u16 token starts; each token runs to its NUL. Throws if one is out of the table. */
export function parseTokens(tokenTable: Uint8Array, tokenIndex: Uint8Array): Tokens {
  if (tokenIndex.length < 512) throw new KallsymsError(`kallsyms_token_index is cut short (${tokenIndex.length} of 512 bytes)`);
  const start = new Uint32Array(256);
  const end = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    const s = tokenIndex[2 * b] | (tokenIndex[2 * b + 1] << 8);
    let e = s;
    while (e < tokenTable.length && tokenTable[e] !== 0) e++;
    if (e >= tokenTable.length) throw new KallsymsError(`kallsyms token ${b} (at +${s}) runs past the token table`);
    start[b] = s;
    end[b] = e;
  }
  return { table: tokenTable, start, end };
}

/** Size in bytes of the token table: up to and including the NUL of its last-placed token. */
export function tokenTableLength(tokenIndex: Uint8Array, tokenTable: Uint8Array): number | undefined {
  let last = 0;
  for (let b = 0; b < 256; b++) last = Math.max(last, tokenIndex[2 * b] | (tokenIndex[2 * b + 1] << 8));
  for (let e = last; e < tokenTable.length; e++) if (tokenTable[e] === 0) return e + 1;
  return undefined;
}

/** Walk `count` entries of kallsyms_names without expanding them: the byte offset of every
 *  256th symbol (what kallsyms_markers holds) and the end. undefined if it runs off `names`. */
export function walkNames(
  names: Uint8Array,
  count: number,
  longLengths: boolean,
  /** Filled with the offset of every symbol (its length byte), when given. */
  starts?: Uint32Array,
): { markers: Uint32Array; end: number; sawLong: boolean } | undefined {
  const markers = new Uint32Array((count + 255) >>> 8);
  let off = 0;
  let sawLong = false;
  for (let i = 0; i < count; i++) {
    if ((i & 0xff) === 0) markers[i >>> 8] = off;
    if (starts) starts[i] = off;
    if (off >= names.length) return undefined;
    let len = names[off++];
    if (len & 0x80 && longLengths) {
      if (off >= names.length) return undefined;
      len = (len & 0x7f) | (names[off++] << 7);
      sawLong = true;
    } else if (len & 0x80) sawLong = true;
    if (len === 0) return undefined; // scripts/kallsyms.c: "There cannot be any symbol of length zero"
    off += len;
  }
  if (off > names.length) return undefined;
  return { markers, end: off, sawLong };
}

export interface DecodedNames {
  names: string[];
  /** nm type letter of each symbol, as a char code. */
  types: Uint8Array;
  /** Byte offset of every 256th symbol (for comparing with kallsyms_markers). */
  markers: Uint32Array;
  /** Bytes of `names` used. */
  end: number;
  /** nameHash of each name, computed on the bytes while expanding. */
  hashes: Uint32Array;
}

/** Expand `count` symbols. All names are expanded into one latin-1 buffer separated by '\n',
 *  turned into a string once and split: far faster than building 150,000 strings one by one. */
export function decodeNames(names: Uint8Array, count: number, tokens: Tokens, longLengths: boolean): DecodedNames {
  const { table, start, end } = tokens;
  const tokenLen = new Uint32Array(256);
  let maxToken = 0;
  for (let b = 0; b < 256; b++) {
    tokenLen[b] = end[b] - start[b];
    maxToken = Math.max(maxToken, tokenLen[b]);
  }
  const types = new Uint8Array(count);
  const hashes = new Uint32Array(count);
  const markers = new Uint32Array((count + 255) >>> 8);
  let out = Buffer.allocUnsafe(Math.max(1024, names.length * 3));
  let o = 0;
  let off = 0;
  for (let i = 0; i < count; i++) {
    if ((i & 0xff) === 0) markers[i >>> 8] = off;
    if (off >= names.length) throw new KallsymsError(`kallsyms_names ends after ${i} of ${count} symbols`);
    let len = names[off++];
    if (len & 0x80 && longLengths) {
      if (off >= names.length) throw new KallsymsError(`kallsyms_names ends inside symbol ${i} of ${count}`);
      len = (len & 0x7f) | (names[off++] << 7);
    }
    const stop = off + len;
    if (stop > names.length) throw new KallsymsError(`kallsyms_names ends inside symbol ${i} of ${count}`);
    if (o + len * maxToken + 1 > out.length) {
      const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, o + len * maxToken + 1));
      out.copy(bigger, 0, 0, o);
      out = bigger;
    }
    // The first character of the expansion is the type letter (skip empty tokens to find it).
    while (off < stop && start[names[off]] === end[names[off]]) off++;
    let h = 0x811c9dc5; // FNV-1a, as nameHash in symbol-table.ts
    if (off < stop) {
      const t = names[off++];
      types[i] = table[start[t]];
      for (let p = start[t] + 1, e = end[t]; p < e; p++) {
        const c = table[p];
        out[o++] = c;
        h = Math.imul(h ^ c, 0x01000193);
      }
    }
    for (; off < stop; off++) {
      const t = names[off];
      for (let p = start[t], e = end[t]; p < e; p++) {
        const c = table[p];
        out[o++] = c;
        h = Math.imul(h ^ c, 0x01000193);
      }
    }
    hashes[i] = h >>> 0;
    out[o++] = 0x0a;
  }
  const text = out.toString('latin1', 0, o - 1);
  const list = count === 0 ? [] : text.split('\n');
  if (list.length !== count) throw new KallsymsError(`kallsyms names contain a newline (${list.length} pieces for ${count} symbols)`);
  return { names: list, types, markers, end: off, hashes };
}

// kernel/kallsyms.c kallsyms_expand_symbol: each token's string from kallsyms_token_table, "skipped_first" the type
/** One name: the tokens buf[from, to), the first of them non-empty and starting with the type
 *  letter, which is left out. */
export function expandName(buf: Uint8Array, from: number, to: number, tokens: Tokens): string {
  const { table, start, end } = tokens;
  const codes: number[] = [];
  for (let off = from, skip = 1; off < to; off++, skip = 0) {
    const t = buf[off];
    for (let q = start[t] + skip; q < end[t]; q++) codes.push(table[q]);
  }
  return String.fromCharCode(...codes);
}

/** The type letter of the name in tokens buf[from, to), as expandName takes them, as a char
 *  code (0 for an empty expansion, as decodeNames). */
export function typeLetter(buf: Uint8Array, from: number, to: number, tokens: Tokens): number {
  return from < to ? tokens.table[tokens.start[buf[from]]] : 0;
}

/** The ways `names` can be read as `count` symbols: with 2-byte lengths (6.1+) and with plain
 *  length bytes. They differ only when some length byte has its top bit set. */
export function encodings(names: Uint8Array, count: number): { longLengths: boolean; walk: NonNullable<ReturnType<typeof walkNames>> }[] {
  const long = walkNames(names, count, true);
  if (long && !long.sawLong) return [{ longLengths: true, walk: long }];
  const short = walkNames(names, count, false);
  const out: { longLengths: boolean; walk: NonNullable<ReturnType<typeof walkNames>> }[] = [];
  if (long) out.push({ longLengths: true, walk: long });
  if (short) out.push({ longLengths: false, walk: short });
  return out;
}

export function sameMarkers(a: Uint32Array, b: Uint32Array): boolean {
  if (b.length < a.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Read little-endian u32s. */
export function u32Array(buf: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(count);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < count; i++) out[i] = dv.getUint32(4 * i, true);
  return out;
}

/** Address of symbol `i` under `scheme` (for checking _stext before decoding them all). */
export function symbolAddressBy(
  scheme: AddressScheme,
  i: number,
  offsets: Uint8Array | undefined,
  relativeBase: bigint | undefined,
  offsetsAddress: bigint | undefined,
  addresses: Uint8Array | undefined,
): bigint | undefined {
  if (scheme === 'absolute') {
    if (!addresses || addresses.length < 8 * (i + 1)) return undefined;
    return Buffer.from(addresses.buffer, addresses.byteOffset, addresses.byteLength).readBigUInt64LE(8 * i);
  }
  if (!offsets || offsets.length < 4 * (i + 1)) return undefined;
  const off = Buffer.from(offsets.buffer, offsets.byteOffset, offsets.byteLength).readInt32LE(4 * i);
  const mask = 0xffff_ffff_ffff_ffffn;
  switch (scheme) {
    case 'absolute-percpu':
      if (off >= 0) return BigInt(off);
      return relativeBase === undefined ? undefined : (relativeBase - 1n - BigInt(off)) & mask;
    case 'base-relative':
      return relativeBase === undefined ? undefined : (relativeBase + BigInt(off >>> 0)) & mask;
    case 'place-relative':
      return offsetsAddress === undefined ? undefined : (offsetsAddress + BigInt(4 * i) + BigInt(off)) & mask;
  }
}

/** All addresses under `scheme`, as a 64-bit array (bigint conversions happen one per symbol,
 *  when the caller reads an element). */
export function allAddresses(
  scheme: AddressScheme,
  count: number,
  offsets: Uint8Array | undefined,
  relativeBase: bigint | undefined,
  offsetsAddress: bigint | undefined,
  addresses: Uint8Array | undefined,
): BigUint64Array {
  const result = new BigUint64Array(count);
  if (scheme === 'absolute') {
    const src = addresses!;
    if (LO === 0) new Uint8Array(result.buffer).set(src.subarray(0, 8 * count));
    else {
      const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
      for (let i = 0; i < count; i++) result[i] = dv.getBigUint64(8 * i, true);
    }
    return result;
  }
  const words = new Uint32Array(result.buffer);
  const dv = new DataView(offsets!.buffer, offsets!.byteOffset, offsets!.byteLength);
  // 64-bit arithmetic on 32-bit halves: base = bh·2³² + bl.
  const base = scheme === 'place-relative' ? offsetsAddress! : relativeBase!;
  const bh = Number(base >> 32n) >>> 0;
  const bl = Number(base & 0xffffffffn) >>> 0;
  for (let i = 0; i < count; i++) {
    const off = dv.getInt32(4 * i, true);
    let hi: number;
    let lo: number;
    if (scheme === 'base-relative') {
      lo = bl + (off >>> 0);
      hi = bh + (lo >= TWO32 ? 1 : 0);
    } else if (scheme === 'absolute-percpu') {
      if (off >= 0) {
        hi = 0;
        lo = off;
      } else {
        // base - 1 - off = base + (-off - 1), with -off - 1 in [0, 2³¹)
        lo = bl + (-off - 1);
        hi = bh + (lo >= TWO32 ? 1 : 0);
      }
    } else {
      // place-relative: &offsets[i] + off
      lo = bl + 4 * i + off;
      hi = bh;
      while (lo >= TWO32) {
        lo -= TWO32;
        hi++;
      }
      while (lo < 0) {
        lo += TWO32;
        hi--;
      }
    }
    words[2 * i + LO] = lo >>> 0; // Uint32Array stores modulo 2³²
    words[2 * i + HI] = hi >>> 0;
  }
  return result;
}

/** The scheme that puts symbol `stextIndex` (the first _stext) where VMCOREINFO says. Throws,
 *  listing what each scheme gave, when none does. */
export function chooseScheme(
  stextIndex: number,
  stext: bigint,
  data: { offsets?: Uint8Array; relativeBase?: bigint; offsetsAddress?: bigint; addresses?: Uint8Array },
): AddressScheme {
  if (stextIndex < 0) throw new KallsymsError('kallsyms has no _stext symbol: cannot tell how its addresses are encoded');
  const schemes: AddressScheme[] = data.addresses
    ? ['absolute']
    : data.relativeBase !== undefined
      ? ['absolute-percpu', 'base-relative', 'place-relative']
      : ['place-relative'];
  const tried: string[] = [];
  for (const scheme of schemes) {
    const got = symbolAddressBy(scheme, stextIndex, data.offsets, data.relativeBase, data.offsetsAddress, data.addresses);
    if (got === stext) return scheme;
    tried.push(`${scheme} gives ${got === undefined ? 'nothing' : '0x' + got.toString(16)}`);
  }
  throw new KallsymsError(
    `no kallsyms address scheme puts _stext at 0x${stext.toString(16)} (VMCOREINFO): ${tried.join('; ')}`,
  );
}
