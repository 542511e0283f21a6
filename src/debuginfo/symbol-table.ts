// The one SymbolTable implementation every symbol source (kallsyms in the dump, kallsyms found
// by shape, System.map, /proc/kallsyms, vmlinux .symtab) hands its symbols to.
//
// Kept in columns (names, type letters, addresses in a BigUint64Array) because a kernel has
// ~150,000 symbols and building 150,000 objects plus a Map costs more than decoding kallsyms:
// the name index is an open-addressing hash table of Int32, the address search runs on the
// 32-bit halves of the addresses, and KernelSymbol objects are made only when asked for.

import type { KernelSymbol, SymbolTable } from './types.js';

/** A symbol from a loadable module (only /proc/kallsyms lists them): `module` names it. */
export interface ModuleSymbol extends KernelSymbol {
  module: string;
}

export interface SymbolColumns {
  names: string[];
  /** nm type letter of each symbol as a char code ('T' = 84). */
  types: Uint8Array;
  addresses: BigUint64Array;
  /** Module of each symbol, undefined for vmlinux (only /proc/kallsyms has module symbols). */
  modules?: (string | undefined)[];
  /** FNV-1a hashes of the names (nameHash), when the caller computed them on the way. */
  hashes?: Uint32Array;
}

/** Which 32-bit half of a 64-bit typed-array element comes first on this host: addresses
 *  are handled as (hi, lo) pairs through a Uint32Array view of a BigUint64Array. */
export const LO_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
export const HI_WORD = 1 - LO_WORD;
const LO = LO_WORD;
const HI = HI_WORD;

/** __START_KERNEL_map (0xffffffff80000000) in halves: KASLR moves the image from here up. */
const KERNEL_MAP_HI = 0xffffffff;
const KERNEL_MAP_LO = 0x80000000;

/** Add a KASLR offset (KERNELOFFSET: positive, < 4 GiB) to every address in the kernel image
 *  mapping, in place; per-CPU offsets (small values) and anything else stay. */
export function relocateKernelImage(addresses: BigUint64Array, delta: bigint): void {
  if (delta === 0n) return;
  const words = new Uint32Array(addresses.buffer, addresses.byteOffset, 2 * addresses.length);
  const dh = Number((delta >> 32n) & 0xffffffffn);
  const dl = Number(delta & 0xffffffffn);
  for (let i = 0; i < addresses.length; i++) {
    if (words[2 * i + HI] !== KERNEL_MAP_HI || words[2 * i + LO] < KERNEL_MAP_LO) continue;
    const lo = words[2 * i + LO] + dl;
    words[2 * i + LO] = lo >>> 0;
    words[2 * i + HI] = (words[2 * i + HI] + dh + (lo >= 0x1_0000_0000 ? 1 : 0)) >>> 0;
  }
}

/** FNV-1a over the name's char codes (latin-1 bytes for kallsyms names: the same value). */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Upper case is global; w/v (weak) count as global too. */
export function globalType(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 0x77 /* w */ || c === 0x76 /* v */;
}

export class SortedSymbolTable implements SymbolTable {
  readonly size: number;
  private readonly names: string[];
  private readonly types: Uint8Array;
  private readonly addresses: BigUint64Array;
  private readonly modules: (string | undefined)[] | undefined;
  private readonly words: Uint32Array; // the addresses' 32-bit halves
  private slotsCache: Int32Array | undefined; // name hash table: symbol index or -1
  private hashes: Uint32Array | undefined; // kept until the name table is built
  private objects: KernelSymbol[] | undefined;

  /**
   * Symbols in any order; sorted here by address (stable: equal addresses keep their order).
   * Name lookup: when a name occurs more than once (static functions of different files), a
   * global symbol wins over a local one, otherwise the first in address order; a module
   * symbol is found only when vmlinux has none of that name.
   */
  static fromSymbols(symbols: readonly KernelSymbol[], source: string): SortedSymbolTable {
    const n = symbols.length;
    const names = new Array<string>(n);
    const types = new Uint8Array(n);
    const addresses = new BigUint64Array(n);
    let modules: (string | undefined)[] | undefined;
    for (let i = 0; i < n; i++) {
      const s = symbols[i];
      names[i] = s.name;
      types[i] = s.type.charCodeAt(0);
      addresses[i] = s.address;
      const m = (s as Partial<ModuleSymbol>).module;
      if (m !== undefined) (modules ??= new Array(n))[i] = m;
    }
    return new SortedSymbolTable({ names, types, addresses, modules }, source);
  }

