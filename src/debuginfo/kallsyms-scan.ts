// Finding the kallsyms tables in a kernel image by their shape, for kernels whose VMCOREINFO
// does not list them (before 6.0, e.g. Debian 11's 5.10). The idea is vmlinux-to-elf's
// (marin-m/vmlinux-to-elf, kallsyms_finder.py find_kallsyms_token_table); the layout facts
// come from scripts/kallsyms.c (write_src), where every table starts 8-byte aligned (ALGN):
//
//   up to 6.3:  offsets|addresses, relative_base, num_syms, names, markers, [seqs: 6.2–6.3,
//               and Debian's 6.1.192 has it backported], token_table, token_index
//   6.4+:       num_syms, names, markers, token_table, token_index, offsets, relative_base, seqs
//               (commit "scripts/kallsyms: change the output order", 2023)
//
// 1. kallsyms_token_table: every byte value used literally in a symbol name is its own
//    one-character token at its own index, so tokens 0x30..0x39 read "0\0" "1\0" … "9\0":
//    20 bytes that are rare elsewhere. Search for them.
// 2. From there, 0xff - 0x39 more NUL-terminated tokens end the table; kallsyms_token_index
//    (256 × u16, first 0, increasing, each pointing at a token start) follows, 8-aligned.
// 3. kallsyms_markers ends right before the token table: u32s, strictly increasing, first 0.
// 4. kallsyms_names ends before the markers; kallsyms_num_syms sits 8 bytes before the names.
//    Accept a candidate only if its num_syms names decode to exactly the marker offsets.
// 5. The addresses: before num_syms (old order) or after token_index (new order); each
//    encoding is tried and the one that puts _stext where VMCOREINFO says wins.
// Step 1 runs from where a page every 256 KiB says the names are (kallsyms-probe.ts) to the end
// of the range, then from its start: the same candidates in another order, each proven alike.

import type { SymbolTable, VirtualReader, VmcoreInfo } from './types.js';
import {
  KallsymsError,
  chooseScheme,
  encodings,
  parseTokens,
  sameMarkers,
  u32Array,
  walkNames,
  type AddressScheme,
  type Tokens,
} from './kallsyms-decode.js';
import { KallsymsTable, bufferAddresses, stextIndex } from './kallsyms-table.js';
import { KallsymsNames } from './kallsyms-names.js';
import { symbolAddress } from './vmcoreinfo.js';
import { namesGuess } from './kallsyms-probe.js';

const PAGE = 4096;
const CHUNK = 1 << 16; // 64 KiB at a time: the pages decoded past the token table for nothing
const DIGITS = Buffer.from('0\x001\x002\x003\x004\x005\x006\x007\x008\x009\x00', 'latin1');

const align8 = (a: bigint) => (a + 7n) & ~7n;

export interface KallsymsFound {
  table: KallsymsTable;
  scheme: AddressScheme;
  count: number;
  /** Where each table was found. */
  at: {
    tokenTable: bigint;
    tokenIndex: bigint;
    markers: bigint;
    names: bigint;
    numSyms: bigint;
    offsets?: bigint;
    relativeBase?: bigint;
    addresses?: bigint;
  };
  layout: 'old' | 'new';
  /** Bytes of the image searched before the tables were found, and pages that could not be read. */
  scanned: number;
  unreadablePages: number;
}

/** Read what can be read of [addr, addr+len); unreadable pages read as 0xff (which no searched
 *  pattern contains) and are counted if they start before `counted` (the next read's start:
 *  a page two reads overlap is counted once). */
function readTolerant(read: VirtualReader, addr: bigint, len: number, counted = len): { buf: Buffer; missing: number } {
  try {
    return { buf: read(addr, len), missing: 0 };
  } catch {
    const buf = Buffer.alloc(len);
    let missing = 0;
    let off = 0;
    while (off < len) {
      const pageEnd = Number(((addr + BigInt(off)) | BigInt(PAGE - 1)) + 1n - addr);
      const n = Math.min(pageEnd, len) - off;
      try {
        read(addr + BigInt(off), n).copy(buf, off);
      } catch {
        if (off < counted) missing++;
        buf.fill(0xff, off, off + n); // 0xff cannot take part in the patterns searched for
      }
      off += n;
    }
    return { buf, missing };
  }
}

