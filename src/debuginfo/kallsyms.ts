// The kernel's own compressed symbol table (kallsyms), read out of the dump.
// Mirrors kernel/kallsyms.c (kallsyms_expand_symbol, kallsyms_sym_address) and the emitter
// scripts/kallsyms.c (write_src); drgn does the same in libdrgn/kallsyms.c.
//
//   kallsyms_token_index  256 × u16: where token b starts in kallsyms_token_table
//   kallsyms_token_table  256 NUL-terminated strings (already fully expanded)
//   kallsyms_names        per symbol: a length L, then L token numbers. Since 6.1 (commit
//                         73bbb94466fd "kallsyms: support "big" kernel symbols") L is ULEB128:
//                         b0 & 0x80 set → L = (b0 & 0x7f) | (b1 << 7). The first expanded
//                         character is the nm type letter, the rest the name.
//   kallsyms_markers      u32 every 256 symbols: offset of symbol 256·k in kallsyms_names
//   kallsyms_offsets      s32 per symbol, turned into an address by one of four schemes below
//   kallsyms_relative_base, kallsyms_addresses (absolute u64 per symbol, old configs; gone by 6.12)
//   kallsyms_seqs_of_names (6.2+, and Debian's 6.1): symbol indices in name order, 3 bytes each
//
// Opening needs a handful of names: with kallsyms_seqs_of_names they are found by binary search
// (kallsyms-seqs.ts) and most of kallsyms_names is never read; without it every name is walked
// and hashed once (kallsyms-names.ts). Either way a name becomes a string, and an address is
// computed, for the symbols asked for: by name, or by address (a binary search of the
// address-sorted kallsyms, kallsyms-table.ts); all of them only to list every symbol (all).
//
// VMCOREINFO lists the tables' runtime addresses since 6.0 (commit 5fd8fea935a1 "vmcoreinfo:
// include kallsyms symbols", f09bddbd8661 "vmcoreinfo: add kallsyms_num_syms symbol").

import type { SymbolTable, VirtualReader, VmcoreInfo } from './types.js';
import { KallsymsTable, bufferAddresses, stextIndex, type AddressSource } from './kallsyms-table.js';
import { KallsymsNames, tokensHold, type NameIndex } from './kallsyms-names.js';
import { SeqsIndex, bufferSource, dumpSource, findSeqs } from './kallsyms-seqs.js';
import { isReadError } from './read-errors.js';
import { pagedReader } from './paged-read.js';
import { symbolAddress } from './vmcoreinfo.js';
import {
  KallsymsError,
  allAddresses,
  chooseScheme,
  encodings,
  symbolAddressBy,
  parseTokens,
  sameMarkers,
  tokenTableLength,
  u32Array,
  walkNames,
  type AddressScheme,
  type Tokens,
} from './kallsyms-decode.js';

export * from './kallsyms-decode.js';

/** Runtime addresses of the kallsyms tables. */
export interface KallsymsLocation {
  names: bigint;
  numSyms: bigint;
  tokenTable: bigint;
  tokenIndex: bigint;
  offsets?: bigint;
  relativeBase?: bigint;
  addresses?: bigint;
  /** Where kallsyms_markers is, if known; otherwise looked for right after the names. */
  markers?: bigint;
  /** The real address of _stext (VMCOREINFO SYMBOL(_stext)): picks the address scheme. */
  stext: bigint;
}

export interface KallsymsResult {
  table: KallsymsTable;
  scheme: AddressScheme;
  count: number;
  /** Whether the decoded names were checked against kallsyms_markers. */
  markersChecked: boolean;
}

const MAX_SYMS = 4_000_000;

function readAt(read: VirtualReader, what: string, address: bigint, length: number): Buffer {
  try {
    return read(address, length);
  } catch (e) {
    if (!isReadError(e)) throw e; // a stop asked for (Ctrl-C during a lazy read), or a bug
    throw new KallsymsError(`cannot read ${what} (${length} bytes at 0x${address.toString(16)}): ${(e as Error).message}`);
  }
}

/** Read kallsyms_names: the span up to the token table when that follows the names (every
 *  layout of scripts/kallsyms.c puts markers and the token table after them), else growing
 *  reads until `count` symbols fit. */
function readNames(read: VirtualReader, loc: KallsymsLocation, count: number): Buffer {
  const gap = loc.tokenTable - loc.names;
  if (gap > 0n && gap <= BigInt(64 << 20)) return readAt(read, 'kallsyms_names', loc.names, Number(gap));
  let size = Math.max(1 << 16, count * 16);
  for (;;) {
    const buf = readAt(read, 'kallsyms_names', loc.names, size);
    if (walkNames(buf, count, true) || walkNames(buf, count, false)) return buf;
    if (size > 256 << 20) throw new KallsymsError(`kallsyms_names at 0x${loc.names.toString(16)} does not hold ${count} symbols`);
    size *= 2;
  }
}