  /** Columns are taken over (and reordered if unsorted): the caller must not reuse them. */
  constructor(
    columns: SymbolColumns,
    readonly source: string,
  ) {
    let { names, types, addresses, modules, hashes } = columns;
    const n = names.length;
    let words = new Uint32Array(addresses.buffer, addresses.byteOffset, 2 * n);
    let sorted = true;
    for (let i = 1; i < n; i++) {
      const h0 = words[2 * i - 2 + HI];
      const h1 = words[2 * i + HI];
      if (h1 < h0 || (h1 === h0 && words[2 * i + LO] < words[2 * i - 2 + LO])) {
        sorted = false;
        break;
      }
    }
    if (!sorted) {
      const w0 = words;
      const order = Array.from({ length: n }, (_, i) => i);
      order.sort((a, b) => w0[2 * a + HI] - w0[2 * b + HI] || w0[2 * a + LO] - w0[2 * b + LO] || a - b);
      const n2 = new Array<string>(n);
      const t2 = new Uint8Array(n);
      const a2 = new BigUint64Array(n);
      const m2 = modules ? new Array<string | undefined>(n) : undefined;
      const h2 = hashes ? new Uint32Array(n) : undefined;
      for (let i = 0; i < n; i++) {
        const j = order[i];
        n2[i] = names[j];
        t2[i] = types[j];
        a2[i] = addresses[j];
        if (m2) m2[i] = modules![j];
        if (h2) h2[i] = hashes![j];
      }
      names = n2;
      types = t2;
      addresses = a2;
      modules = m2;
      hashes = h2;
      words = new Uint32Array(addresses.buffer, 0, 2 * n);
    }
    this.names = names;
    this.types = types;
    this.addresses = addresses;
    this.modules = modules;
    this.words = words;
    this.size = n;
    this.hashes = hashes;
  }

  /** The name table, built on the first lookup by name (a table asked only by address, or
   *  kallsyms' own index answering the names, never needs it). */
  private get slots(): Int32Array {
    if (!this.slotsCache) {
      this.slotsCache = this.index(this.hashes);
      this.hashes = undefined;
    }
    return this.slotsCache;
  }

  private rank(i: number): number {
    if (this.modules?.[i] !== undefined) return 0;
    return globalType(this.types[i]) ? 2 : 1;
  }

  private index(hashes: Uint32Array | undefined): Int32Array {
    const n = this.size;
    let cap = 16;
    while (cap < n * 2) cap <<= 1;
    const slots = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    const names = this.names;
    for (let i = 0; i < n; i++) {
      const name = names[i];
      let h = (hashes ? hashes[i] : nameHash(name)) & mask;
      for (;;) {
        const j = slots[h];
        if (j === -1) {
          slots[h] = i;
          break;
        }
        if (names[j] === name) {
          if (this.rank(i) > this.rank(j)) slots[h] = i;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return slots;
  }

  private find(name: string): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let h = nameHash(name) & mask;
    for (;;) {
      const j = slots[h];
      if (j === -1 || this.names[j] === name) return j;
      h = (h + 1) & mask;
    }
  }

  private symbol(i: number): KernelSymbol {
    if (this.objects) return this.objects[i];
    const s: KernelSymbol = { name: this.names[i], address: this.addresses[i], type: String.fromCharCode(this.types[i]) };
    const m = this.modules?.[i];
    if (m !== undefined) (s as ModuleSymbol).module = m;
    return s;
  }

  lookup(name: string): bigint | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.addresses[i];
  }

  /** The symbol `lookup` would pick for `name`, with its type letter. */
  get(name: string): KernelSymbol | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.symbol(i);
  }

  nearest(address: bigint): { symbol: KernelSymbol; offset: bigint } | undefined {
    const h = Number((address >> 32n) & 0xffffffffn);
    const l = Number(address & 0xffffffffn);
    const w = this.words;
    // Last index whose address <= the one asked for.
    let lo = 0;
    let hi = this.size - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const mh = w[2 * mid + HI];
      if (mh < h || (mh === h && w[2 * mid + LO] <= l)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    // Among aliases (several names at one address) prefer a global, then the first.
    const fh = w[2 * found + HI];
    const fl = w[2 * found + LO];
    let best = found;
    for (let i = found; i >= 0 && w[2 * i + HI] === fh && w[2 * i + LO] === fl; i--) {
      if (globalType(this.types[i]) || !globalType(this.types[best])) best = i;
    }
    return { symbol: this.symbol(best), offset: address - this.addresses[best] };
  }

  nextAddress(address: bigint): bigint | undefined {
    const h = Number((address >> 32n) & 0xffffffffn);
    const l = Number(address & 0xffffffffn);
    const w = this.words;
    // First index whose address is above the one asked for.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const mh = w[2 * mid + HI];
      if (mh < h || (mh === h && w[2 * mid + LO] <= l)) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.size ? this.addresses[lo] : undefined;
  }

  byStem(infix: string): Map<string, bigint> {
    const out = new Map<string, bigint>();
    const names = this.names;
    for (let i = 0; i < this.size; i++) {
      const name = names[i];
      const k = name.indexOf(infix);
      if (k > 0) {
        const stem = name.slice(0, k);
        if (!out.has(stem)) out.set(stem, this.addresses[i]);
      }
    }
    return out;
  }

  all(): readonly KernelSymbol[] {
    if (!this.objects) {
      const out = new Array<KernelSymbol>(this.size);
      for (let i = 0; i < this.size; i++) out[i] = this.symbol(i);
      this.objects = out;
    }
    return this.objects;
  }
}
