// kallsyms_names walked once and hashed (KallsymsNames): the name index of kernels without
// kallsyms_seqs_of_names (before 6.2, Debian's 6.1 aside), and what the seqs search of
// kallsyms-seqs.ts hands over to when it cannot answer. Each name is hashed token by token,
// straight from the compressed bytes: no string, no expanded copy. A name becomes a string only
// when asked for (nameOf: the symbol an address falls in), or when it may hold a given infix
// (containing: `name.llvm.<hash>`).

import { decodeNames, expandName, typeLetter, type Tokens } from './kallsyms-decode.js';

/** Symbol indices by name, and type letters: what the table needs before it needs order. */
export interface NameIndex {
  readonly count: number;
  /** Indices of every symbol named `name`, ascending. */
  indicesOf(name: string): number[];
  /** nm type letter of symbol `i` as a char code. */
  typeOf(i: number): number;
  /** Name of symbol `i` (its type letter left out), expanded from its tokens alone. */
  nameOf(i: number): string;
  /** Indices of every symbol whose name starts with `prefix` (which holds a '.'), ascending,
   *  found without reading every name (names sorted by kallsyms_seqs_of_names); undefined when
   *  the index cannot tell without reading them all. */
  withPrefix?(prefix: string): number[] | undefined;
  /** Indices of every symbol whose name holds `infix`, ascending: every name is read. */
  containing(infix: string): number[];
}

// Polynomial hash mod 2³²: H(a‖b) = H(a)·P^|b| + H(b), so a name's hash is folded from
// per-token values instead of per character (a token is ~2 characters of a name).
const P = 0x9e3779b1 | 0;

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, P) + s.charCodeAt(i)) | 0;
  return h;
}

/** Spread a polynomial hash's bits before taking the low ones as a bucket (murmur3 fmix32). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** kallsyms_names walked and hashed: where each symbol's tokens are, and a hash index of names. */
export class KallsymsNames implements NameIndex {
  /** Byte offset of every 256th symbol (what kallsyms_markers holds). */
  readonly markers: Uint32Array;
  /** Bytes of `names` used. */
  readonly end: number;
  /** Some length byte has its top bit set (a 2-byte length, or a long name before 6.1). */
  readonly sawLong: boolean;
  private readonly first: Uint32Array; // offset of the first non-empty token (type letter first)
  private readonly stop: Uint32Array; // offset after the last token
  private readonly hashes: Int32Array;
  // Chained hash table: heads[bucket] = 1 + first symbol, next[i] = 1 + following symbol
  // (0 ends a chain). Filled during the walk: no second pass, no probing.
  private readonly heads: Int32Array;
  private readonly next: Int32Array;

  private constructor(
    readonly names: Uint8Array,
    readonly count: number,
    readonly tokens: Tokens,
    readonly longLengths: boolean,
    walk: { markers: Uint32Array; end: number; sawLong: boolean; first: Uint32Array; stop: Uint32Array; hashes: Int32Array; heads: Int32Array; next: Int32Array },
  ) {
    this.markers = walk.markers;
    this.end = walk.end;
    this.sawLong = walk.sawLong;
    this.first = walk.first;
    this.stop = walk.stop;
    this.hashes = walk.hashes;
    this.heads = walk.heads;
    this.next = walk.next;
  }