/** Up to `max` bytes from `addr`, stopping at the first page that cannot be read. */
function readForward(read: VirtualReader, addr: bigint, max: number): Buffer {
  const whole = tryRead(read, addr, max);
  if (whole) return whole;
  const parts: Buffer[] = [];
  let got = 0;
  while (got < max) {
    const a = addr + BigInt(got);
    const n = Math.min(max - got, PAGE - Number(a & BigInt(PAGE - 1)));
    const b = tryRead(read, a, n);
    if (!b) break;
    parts.push(b);
    got += n;
  }
  return Buffer.concat(parts);
}

/** Up to `max` bytes ending at `end`, stopping (going back) at the first unreadable page. */
function readBackward(read: VirtualReader, end: bigint, max: number): Buffer {
  const whole = tryRead(read, end - BigInt(max), max);
  if (whole) return whole;
  const parts: Buffer[] = [];
  let got = 0;
  while (got < max) {
    const e = end - BigInt(got);
    const inPage = Number(e & BigInt(PAGE - 1));
    const n = Math.min(max - got, inPage === 0 ? PAGE : inPage);
    const b = tryRead(read, e - BigInt(n), n);
    if (!b) break;
    parts.unshift(b);
    got += n;
  }
  return Buffer.concat(parts);
}

function tryRead(read: VirtualReader, addr: bigint, len: number): Buffer | undefined {
  try {
    return read(addr, len);
  } catch {
    return undefined;
  }
}

/** Step 2: from the "0" token at `digitAt`, find the token table's start and the token index. */
function tokensFrom(read: VirtualReader, digitAt: bigint): { tokenTable: bigint; tokenIndex: bigint; tokens: Tokens } | undefined {
  // Tokens 0x30..0xff: 208 strings from here. Tokens are short (best-pair merges of names).
  const ahead = readForward(read, digitAt, 0x4000);
  let p = 0;
  for (let t = 0x30; t <= 0xff; t++) {
    const nul = ahead.indexOf(0, p);
    if (nul < 0 || nul - p > 256) return undefined;
    p = nul + 1;
  }
  const tokenIndex = align8(digitAt + BigInt(p));
  const index = tryRead(read, tokenIndex, 512);
  if (!index) return undefined;
  if (index.readUInt16LE(0) !== 0) return undefined;
  for (let b = 1; b < 256; b++) if (index.readUInt16LE(2 * b) <= index.readUInt16LE(2 * b - 2)) return undefined;
  const tokenTable = digitAt - BigInt(index.readUInt16LE(2 * 0x30));
  if (tokenTable % 8n !== 0n) return undefined;
  const tableLen = Number(digitAt - tokenTable) + p;
  const table = tryRead(read, tokenTable, tableLen);
  if (!table) return undefined;
  // Every token must end (NUL) exactly where the next one starts.
  for (let b = 0; b < 256; b++) {
    const s = index.readUInt16LE(2 * b);
    const next = b < 255 ? index.readUInt16LE(2 * b + 2) : tableLen;
    if (next > tableLen || table[next - 1] !== 0 || table.subarray(s, next - 1).includes(0)) return undefined;
  }
  return { tokenTable, tokenIndex, tokens: parseTokens(table, index) };
}

interface NamesFound {
  markers: bigint;
  markerValues: Uint32Array;
  names: bigint;
  numSyms: bigint;
  count: number;
  namesBuf: Buffer;
  /** The names walked and hashed with 2-byte lengths, when that walk was the one that fit. */
  index?: KallsymsNames;
}

/** Where a markers array could end: walking back from `end` (exclusive) over u32s that
 *  strictly decrease down to markers[0] = 0, from an 8-aligned start. */
