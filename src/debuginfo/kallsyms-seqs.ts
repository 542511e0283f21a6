// Name lookups through kallsyms_seqs_of_names (Linux 6.2+, commit 60443c88f3a8 "kallsyms:
// Improve the performance of kallsyms_lookup_name()"): every symbol's index in name order, 3
// bytes each, big-endian (kernel/kallsyms.c get_symbol_seq). A name is then found by a binary
// search that expands ~18 names, as kallsyms_lookup_names() does, instead of reading and
// hashing all of kallsyms_names (2 MiB and 170,000 names on 6.12).
//
// VMCOREINFO lists neither this table nor kallsyms_markers (which the search needs to find the
// n-th name): both are looked for where scripts/kallsyms.c (write_src) puts them, and used only
// when they check out: the markers increase from 0 and the last 256 names end where the
// markers begin; the seqs are a permutation of 0..count-1. Anything that does not check out
// later (a name chunk that does not end at the next marker, an unreadable page, a name out of
// order) hands over to the full index of every name (KallsymsNames), which is what answers
// without a seqs table. A name not found is not there, as kallsyms_lookup_name() answers, once
// the search has found a name (_stext, while opening): a table the search cannot find names in
// hands every name to the full index before any miss is believed.
//
// Order: scripts/kallsyms.c sorts by strcmp of the names; from 6.2 to 6.9 with CONFIG_LTO_CLANG
// it compared them cut at their first '.' (cleanup_symbol_name), so "x" and "x.llvm.123" sort
// as equals, by address. The search compares names cut at the first '.', which orders both
// kinds of table alike ('.' sorts below every character of an identifier), then takes every
// symbol of that block whose whole name matches: all of a name's duplicates are in its block,
// and so is every `name.llvm.<hash>` of clang's ThinLTO (withPrefix).

import type { VirtualReader } from './types.js';
import { KallsymsError, expandName, typeLetter, type Tokens } from './kallsyms-decode.js';
import type { NameIndex } from './kallsyms-names.js';
import { isReadError } from './read-errors.js';
import { pagedReader } from './paged-read.js';

const align8 = (a: bigint) => (a + 7n) & ~7n;

/** Where the tables lie (runtime addresses) and what is known of them. */
export interface SeqsLocation {
  names: bigint;
  tokenTable: bigint;
  offsets?: bigint;
  relativeBase?: bigint;
  count: number;
  /** kallsyms_markers, when known (after a walk of the names): then only the seqs are looked for. */
  markersAt?: bigint;
}

/** kallsyms_seqs_of_names, if it is where the layouts put it (and kallsyms_markers, read and
 *  checked, when its place was not given). */
export function findSeqs(read: VirtualReader, loc: SeqsLocation): { markers?: Uint32Array; markersAt: bigint; seqsAt: bigint } | undefined {
  const { count } = loc;
  const nMarkers = (count + 255) >>> 8;
  const markerBytes = align8(BigInt(4 * nMarkers));
  // 6.4+: names, markers, token_table, token_index, offsets, relative_base, seqs (7.x: seqs right
  // after the offsets); 6.2–6.3: offsets, relative_base, num_syms, names, markers, seqs, token_table.
  const after: bigint[] = [];
  if (loc.relativeBase !== undefined) after.push(align8(loc.relativeBase + 8n));
  if (loc.offsets !== undefined) after.push(loc.offsets + BigInt(4 * count), align8(loc.offsets + BigInt(4 * count)));
  const layouts: { markersAt: bigint; seqsAt: bigint[] }[] =
    loc.markersAt !== undefined
      ? [{ markersAt: loc.markersAt, seqsAt: [...after, loc.markersAt + markerBytes] }]
      : [
          { markersAt: loc.tokenTable - markerBytes, seqsAt: after },
          { markersAt: loc.tokenTable - align8(BigInt(3 * count)) - markerBytes, seqsAt: [loc.tokenTable - align8(BigInt(3 * count))] },
        ];
  for (const l of layouts) {
    if (l.markersAt <= loc.names) continue;
    const markers = loc.markersAt !== undefined ? undefined : readMarkers(read, l.markersAt, nMarkers, Number(l.markersAt - loc.names));
    if (loc.markersAt === undefined && !markers) continue;
    for (const at of l.seqsAt) if (plausibleSeqs(read, at, count)) return { markers, markersAt: l.markersAt, seqsAt: at };
  }
  return undefined;
}

function tryRead(read: VirtualReader, addr: bigint, len: number): Buffer | undefined {
  try {
    return read(addr, len);
  } catch {
    return undefined;
  }
}

/** nMarkers u32 from 0, increasing by at least 2 bytes a symbol, inside the names. */
function readMarkers(read: VirtualReader, at: bigint, n: number, namesSpan: number): Uint32Array | undefined {
  const buf = tryRead(read, at, 4 * n);
  if (!buf) return undefined;
  const m = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    m[k] = buf.readUInt32LE(4 * k);
    if (k === 0 ? m[k] !== 0 : m[k] < m[k - 1] + 512) return undefined;
  }
  return m[n - 1] < namesSpan ? m : undefined;
}

