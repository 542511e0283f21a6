// kallsyms as a symbol table without decoding it up front. Opening a dump needs a handful of
// names (__start_BTF, init_net, tcp_hashinfo …); expanding all ~100,000 compressed names into
// strings, computing every address and hashing the strings cost more than reading the tables.
// So a lookup finds a name either by binary search over kallsyms_seqs_of_names where the
// kernel has it (kallsyms-seqs.ts), or in a hash index made by one pass over kallsyms_names
// that hashes each name token by token, straight from the compressed bytes (KallsymsNames: no
// string, no expanded copy); either compares the name asked for against a few symbols'
// tokens. Addresses are computed for the symbols looked up. The address-sorted table
// (nearest, all) is the full decode of before, made on the first call that needs it.

import type { KernelSymbol, SymbolTable } from './types.js';
import { SortedSymbolTable } from './symbol-table.js';
import { KallsymsError, allAddresses, decodeNames, symbolAddressBy, type AddressScheme, type Tokens } from './kallsyms-decode.js';

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

/** Upper case is global; w/v (weak) count as global too (as in symbol-table.ts). */
function globalType(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 0x77 || c === 0x76;
}

/** Symbol indices by name, and type letters: what the table needs before it needs order. */
export interface NameIndex {
  readonly count: number;
  /** Indices of every symbol named `name`, ascending. */
  indicesOf(name: string): number[];
  /** nm type letter of symbol `i` as a char code. */
  typeOf(i: number): number;
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
    const off = this.first[i];
    return off < this.stop[i] ? this.tokens.table[this.tokens.start[this.names[off]]] : 0;
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

/** Raw address data of kallsyms and the scheme that reads it (see kallsyms-decode.ts). */
export interface KallsymsAddressData {
  scheme: AddressScheme;
  offsets?: Uint8Array;
  relativeBase?: bigint;
  offsetsAddress?: bigint;
  addresses?: Uint8Array;
}

/** Addresses of kallsyms: symbol by symbol, or all at once (for the address-sorted table).
 *  A source reading the dump lazily throws KallsymsError when it cannot. */
export interface AddressSource {
  at(i: number): bigint;
  all(): BigUint64Array;
}

/** Addresses from tables already read. */
export function bufferAddresses(d: KallsymsAddressData, count: number): AddressSource {
  return {
    at: (i) => symbolAddressBy(d.scheme, i, d.offsets, d.relativeBase, d.offsetsAddress, d.addresses)!,
    all: () => allAddresses(d.scheme, count, d.offsets, d.relativeBase, d.offsetsAddress, d.addresses),
  };
}

/** The first symbol named _stext (what picks the address scheme), or -1. */
export function stextIndex(names: NameIndex): number {
  const at = names.indicesOf('_stext');
  return at.length ? at[0] : -1;
}

export class KallsymsTable implements SymbolTable {
  readonly size: number;
  private sorted: SortedSymbolTable | undefined;

  /** `allNames` gives the walk of every name (the index itself, when it is that walk) for the
   *  full decode; throws when the names cannot be read. */
  constructor(
    private readonly names: NameIndex,
    private readonly allNames: () => KallsymsNames,
    private readonly addresses: AddressSource,
    readonly source: string,
    /** Runs what may read the dump after opening (KallsymsReadOptions.lazy). */
    private readonly late: <T>(f: () => T) => T = (f) => f(),
  ) {
    this.size = names.count;
  }

  private addressOf(i: number): bigint {
    return this.addresses.at(i);
  }

  /** What SortedSymbolTable's name index picks among symbols of one name: a global over a
   *  local, then the first in address order (equal addresses: kallsyms order). */
  private pick(name: string): number {
    const at = this.names.indicesOf(name);
    if (at.length <= 1) return at.length ? at[0] : -1;
    let best = -1, bestRank = 0, bestAddr = 0n;
    for (const i of at) {
      const rank = globalType(this.names.typeOf(i)) ? 2 : 1;
      if (rank < bestRank) continue;
      const a = this.addressOf(i);
      if (rank > bestRank || a < bestAddr) {
        best = i;
        bestRank = rank;
        bestAddr = a;
      }
    }
    return best;
  }

  lookup(name: string): bigint | undefined {
    return this.get(name)?.address;
  }

  /** The symbol `lookup` would pick for `name`, with its type letter. */
  get(name: string): KernelSymbol | undefined {
    try {
      return this.late(() => {
        const i = this.pick(name);
        return i < 0 ? undefined : { name, address: this.addressOf(i), type: String.fromCharCode(this.names.typeOf(i)) };
      });
    } catch (e) {
      // An address a damaged dump no longer gives (only lazily read tables read it this late).
      if (e instanceof KallsymsError) return undefined;
      throw e;
    }
  }

  /** Every symbol named `name`, by address (equal addresses: kallsyms order), as `all()`
   *  lists them. */
  named(name: string): readonly KernelSymbol[] {
    try {
      return this.late(() =>
        this.names
          .indicesOf(name)
          .map((i) => ({ i, address: this.addressOf(i) }))
          .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.i - b.i))
          .map(({ i, address }) => ({ name, address, type: String.fromCharCode(this.names.typeOf(i)) })),
      );
    } catch (e) {
      if (e instanceof KallsymsError) return [];
      throw e;
    }
  }

  /** Every name and address decoded, sorted by address: made on the first call needing order. */
  private full(): SortedSymbolTable {
    if (!this.sorted) this.late(() => this.decodeAll());
    return this.sorted!;
  }

  private decodeAll(): void {
    let n: KallsymsNames;
    let addresses: BigUint64Array;
    try {
      n = this.allNames();
      addresses = this.addresses.all();
    } catch (e) {
      if (!(e instanceof KallsymsError)) throw e;
      // Names or addresses a damaged dump no longer gives (only a table answering names by the
      // seqs search reads them this late): no symbol to give by address.
      this.sorted = SortedSymbolTable.fromSymbols([], this.source);
      return;
    }
    const decoded = decodeNames(n.names, n.count, n.tokens, n.longLengths);
    this.sorted = new SortedSymbolTable({ names: decoded.names, types: decoded.types, addresses, hashes: decoded.hashes }, this.source);
  }

  nearest(address: bigint): { symbol: KernelSymbol; offset: bigint } | undefined {
    return this.full().nearest(address);
  }

  nextAddress(address: bigint): bigint | undefined {
    return this.full().nextAddress(address);
  }

  byStem(infix: string): Map<string, bigint> {
    return this.full().byStem(infix);
  }

  all(): readonly KernelSymbol[] {
    return this.full().all();
  }
}