function markersEndingAt(buf: Buffer, bufAddr: bigint, end: number): { at: bigint; values: Uint32Array } | undefined {
  let prev = Infinity;
  let i = end;
  while (i >= 4) {
    const v = buf.readUInt32LE(i - 4);
    if (v >= prev) return undefined;
    prev = v;
    i -= 4;
    if (v === 0) break;
  }
  if (prev !== 0) return undefined;
  const at = bufAddr + BigInt(i);
  if (at % 8n !== 0n) return undefined;
  return { at, values: u32Array(buf.subarray(i, end), (end - i) / 4) };
}

/** Step 4: given the markers, the names before them and kallsyms_num_syms 8 bytes before
 *  those; `countOk` narrows the symbol count further (when a seqs table sized it). */
function namesBeforeMarkers(
  read: VirtualReader,
  markersAddr: bigint,
  markerValues: Uint32Array,
  countOk: (n: number) => boolean,
  tokens?: Tokens,
): NamesFound | undefined {
  const k = markerValues.length;
  const lastMarker = markerValues[k - 1];
  // Names end at or before the markers; the last ≤ 256 symbols follow the last marker.
  let slack = 256 * 260 + 16;
  let regionStart = markersAddr - BigInt(lastMarker) - BigInt(slack);
  let region = tryRead(read, regionStart, Number(markersAddr - regionStart));
  while (!region && slack > 1024) {
    slack >>= 2;
    regionStart = markersAddr - BigInt(lastMarker) - BigInt(slack);
    region = tryRead(read, regionStart, Number(markersAddr - regionStart));
  }
  if (!region) return undefined;
  // Candidate names starts, nearest first: 8-aligned, num_syms (u32 + 4 zero bytes) before them.
  const latest = markersAddr - BigInt(lastMarker) - 2n;
  for (let s = latest & ~7n; s >= regionStart + 8n; s -= 8n) {
    const o = Number(s - regionStart);
    const n = region.readUInt32LE(o - 8);
    if (region.readUInt32LE(o - 4) !== 0 || n === 0 || (n + 255) >>> 8 !== k || !countOk(n)) continue;
    const namesLen = Number(markersAddr - s); // the names, padded to the markers
    const namesBuf = region.subarray(o);
    for (const long of [true, false]) {
      // 2-byte lengths first: walked and hashed at once, the index the table needs if it fits
      const w = long && tokens ? KallsymsNames.index(namesBuf, n, tokens, true) : walkNames(namesBuf, n, long);
      if (!w || Number(align8(BigInt(w.end))) !== namesLen) continue;
      if (w.markers.every((m, j) => m === markerValues[j])) {
        return { markers: markersAddr, markerValues, names: s, numSyms: s - 8n, count: n, namesBuf, index: w instanceof KallsymsNames ? w : undefined };
      }
    }
  }
  return undefined;
}

/** Steps 3–4: kallsyms_markers right before the token table (or, 6.2–6.3 and backports, before
 *  kallsyms_seqs_of_names: 3 bytes per symbol, 4 in its first version), then the names. */