  /** Walk and hash `count` names (as walkNames walks them); undefined if they run off `names`. */
  static index(names: Uint8Array, count: number, tokens: Tokens, longLengths: boolean): KallsymsNames | undefined {
    const { table, start, end } = tokens;
    // Per token: its hash and P^length; and its hash without its first character (the type
    // letter, when the token starts a name: the first token's hash starts from 0, so its
    // P^length is never needed).
    const hv = new Int32Array(256), pw = new Int32Array(256), hv1 = new Int32Array(256);
    const empty = new Uint8Array(256);
    for (let t = 0; t < 256; t++) {
      let h = 0, p = 1, h1 = 0;
      for (let q = start[t]; q < end[t]; q++) {
        h = (Math.imul(h, P) + table[q]) | 0;
        p = Math.imul(p, P);
        if (q > start[t]) h1 = (Math.imul(h1, P) + table[q]) | 0;
      }
      hv[t] = h;
      pw[t] = p;
      hv1[t] = h1;
      empty[t] = start[t] === end[t] ? 1 : 0;
    }
    const n = names.length;
    const markers = new Uint32Array((count + 255) >>> 8);
    const first = new Uint32Array(count), stop = new Uint32Array(count);
    const hashes = new Int32Array(count);
    let cap = 16;
    while (cap < count) cap <<= 1;
    const heads = new Int32Array(cap), next = new Int32Array(count);
    const mask = cap - 1;
    let off = 0;
    let sawLong = false;
    for (let i = 0; i < count; i++) {
      if ((i & 0xff) === 0) markers[i >>> 8] = off;
      if (off >= n) return undefined;
      let len = names[off++];
      if (len & 0x80) {
        sawLong = true;
        if (longLengths) {
          if (off >= n) return undefined;
          len = (len & 0x7f) | (names[off++] << 7);
        }
      }
      if (len === 0) return undefined; // scripts/kallsyms.c: "There cannot be any symbol of length zero"
      const s = off + len;
      if (s > n) return undefined;
      while (off < s && empty[names[off]]) off++;
      first[i] = off;
      let h = 0;
      if (off < s) h = hv1[names[off++]];
      for (; off < s; off++) {
        const t = names[off];
        h = (Math.imul(h, pw[t]) + hv[t]) | 0;
      }
      hashes[i] = h;
      stop[i] = s;
      const b = mix(h) & mask;
      next[i] = heads[b];
      heads[b] = i + 1;
    }
    return new KallsymsNames(names, count, tokens, longLengths, { markers, end: off, sawLong, first, stop, hashes, heads, next });
  }

  /** Whether symbol `i` is named `name` (its tokens expanded against the string). */
  private equals(i: number, name: string): boolean {
    const { table, start, end } = this.tokens;
    const names = this.names;
    const L = name.length;
    let p = 0;
    let off = this.first[i];
    const s = this.stop[i];
    if (off >= s) return L === 0;
    let t = names[off++];
    for (let q = start[t] + 1; q < end[t]; q++) if (p >= L || name.charCodeAt(p++) !== table[q]) return false;
    for (; off < s; off++) {
      t = names[off];
      for (let q = start[t]; q < end[t]; q++) if (p >= L || name.charCodeAt(p++) !== table[q]) return false;
    }
    return p === L;
  }

  /** Indices of every symbol named `name`, ascending. */
  indicesOf(name: string): number[] {
    const h = hashString(name);
    const out: number[] = [];
    for (let e = this.heads[mix(h) & (this.heads.length - 1)]; e !== 0; e = this.next[e - 1]) {
      const j = e - 1;
      if (this.hashes[j] === h && this.equals(j, name)) out.push(j);
    }
    return out.reverse(); // chains run from the last symbol inserted
  }

  /** nm type letter of symbol `i` as a char code (0 for an empty expansion, as decodeNames). */
  typeOf(i: number): number {
    return typeLetter(this.names, this.first[i], this.stop[i], this.tokens);
  }

  /** Name of symbol `i` without its type letter (as decodeNames expands it). */
  nameOf(i: number): string {
    return expandName(this.names, this.first[i], this.stop[i], this.tokens);
  }

  /** Indices of every symbol whose name holds `infix`, ascending. Only names with a token
   *  holding the infix's first character are expanded (for '.llvm.': the few with a '.'). */
  containing(infix: string): number[] {
    const out: number[] = [];
    if (infix.length === 0) {
      for (let i = 0; i < this.count; i++) out.push(i);
      return out;
    }
    const { table, start, end } = this.tokens;
    const c0 = infix.charCodeAt(0);
    const holds = new Uint8Array(256);
    for (let t = 0; t < 256; t++) holds[t] = table.subarray(start[t], end[t]).includes(c0) ? 1 : 0;
    const names = this.names;
    for (let i = 0; i < this.count; i++) {
      let off = this.first[i];
      const s = this.stop[i];
      while (off < s && !holds[names[off]]) off++;
      if (off < s && this.nameOf(i).includes(infix)) out.push(i);
    }
    return out;
  }

  /** decodeNames refuses names with a newline: only a token holding one can put it there. */
  checkNoNewline(): void {
    if (tokensHold(this.tokens, 0x0a)) decodeNames(this.names, this.count, this.tokens, this.longLengths); // throws with its message if one is used
  }
}

/** Whether some token holds byte `c`. */
export function tokensHold(tokens: Tokens, c: number): boolean {
  const { table, start, end } = tokens;
  for (let t = 0; t < 256; t++) if (table.subarray(start[t], end[t]).includes(c)) return true;
  return false;
}