function readTokens(read: VirtualReader, loc: KallsymsLocation): Tokens {
  const index = readAt(read, 'kallsyms_token_index', loc.tokenIndex, 512);
  let last = 0;
  for (let b = 0; b < 256; b++) last = Math.max(last, index.readUInt16LE(2 * b));
  const gap = loc.tokenIndex - loc.tokenTable;
  let size = gap > BigInt(last) && gap <= 0x20000n ? Number(gap) : last + 256;
  for (;;) {
    const table = readAt(read, 'kallsyms_token_table', loc.tokenTable, size);
    if (tokenTableLength(index, table) !== undefined) return parseTokens(table, index);
    if (size > last + 4096) throw new KallsymsError(`kallsyms_token_table at 0x${loc.tokenTable.toString(16)}: last token has no end`);
    size += 1024;
  }
}

/** Index every name of `names`: the length encoding whose walk agrees with kallsyms_markers. */
function indexAllNames(read: VirtualReader, loc: KallsymsLocation, count: number, tokens: Tokens, names: Buffer): { index: KallsymsNames; markersChecked: boolean } {
  // kallsyms_markers: given, or at the first 8-aligned spot after the names (every layout of
  // scripts/kallsyms.c puts them there). Each length encoding ends the names elsewhere: the
  // one whose own markers agree is the right one. The usual case (2-byte lengths, none of them
  // long: then both encodings read alike) walks and hashes the names in one pass.
  const fast = KallsymsNames.index(names, count, tokens, true);
  const options: { longLengths: boolean; markers: Uint32Array; end: number; index?: KallsymsNames }[] =
    fast && !fast.sawLong
      ? [{ longLengths: true, markers: fast.markers, end: fast.end, index: fast }]
      : encodings(names, count).map((o) => ({ longLengths: o.longLengths, markers: o.walk.markers, end: o.walk.end }));
  if (options.length === 0) throw new KallsymsError(`kallsyms_names at 0x${loc.names.toString(16)} does not hold ${count} symbols`);
  let chosen = options[0];
  let markersChecked = false;
  for (const o of options) {
    if (markersAgree(read, loc, o.end, o.markers)) {
      chosen = o;
      markersChecked = true;
      break;
    }
  }
  const index = chosen.index ?? (chosen.longLengths && fast ? fast : KallsymsNames.index(names, count, tokens, chosen.longLengths)!);
  index.checkNoNewline();
  return { index, markersChecked };
}

/** Whether kallsyms_markers (given, or 8-aligned after names ending at `end`) holds `markers`. */
function markersAgree(read: VirtualReader, loc: KallsymsLocation, end: number, markers: Uint32Array): boolean {
  const at = loc.markers ?? markersAfter(loc, end);
  try {
    return sameMarkers(markers, u32Array(read(at, 4 * markers.length), markers.length));
  } catch {
    return false; // unreadable: leave unchecked
  }
}

const markersAfter = (loc: KallsymsLocation, end: number) => (loc.names + BigInt(end) + 7n) & ~7n;

/** Every name read (as always), looked up by binary search over kallsyms_seqs_of_names (6.2+,
 *  Debian's 6.1) instead of hashing them all, when the names walk with 2-byte lengths as the
 *  full walk would read them, and the seqs are found; else undefined. */
function seqsOverNames(read: VirtualReader, loc: KallsymsLocation, count: number, tokens: Tokens, names: Buffer, allNames: () => KallsymsNames) {
  if (tokensHold(tokens, 0x0a)) return undefined; // names a newline may split: the full walk refuses them
  const starts = new Uint32Array(count);
  const walk = walkNames(names, count, true, starts);
  if (!walk) return undefined;
  const markersChecked = markersAgree(read, loc, walk.end, walk.markers);
  // A long name (Rust's, 7.x) reads otherwise with 1-byte lengths: then the markers must say
  // 2-byte, as they make the full walk pick it.
  if (walk.sawLong && !markersChecked) return undefined;
  const seqsAt = findSeqs(read, { ...seqsPlaces(loc, count), markersAt: loc.markers ?? markersAfter(loc, walk.end) });
  if (!seqsAt) return undefined;
  let seqs: Uint8Array;
  const inNames = seqsAt.seqsAt - loc.names; // 6.2–6.3 (and Debian's 6.1) keep them before the token table: read already
  if (inNames > 0n && inNames + BigInt(3 * count) <= BigInt(names.length)) seqs = names.subarray(Number(inNames), Number(inNames) + 3 * count);
  else {
    try {
      seqs = read(seqsAt.seqsAt, 3 * count);
    } catch {
      return undefined;
    }
  }
  // The search reads the names and seqs just read.
  const index = SeqsIndex.open(bufferSource(names, starts, seqs), walk.end, count, tokens, walk.markers, allNames);
  return index && { index, markersChecked };
}