function namesBefore(read: VirtualReader, tokenTable: bigint, tokens?: Tokens): NamesFound | undefined {
  // Directly before the token table: markers end there or 4 bytes earlier (padding to 8).
  // The markers of up to 4 million symbols fit in 64 KiB; near the start of the readable
  // image, settle for less.
  const before = readBackward(read, tokenTable, 0x10000);
  const back = before.length;
  if (back < 16) return undefined;
  for (const pad of [0, 4]) {
    if (pad === 4 && before.readUInt32LE(back - 4) !== 0) continue;
    const m = markersEndingAt(before, tokenTable - BigInt(back), back - pad);
    if (!m) continue;
    const found = namesBeforeMarkers(read, m.at, m.values, () => true, tokens);
    if (found) return found;
  }
  // With a seqs table in between: look further back for a markers end whose count fits the gap.
  let searched = 0;
  for (const want of [1 << 19, 1 << 22, 1 << 24]) {
    const buf = readBackward(read, tokenTable, want);
    const span = buf.length;
    if (span <= searched) break; // nothing more readable
    searched = span;
    const bufAddr = tokenTable - BigInt(span);
    for (let seqStart = span - 8; seqStart >= 8; seqStart -= 8) {
      const gap = span - seqStart; // bytes of seqs, padded to 8
      for (const pad of [0, 4]) {
        const e = seqStart - pad;
        if (e < 8) continue;
        if (pad === 4 && buf.readUInt32LE(e) !== 0) continue;
        // Cheap filter first: the last two markers 256 symbols (≥ 512 bytes) apart.
        const last = buf.readUInt32LE(e - 4);
        const prev = buf.readUInt32LE(e - 8);
        if (!(prev < last && last - prev >= 512 && last - prev < 256 * 1024)) continue;
        const m = markersEndingAt(buf, bufAddr, e);
        if (!m) continue;
        const fits = (n: number) => align8(BigInt(3 * n)) === BigInt(gap) || align8(BigInt(4 * n)) === BigInt(gap);
        const k = m.values.length;
        let possible = false;
        for (const per of [3, 4]) {
          const nLo = Math.ceil((gap - 7) / per);
          const nHi = Math.floor(gap / per);
          if (nLo <= nHi && (nHi + 255) >>> 8 >= k && (nLo + 255) >>> 8 <= k) possible = true;
        }
        if (!possible) continue;
        const found = namesBeforeMarkers(read, m.at, m.values, fits, tokens);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * Find and decode kallsyms in [start, end) of kernel virtual memory (the kernel image:
 * [_stext, _stext + 64 MiB) or so). Unreadable pages are skipped. The address encoding is the
 * one that puts _stext at VMCOREINFO SYMBOL(_stext) (or at `start` when VMCOREINFO lacks it).
 */
export function findKallsymsByShapeDetailed(read: VirtualReader, start: bigint, end: bigint, info?: VmcoreInfo): KallsymsFound {
  const stext = (info ? symbolAddress(info, '_stext') : undefined) ?? start;
  const state = { unreadablePages: 0, rejected: [] as { at: bigint; why: string }[] };
  // From where the names probably are to the end, then the rest: every candidate of the range
  // is still tried, only in another order (kallsyms-probe.ts).
  const guess = namesGuess(read, start, end);
  const parts: [bigint, bigint][] = guess === undefined || guess <= start ? [[start, end]] : [[guess, end], [start, guess]];
  for (const [from, to] of parts) {
    const found = scanRange(read, start, end, from, to, stext, state);
    if (found) return { ...found, unreadablePages: state.unreadablePages };
  }
  // Candidates named in the order of their addresses, as one pass from the start finds them.
  const rejected = state.rejected.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((r) => r.why);
  throw new KallsymsError(
    `no kallsyms tables found in 0x${start.toString(16)}-0x${end.toString(16)}` +
      (rejected.length ? ` (candidates rejected: ${rejected.slice(0, 3).join('; ')})` : '') +
      (state.unreadablePages ? `; ${state.unreadablePages} pages of that range are not in the dump` : ''),
  );
}

/** The tables whose digit tokens start in [from, to) (a part of the range [start, end)), read
 *  CHUNK bytes at a time: a run of pages past the token table at most is decoded for nothing. */
function scanRange(
  read: VirtualReader,
  start: bigint,
  end: bigint,
  from: bigint,
  to: bigint,
  stext: bigint,
  state: { unreadablePages: number; rejected: { at: bigint; why: string }[] },
): Omit<KallsymsFound, 'unreadablePages'> | undefined {
  for (let chunk = from; chunk < to; chunk += BigInt(CHUNK)) {
    // With the digit run's length after: a run across the chunk's end is found.
    const hi = chunk + BigInt(CHUNK + DIGITS.length) < end ? chunk + BigInt(CHUNK + DIGITS.length) : end;
    const { buf, missing } = readTolerant(read, chunk, Number(hi - chunk), CHUNK);
    state.unreadablePages += missing;
    const stop = Math.min(Number(to - chunk), CHUNK);
    for (let hit = buf.indexOf(DIGITS); hit >= 0 && hit < stop; hit = buf.indexOf(DIGITS, hit + 1)) {
      // "0" must be a token start: the byte before ends token "/" (0x2f) or another token.
      if (hit > 0 ? buf[hit - 1] !== 0 : chunk > start && tryRead(read, chunk - 1n, 1)?.[0] !== 0) continue;
      const digitAt = chunk + BigInt(hit);
      const why: string[] = [];
      const found = tablesAt(read, digitAt, stext, why);
      for (const w of why) state.rejected.push({ at: digitAt, why: w });
      if (found) return { ...found, scanned: Number(digitAt - start) };
    }
  }
  return undefined;
}

function tablesAt(
  read: VirtualReader,
  digitAt: bigint,
  stext: bigint,
  rejected: string[],
): Omit<KallsymsFound, 'scanned' | 'unreadablePages'> | undefined {
  const tok = tokensFrom(read, digitAt);
  if (!tok) return undefined;
  const nf = namesBefore(read, tok.tokenTable, tok.tokens);
  if (!nf) {
    rejected.push(`token table at 0x${tok.tokenTable.toString(16)}: no names and markers before it`);
    return undefined;
  }
  const n = nf.count;
  // The length encoding whose symbol offsets equal kallsyms_markers (2-byte lengths first: since
  // 6.1 that is what scripts/kallsyms.c writes). When the 2-byte walk fit the markers it was
  // walked and hashed already (it is the one encodings() would list first and pick).
  let names = nf.index;
  if (!names) {
    const options = encodings(nf.namesBuf, n);
    if (options.length === 0) throw new KallsymsError(`kallsyms_names does not hold ${n} symbols`);
    const chosen = options.find((o) => sameMarkers(o.walk.markers, nf.markerValues)) ?? options[0];
    names = KallsymsNames.index(nf.namesBuf, n, tok.tokens, chosen.longLengths)!;
  }
  names.checkNoNewline();
  const stextAt = stextIndex(names);
  const size4 = align8(BigInt(4 * n));
  // Address tables: before num_syms (up to 6.3) or after token_index (6.4+).
  const candidates: { layout: 'old' | 'new'; offsets?: bigint; relativeBase?: bigint; addresses?: bigint }[] = [
    { layout: 'old', offsets: nf.numSyms - 8n - size4, relativeBase: nf.numSyms - 8n },
    { layout: 'old', addresses: nf.numSyms - BigInt(8 * n) },
    { layout: 'new', offsets: tok.tokenIndex + 512n, relativeBase: tok.tokenIndex + 512n + size4 },
    { layout: 'new', offsets: tok.tokenIndex + 512n },
  ];
  const tried: string[] = [];
  for (const c of candidates) {
    const offsets = c.offsets !== undefined ? tryRead(read, c.offsets, 4 * n) : undefined;
    const addresses = c.addresses !== undefined ? tryRead(read, c.addresses, 8 * n) : undefined;
    const rb = c.relativeBase !== undefined ? tryRead(read, c.relativeBase, 8) : undefined;
    if (!offsets && !addresses) continue;
    try {
      const data = { offsets, addresses, relativeBase: rb?.readBigUInt64LE(0), offsetsAddress: c.offsets };
      const scheme = chooseScheme(stextAt, stext, data);
      const at = {
        tokenTable: tok.tokenTable,
        tokenIndex: tok.tokenIndex,
        markers: nf.markers,
        names: nf.names,
        numSyms: nf.numSyms,
        offsets: c.offsets,
        relativeBase: c.relativeBase,
        addresses: c.addresses,
      };
      const source = `kallsyms found in the dump by shape (${scheme}, ${n} symbols, kallsyms_names at 0x${nf.names.toString(16)})`;
      return { table: new KallsymsTable(names, () => names, bufferAddresses({ scheme, ...data }, n), source), scheme, count: n, at, layout: c.layout };
    } catch (e) {
      tried.push((e as Error).message);
    }
  }
  rejected.push(`names at 0x${nf.names.toString(16)}: ${tried[0] ?? 'no address table readable'}`);
  return undefined;
}

/** The kernel's symbols from kallsyms found by shape in [start, end) (see the file comment). */
export function findKallsymsByShape(read: VirtualReader, start: bigint, end: bigint, info?: VmcoreInfo): SymbolTable {
  return findKallsymsByShapeDetailed(read, start, end, info).table;
}