/** The first 1,024 3-byte big-endian values (all of them, with fewer symbols) are symbol
 *  indices, all different. Data that is not this table fails at once (a misplaced start reads
 *  a low byte of one entry as the high byte of the next: rarely below the count); the rest of
 *  the table is read entry by entry as the search needs it, each entry checked again. */
function plausibleSeqs(read: VirtualReader, at: bigint, count: number): boolean {
  const n = Math.min(count, 1024);
  const head = tryRead(read, at, 3 * n);
  if (!head) return false;
  const seen = new Set<number>();
  for (let o = 0; o < head.length; o += 3) {
    const v = (head[o] << 16) | (head[o + 1] << 8) | head[o + 2];
    if (v >= count || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

class Inconsistent extends Error {}

/** Where the search reads kallsyms_names and kallsyms_seqs_of_names: buffers read while
 *  opening, or the dump itself (KallsymsReadOptions.lazy). */
export interface SeqsSource {
  /** Bytes [from, to) of kallsyms_names. */
  names(from: number, to: number): Uint8Array;
  /** Bytes [3p, 3p + 3) of kallsyms_seqs_of_names. */
  seqBytes(p: number): Uint8Array;
  /** All of kallsyms_names and where each symbol starts, when every name was walked. */
  walked?: { names: Uint8Array; starts: Uint32Array };
}

/** A source over buffers already read: names from kallsyms_names on (`starts`: each symbol's
 *  offset there, from the walk), seqs from the seqs on. */
export function bufferSource(names: Uint8Array, starts: Uint32Array, seqs: Uint8Array): SeqsSource {
  return { names: (from, to) => names.subarray(from, to), seqBytes: (p) => seqs.subarray(3 * p, 3 * p + 3), walked: { names, starts } };
}

/** A source reading the dump, page by page as the search goes (the seqs' pages read once). */
export function dumpSource(read: VirtualReader, namesAt: bigint, seqsAt: bigint, count: number): SeqsSource {
  const seqs = pagedReader(read, seqsAt, 3 * count);
  return { names: (from, to) => read(namesAt + BigInt(from), to - from), seqBytes: (p) => seqs(seqsAt + BigInt(3 * p), 3) };
}

/** Symbol names by binary search over kallsyms_seqs_of_names; the full index on any doubt. */
export class SeqsIndex implements NameIndex {
  private readonly chunks = new Map<number, { buf: Uint8Array; offs: Uint32Array }>();
  private fallback: NameIndex | null | undefined; // null: the full index could not be read
  private proven = false; // a name was found by the search: the table is in the order compared

  constructor(
    private readonly source: SeqsSource,
    /** Bytes from kallsyms_names to the end of the last name (or to kallsyms_markers, which
     *  follow within 8 bytes of padding). */
    private readonly namesSpan: number,
    readonly count: number,
    private readonly tokens: Tokens,
    private readonly markers: Uint32Array,
    private readonly loadFull: () => NameIndex,
  ) {
    if (!source.walked) this.chunk(markers.length - 1); // the last names must end where the markers begin
  }

  /** A SeqsIndex if the last chunk of names checks out against the markers, else undefined. */
  static open(...args: ConstructorParameters<typeof SeqsIndex>): SeqsIndex | undefined {
    try {
      return new SeqsIndex(...args);
    } catch (e) {
      if (e instanceof Inconsistent || isReadError(e)) return undefined;
      throw e;
    }
  }

  /** The index of every name; when even that cannot be read (a damaged dump), none: a name
   *  the search did not find is then not found. */
  private full(): NameIndex | undefined {
    if (this.fallback === undefined) {
      try {
        this.fallback = this.loadFull();
      } catch (e) {
        if (!isReadError(e)) throw e;
        this.fallback = null;
      }
    }
    return this.fallback ?? undefined;
  }

  // kernel/kallsyms.c get_symbol_offset: "Use the closest marker we have", then skip [<len>][<len> bytes] per symbol
  /** Names 256k..256k+255: each one's offset in the chunk (2-byte lengths, as since 6.1). */
  private chunk(k: number): { buf: Uint8Array; offs: Uint32Array } {
    let c = this.chunks.get(k);
    if (c) return c;
    const from = this.markers[k];
    const last = k === this.markers.length - 1;
    const to = last ? this.namesSpan : this.markers[k + 1];
    const buf = this.source.names(from, to);
    const n = last ? this.count - 256 * k : 256;
    const offs = new Uint32Array(n);
    let off = 0;
    for (let j = 0; j < n; j++) {
      if (off >= buf.length) throw new Inconsistent();
      offs[j] = off;
      let len = buf[off++];
      if (len & 0x80) len = (len & 0x7f) | (buf[off++] << 7);
      if (len === 0) throw new Inconsistent();
      off += len;
    }
    // A chunk ends at the next marker; the last one within the 8 bytes of padding before the markers.
    if (last ? off > buf.length || buf.length - off >= 8 : off !== buf.length) throw new Inconsistent();
    c = { buf, offs };
    this.chunks.set(k, c);
    return c;
  }

  /** Symbol i's token bytes: buf[from, to), the first token starting with the type letter. */
  private tokensOf(i: number): { buf: Uint8Array; from: number; to: number } {
    let buf: Uint8Array;
    let off: number;
    const walked = this.source.walked;
    if (walked) {
      buf = walked.names;
      off = walked.starts[i];
    } else {
      const c = this.chunk(i >>> 8);
      buf = c.buf;
      off = c.offs[i & 0xff];
    }
    let len = buf[off++];
    if (len & 0x80) len = (len & 0x7f) | (buf[off++] << 7);
    const to = off + len;
    const { start, end } = this.tokens;
    while (off < to && start[buf[off]] === end[buf[off]]) off++; // empty tokens before the type letter
    return { buf, from: off, to };
  }

  /** Symbol i's name against `s`, as strcmp: cut at its first '.' ('cut': `s` has none), whole
   *  ('whole': equality only, 0 when equal), or whether it starts with `s` ('prefix': 0 when it
   *  does). */
  private compare(i: number, s: string, mode: 'cut' | 'whole' | 'prefix'): number {
    const { buf, from, to } = this.tokensOf(i);
    const { table, start, end } = this.tokens;
    const L = s.length;
    let p = 0;
    for (let off = from, skip = 1; off < to; off++, skip = 0) {
      const t = buf[off];
      for (let q = start[t] + skip; q < end[t]; q++) {
        const c = table[q];
        if (mode === 'cut' && c === 0x2e) return p < L ? -1 : 0; // the name ends here
        if (p >= L) return mode === 'prefix' ? 0 : 1;
        const d = c - s.charCodeAt(p++);
        if (d !== 0) return d;
      }
    }
    return p < L ? -1 : 0;
  }

  /** The index of the p-th symbol in name order. */
  private seq(p: number): number {
    const s = this.source.seqBytes(p);
    const v = (s[0] << 16) | (s[1] << 8) | s[2];
    if (v >= this.count) throw new Inconsistent();
    return v;
  }

  indicesOf(name: string): number[] {
    if (this.fallback !== undefined) return this.fallback?.indicesOf(name) ?? [];
    let found: number[];
    try {
      found = this.search(name, 'whole');
    } catch (e) {
      if (!(e instanceof Inconsistent) && !isReadError(e)) throw e;
      return this.full()?.indicesOf(name) ?? [];
    }
    if (found.length > 0) this.proven = true;
    else if (!this.proven) return this.full()?.indicesOf(name) ?? [];
    return found;
  }

  /** Every index whose name starts with `prefix` (holding a '.': they are all in the block of
   *  the name before it), once the search has proven itself; else undefined. */
  withPrefix(prefix: string): number[] | undefined {
    if (this.fallback !== undefined || !this.proven || !prefix.includes('.')) return undefined;
    try {
      return this.search(prefix, 'prefix');
    } catch (e) {
      if (!(e instanceof Inconsistent) && !isReadError(e)) throw e;
      return undefined;
    }
  }

  // kernel/kallsyms.c kallsyms_lookup_names: binary search of the names in kallsyms_seqs_of_names order
  /** Every index whose name is `name` ('whole') or starts with it ('prefix'), ascending. */
  private search(name: string, mode: 'whole' | 'prefix'): number[] {
    const dot = name.indexOf('.');
    const key = dot < 0 ? name : name.slice(0, dot);
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.seq(mid), key, 'cut') < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let p = lo; p < this.count; p++) {
      const i = this.seq(p);
      const c = this.compare(i, key, 'cut');
      if (c !== 0) {
        if (c < 0) throw new Inconsistent(); // not in name order after all
        break;
      }
      if (this.compare(i, name, mode) === 0) out.push(i);
    }
    return out.sort((a, b) => a - b);
  }

  /** `own` of symbol i's tokens; `full` of the index of every name when the search's own
   *  reading fails (KallsymsError when that cannot be read either). */
  private ofSymbol<T>(i: number, own: (buf: Uint8Array, from: number, to: number) => T, full: (n: NameIndex) => T): T {
    if (!this.fallback) {
      try {
        const { buf, from, to } = this.tokensOf(i);
        return own(buf, from, to);
      } catch (e) {
        if (!(e instanceof Inconsistent) && !isReadError(e)) throw e;
      }
    }
    const n = this.full();
    if (!n) throw new KallsymsError(`kallsyms_names: the name of symbol ${i} cannot be read`);
    return full(n);
  }

  typeOf(i: number): number {
    return this.ofSymbol(i, (buf, from, to) => typeLetter(buf, from, to, this.tokens), (n) => n.typeOf(i));
  }

  nameOf(i: number): string {
    return this.ofSymbol(i, (buf, from, to) => expandName(buf, from, to, this.tokens), (n) => n.nameOf(i));
  }

  /** Every name is read: the full index's scan. */
  containing(infix: string): number[] {
    const n = this.full();
    if (!n) throw new KallsymsError('kallsyms_names cannot be read');
    return n.containing(infix);
  }
}