const seqsPlaces = (loc: KallsymsLocation, count: number) => ({
  names: loc.names,
  tokenTable: loc.tokenTable,
  offsets: loc.offsets,
  relativeBase: loc.relativeBase,
  count,
});

/** Names by kallsyms_seqs_of_names read lazily (kallsyms-seqs.ts): most of kallsyms_names is
 *  then never read. */
function lazySeqs(read: VirtualReader, loc: KallsymsLocation, count: number, tokens: Tokens, allNames: () => KallsymsNames): SeqsIndex | undefined {
  if (loc.markers !== undefined || tokensHold(tokens, 0x0a)) return undefined; // given markers, or names a newline may split: the full walk
  const found = findSeqs(read, seqsPlaces(loc, count));
  if (!found?.markers) return undefined;
  const source = dumpSource(read, loc.names, found.seqsAt, count);
  return SeqsIndex.open(source, Number(found.markersAt - loc.names), count, tokens, found.markers, allNames);
}

/** How a table may read the dump after opening. */
export interface KallsymsReadOptions {
  /** Runs reads a table makes after opening (a lookup reaching pages of kallsyms not read yet)
   *  so that nothing there can stop them, as nothing stopped them while opening (Ctrl-C:
   *  src/dump/interrupt.ts). Given, kallsyms_names and kallsyms_offsets are read only where
   *  lookups need them; without it, every table is read while opening. */
  lazy?: <T>(f: () => T) => T;
}

/** Decode kallsyms from tables at known addresses (from VMCOREINFO, or found by shape). */
export function decodeKallsymsAt(
  read: VirtualReader,
  loc: KallsymsLocation,
  source: (r: Omit<KallsymsResult, 'table'>) => string,
  opts: KallsymsReadOptions = {},
): KallsymsResult {
  const count = readAt(read, 'kallsyms_num_syms', loc.numSyms, 4).readUInt32LE(0);
  if (count === 0 || count > MAX_SYMS) throw new KallsymsError(`kallsyms_num_syms at 0x${loc.numSyms.toString(16)} is ${count}: not a symbol count`);
  const tokens = readTokens(read, loc);
  let names: Buffer | undefined;
  let all: KallsymsNames | undefined;
  // The walk of every name, for the address-sorted table (and names the seqs search misses).
  let walkAll = () => indexAllNames(read, loc, count, tokens, (names ??= readNames(read, loc, count))).index;
  const allNames = () => (all ??= walkAll());
  let index: NameIndex | undefined = opts.lazy ? lazySeqs(read, loc, count, tokens, allNames) : undefined;
  let markersChecked = index !== undefined; // the lazy search checks each chunk of names it reads against them
  if (!index) {
    const inMemory = (names = readNames(read, loc, count));
    const bySeqs = seqsOverNames(read, loc, count, tokens, inMemory, allNames);
    if (bySeqs) {
      // Names that walk with 2-byte lengths, which the full walk picks too: it needs no more
      // reading.
      walkAll = () => KallsymsNames.index(inMemory, count, tokens, true)!;
      ({ index, markersChecked } = bySeqs);
    } else ({ index, markersChecked } = indexAllNames(read, loc, count, tokens, inMemory));
  }
  if (index instanceof KallsymsNames) all = index;

  if (loc.addresses === undefined && loc.offsets === undefined) throw new KallsymsError('neither kallsyms_offsets nor kallsyms_addresses is known');
  const readBase = () =>
    loc.addresses === undefined && loc.relativeBase !== undefined
      ? readAt(read, 'kallsyms_relative_base', loc.relativeBase, 8).readBigUInt64LE(0)
      : undefined;
  let scheme: AddressScheme;
  let addresses: AddressSource;
  if (names) {
    // Every name read: so are the addresses (a damaged table fails opening, as it always has).
    const absolute = loc.addresses !== undefined;
    const table = absolute ? readAt(read, 'kallsyms_addresses', loc.addresses!, 8 * count) : readAt(read, 'kallsyms_offsets', loc.offsets!, 4 * count);
    const data = { offsets: absolute ? undefined : table, relativeBase: readBase(), offsetsAddress: loc.offsets, addresses: absolute ? table : undefined };
    scheme = chooseScheme(stextIndex(index), loc.stext, data);
    addresses = bufferAddresses({ scheme, ...data }, count);
  } else {
    ({ scheme, addresses } = lazyAddresses(read, loc, count, readBase(), stextIndex(index)));
  }
  const meta = { scheme, count, markersChecked };
  return { table: new KallsymsTable(index, allNames, addresses, source(meta), opts.lazy), ...meta };
}

