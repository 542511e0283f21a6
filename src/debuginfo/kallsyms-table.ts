// kallsyms as a symbol table without decoding it up front. Opening a dump needs a handful of
// names (__start_BTF, init_net, tcp_hashinfo …); expanding all ~100,000 compressed names into
// strings, computing every address and hashing the strings cost more than reading the tables.
// So a lookup finds a name either by binary search over kallsyms_seqs_of_names where the
// kernel has it (kallsyms-seqs.ts), or in a hash index made by one pass over kallsyms_names
// that hashes each name token by token, straight from the compressed bytes (kallsyms-names.ts);
// either compares the name asked for against a few symbols' tokens. Addresses are computed for
// the symbols looked up.
//
// kallsyms is sorted by address (scripts/kallsyms.c sort_symbols; the kernel's own lookups
// binary-search it): the symbol an address falls in, and the next symbol's address, come from a
// binary search of the addresses and the one name needed, as kernel/kallsyms.c does. Only all()
// (a listing of every symbol) decodes everything, into the address-sorted table of before.

import type { KernelSymbol, SymbolTable } from './types.js';
import { SortedSymbolTable, globalType } from './symbol-table.js';
import { KallsymsError, allAddresses, decodeNames, symbolAddressBy, type AddressScheme } from './kallsyms-decode.js';
import type { KallsymsNames, NameIndex } from './kallsyms-names.js';

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
  /** byStem's answers by infix, for withStem where the names cannot be searched by prefix. */
  private readonly stems = new Map<string, Map<string, bigint>>();

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

  /** `f` run as reads after opening are; a table a damaged dump no longer gives (only lazily
   *  read tables read it this late) answers `none`. */
  private answer<T>(f: () => T, none: T): T {
    try {
      return this.late(f);
    } catch (e) {
      if (e instanceof KallsymsError) return none;
      throw e;
    }
  }

  /** Symbols `indices` with their addresses, by address (equal addresses: kallsyms order). */
  private byAddress(indices: number[]): { i: number; address: bigint }[] {
    return indices.map((i) => ({ i, address: this.addressOf(i) })).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.i - b.i));
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
    return this.answer(() => {
      const i = this.pick(name);
      return i < 0 ? undefined : { name, address: this.addressOf(i), type: String.fromCharCode(this.names.typeOf(i)) };
    }, undefined);
  }

  /** Every symbol named `name`, by address (equal addresses: kallsyms order), as `all()`
   *  lists them. */
  named(name: string): readonly KernelSymbol[] {
    return this.answer(
      () => this.byAddress(this.names.indicesOf(name)).map(({ i, address }) => ({ name, address, type: String.fromCharCode(this.names.typeOf(i)) })),
      [],
    );
  }

  /** Every name and address decoded, sorted by address: made on the first call to list them. */
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

  // kernel/kallsyms.c get_symbol_pos: "Do a binary search on the sorted kallsyms_addresses array"
  /** Index of the first symbol whose address is above `address` (`orAt`: at or above it);
   *  count when none is. */
  private firstAbove(address: bigint, orAt = false): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const a = this.addressOf(mid);
      if (a < address || (a === address && !orAt)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // kernel/kallsyms.c kallsyms_lookup_buildid: get_symbol_pos() (back to the first alias), then get_symbol_offset() + kallsyms_expand_symbol() for the one name
  nearest(address: bigint): { symbol: KernelSymbol; offset: bigint } | undefined {
    if (this.sorted) return this.sorted.nearest(address);
    return this.answer(() => {
      const last = this.firstAbove(address) - 1;
      if (last < 0) return undefined;
      const at = this.addressOf(last);
      // Among aliases (several names at one address: 9,778 __kstrtabns_* on 5.10) the first
      // global, else the first, as SortedSymbolTable.nearest picks.
      const first = last > 0 && this.addressOf(last - 1) === at ? this.firstAbove(at, true) : last;
      let best = first;
      for (let i = first; i <= last; i++) {
        if (globalType(this.names.typeOf(i))) {
          best = i;
          break;
        }
      }
      const symbol = { name: this.names.nameOf(best), address: at, type: String.fromCharCode(this.names.typeOf(best)) };
      return { symbol, offset: address - at };
    }, undefined);
  }

  // kernel/kallsyms.c get_symbol_pos: "Search for next non-aliased symbol" (symbol_end)
  nextAddress(address: bigint): bigint | undefined {
    if (this.sorted) return this.sorted.nextAddress(address);
    return this.answer(() => {
      const next = this.firstAbove(address);
      return next < this.size ? this.addressOf(next) : undefined;
    }, undefined);
  }

  /** Symbols whose name holds `infix` after its first character, by the name before it (the
   *  first in address order wins): the names holding it are found, not every name decoded. */
  byStem(infix: string): Map<string, bigint> {
    if (this.sorted) return this.sorted.byStem(infix);
    return this.answer(() => {
      const out = new Map<string, bigint>();
      for (const { i, address } of this.byAddress(this.names.containing(infix))) {
        const name = this.names.nameOf(i);
        const k = name.indexOf(infix);
        if (k > 0 && !out.has(name.slice(0, k))) out.set(name.slice(0, k), address);
      }
      return out;
    }, new Map<string, bigint>());
  }

  /** What byStem(infix).get(stem) gives: by a prefix search of the names sorted by
   *  kallsyms_seqs_of_names where the kernel has them (`stem.llvm.*` sorts right after `stem`),
   *  else from byStem(infix), made once. */
  withStem(stem: string, infix: string): bigint | undefined {
    if (stem.length === 0 || infix.length === 0) return undefined;
    return this.answer(() => {
      const found = this.sorted || !infix.includes('.') ? undefined : this.names.withPrefix?.(stem + infix);
      if (!found) {
        let m = this.stems.get(infix);
        if (!m) this.stems.set(infix, (m = this.byStem(infix)));
        return m.get(stem);
      }
      let best: bigint | undefined;
      for (const i of found) {
        if (this.names.nameOf(i).indexOf(infix) !== stem.length) continue; // the stem holds the infix itself
        const a = this.addressOf(i);
        if (best === undefined || a < best) best = a; // indices ascend: the first of equal addresses
      }
      return best;
    }, undefined);
  }

  all(): readonly KernelSymbol[] {
    return this.full().all();
  }
}