/** Addresses read symbol by symbol (4 or 8 bytes each) as names are looked up, all of them
 *  only for the address-sorted table; the scheme from the entry of symbol `stext` (the
 *  first _stext). */
function lazyAddresses(
  read: VirtualReader,
  loc: KallsymsLocation,
  count: number,
  relativeBase: bigint | undefined,
  stext: number,
): { scheme: AddressScheme; addresses: AddressSource } {
  const absolute = loc.addresses !== undefined;
  const table = absolute ? loc.addresses! : loc.offsets!;
  const width = absolute ? 8 : 4;
  const what = absolute ? 'kallsyms_addresses' : 'kallsyms_offsets';
  // The entry of symbol i alone, as the data of a one-symbol table whose offsets start at it
  // (from the table's pages, each read once: a binary search by address probes ~17 entries).
  const paged = pagedReader(read, table, width * count);
  const entry = (i: number) => {
    const at = table + BigInt(width * i);
    const buf = readAt(paged, what, at, width);
    return absolute ? { addresses: buf, relativeBase } : { offsets: buf, relativeBase, offsetsAddress: at };
  };
  const scheme = chooseScheme(stext < 0 ? -1 : 0, loc.stext, stext < 0 ? {} : entry(stext));
  return {
    scheme,
    addresses: {
      at: (i) => symbolAddressBy(scheme, 0, ...args(entry(i)))!,
      all: () => {
        const buf = readAt(read, what, table, width * count);
        return absolute ? allAddresses(scheme, count, undefined, relativeBase, undefined, buf) : allAddresses(scheme, count, buf, relativeBase, loc.offsets, undefined);
      },
    },
  };
}

const args = (d: { offsets?: Uint8Array; relativeBase?: bigint; offsetsAddress?: bigint; addresses?: Uint8Array }) =>
  [d.offsets, d.relativeBase, d.offsetsAddress, d.addresses] as const;

/** The kallsyms table locations VMCOREINFO gives (Linux 6.0+). Throws naming what is missing. */
export function kallsymsLocationFromVmcoreInfo(info: VmcoreInfo): KallsymsLocation {
  const need = ['kallsyms_names', 'kallsyms_num_syms', 'kallsyms_token_table', 'kallsyms_token_index', '_stext'];
  const missing = need.filter((n) => symbolAddress(info, n) === undefined);
  const offsets = symbolAddress(info, 'kallsyms_offsets');
  const addresses = symbolAddress(info, 'kallsyms_addresses');
  if (offsets === undefined && addresses === undefined) missing.push('kallsyms_offsets (or kallsyms_addresses)');
  if (missing.length > 0) {
    const all = missing.length >= 4;
    throw new KallsymsError(
      `VMCOREINFO has no ${missing.map((m) => `SYMBOL(${m})`).join(', ')}` +
        (all
          ? ': kernels before 6.0 do not list kallsyms there; find the tables by shape, or give --system-map or a vmlinux with symbols'
          : ''),
    );
  }
  return {
    names: symbolAddress(info, 'kallsyms_names')!,
    numSyms: symbolAddress(info, 'kallsyms_num_syms')!,
    tokenTable: symbolAddress(info, 'kallsyms_token_table')!,
    tokenIndex: symbolAddress(info, 'kallsyms_token_index')!,
    offsets,
    relativeBase: symbolAddress(info, 'kallsyms_relative_base'),
    addresses,
    stext: symbolAddress(info, '_stext')!,
  };
}

/** The kernel's symbols from kallsyms in the dump, located through VMCOREINFO (Linux 6.0+).
 *  The address scheme is the one whose _stext equals VMCOREINFO SYMBOL(_stext). */
export function decodeKallsyms(read: VirtualReader, info: VmcoreInfo, opts: KallsymsReadOptions = {}): SymbolTable {
  const loc = kallsymsLocationFromVmcoreInfo(info);
  return decodeKallsymsAt(read, loc, (r) => `kallsyms in the dump (${r.scheme}, ${r.count} symbols)`, opts).table;
}
