// Test helper: lay out kallsyms tables in a fake kernel image the way scripts/kallsyms.c
// (write_src) does, for each address scheme and both table orders.

import type { VirtualReader } from '../../src/debuginfo/types.js';
import type { AddressScheme } from '../../src/debuginfo/kallsyms.js';

export interface FakeSymbol {
  name: string;
  type: string;
  address: bigint;
}

export interface BuildOptions {
  scheme: AddressScheme;
  /** 2-byte lengths for symbols of ≥ 128 tokens (6.1+); false writes a plain length byte. */
  longLengths?: boolean;
  /** 'old': offsets, relative_base, num_syms, names, markers, token_table, token_index (≤ 6.3);
   *  'new': num_syms, names, markers, token_table, token_index, offsets, relative_base (6.4+). */
  layout?: 'old' | 'new';
  /** Where the tables start (virtual). */
  base?: bigint;
  /** Multi-character tokens to use besides single characters. */
  tokens?: string[];
  /** Bytes of junk before and after the tables. */
  padding?: number;
  /** relative_base for the relative schemes (default: lowest non-per-CPU address). */
  relativeBase?: bigint;
  /** kallsyms_seqs_of_names (6.2+): 'old' layout between markers and token table (6.2–6.3);
   *  'new' layout after relative_base (6.4+), or 'packed' right after the offsets (7.x). */
  seqs?: 'between' | 'after' | 'packed';
  /** Sort the seqs by names cut at their first '.' (6.2–6.9 with CONFIG_LTO_CLANG). */
  ltoSort?: boolean;
  /** Seqs in this order instead of name order (a table that does not check out). */
  seqsOrder?: (n: number) => number[];
}

/** Symbol indices in name order, as scripts/kallsyms.c sort_symbols_by_name leaves them. */
export function nameOrder(symbols: FakeSymbol[], lto = false): number[] {
  const key = (s: string) => (lto && s.includes('.') ? s.slice(0, s.indexOf('.')) : s);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return symbols
    .map((_, i) => i)
    .sort((a, b) => cmp(key(symbols[a].name), key(symbols[b].name)) || (symbols[a].address < symbols[b].address ? -1 : symbols[a].address > symbols[b].address ? 1 : a - b));
}

export interface BuiltImage {
  image: Buffer;
  base: bigint;
  read: VirtualReader;
  at: Record<string, bigint>;
  vmcoreinfo: string;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Build token table + compressed names. Symbols get sorted by address like nm -n. */
export function compress(symbols: FakeSymbol[], extraTokens: string[] = []) {
  const full = symbols.map((s) => s.type + s.name);
  const tokens: string[] = new Array(256).fill('');
  const used = new Set<number>();
  for (const f of full) for (const ch of f) used.add(ch.charCodeAt(0));
  for (const c of used) tokens[c] = String.fromCharCode(c);
  const free = [...Array(256).keys()].filter((c) => !used.has(c));
  const multi = extraTokens.slice(0, free.length);
  multi.forEach((t, i) => (tokens[free[i]] = t));
  const encoded = full.map((f) => {
    const out: number[] = [];
    let i = 0;
    while (i < f.length) {
      let best = -1;
      let bestLen = 0;
      for (let c = 0; c < 256; c++) {
        const t = tokens[c];
        if (t.length > bestLen && f.startsWith(t, i)) {
          best = c;
          bestLen = t.length;
        }
      }
      out.push(best);
      i += bestLen;
    }
    return out;
  });
  const tokenParts: Buffer[] = [];
  const index = Buffer.alloc(512);
  let off = 0;
  for (let c = 0; c < 256; c++) {
    index.writeUInt16LE(off, 2 * c);
    const b = Buffer.from(tokens[c] + '\0', 'latin1');
    tokenParts.push(b);
    off += b.length;
  }
  return { tokenTable: Buffer.concat(tokenParts), tokenIndex: index, encoded };
}

export function encodeNames(encoded: number[][], longLengths: boolean) {
  const parts: number[] = [];
  const markers: number[] = [];
  encoded.forEach((e, i) => {
    if ((i & 0xff) === 0) markers.push(parts.length);
    if (e.length > 0x7f && longLengths) parts.push((e.length & 0x7f) | 0x80, e.length >> 7);
    else parts.push(e.length & 0xff);
    parts.push(...e);
  });
  return { names: Buffer.from(parts), markers };
}

export function buildImage(input: FakeSymbol[], opts: BuildOptions): BuiltImage {
  const symbols = [...input].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const base = opts.base ?? 0xffffffff82000000n;
  const { tokenTable, tokenIndex, encoded } = compress(symbols, opts.tokens);
  const { names, markers } = encodeNames(encoded, opts.longLengths ?? true);
  const n = symbols.length;
  const markerBuf = Buffer.alloc(4 * markers.length);
  markers.forEach((m, i) => markerBuf.writeUInt32LE(m, 4 * i));
  const numBuf = Buffer.alloc(4);
  numBuf.writeUInt32LE(n, 0);

  const relBase =
    opts.relativeBase ?? symbols.map((s) => s.address).filter((a) => a >= 0xffff800000000000n).reduce((a, b) => (a < b ? a : b));

  // Placement: compute offsets of each table, then fill.
  const pad = opts.padding ?? 64;
  const layout = opts.layout ?? 'old';
  const sizes: Record<string, number> = {
    offsets: opts.scheme === 'absolute' ? 8 * n : 4 * n,
    relative_base: opts.scheme === 'absolute' || opts.scheme === 'place-relative' ? 0 : 8,
    num_syms: 4,
    names: names.length,
    markers: markerBuf.length,
    token_table: tokenTable.length,
    token_index: 512,
    seqs: opts.seqs ? 3 * n : 0,
  };
  const order =
    layout === 'old'
      ? ['offsets', 'relative_base', 'num_syms', 'names', 'markers', 'token_table', 'token_index']
      : ['num_syms', 'names', 'markers', 'token_table', 'token_index', 'offsets', 'relative_base'];
  if (opts.seqs === 'between') order.splice(order.indexOf('token_table'), 0, 'seqs');
  else if (opts.seqs === 'after') order.splice(order.indexOf('relative_base') + 1, 0, 'seqs');
  else if (opts.seqs === 'packed') order.splice(order.indexOf('offsets') + 1, 0, 'seqs');
  const pos: Record<string, number> = {};
  let p = align8(pad);
  for (const t of order) {
    if (sizes[t] === 0) continue;
    if (!(t === 'seqs' && opts.seqs === 'packed')) p = align8(p);
    pos[t] = p;
    p += sizes[t];
  }
  const image = Buffer.alloc(align8(p) + pad, 0);
  image.fill(0x5a, 0, pos[order.find((t) => sizes[t] > 0)!]); // junk before
  const at = (t: string) => base + BigInt(pos[t]);

  const tableAddr = opts.scheme === 'absolute' ? 'kallsyms_addresses' : 'kallsyms_offsets';
  for (let i = 0; i < n; i++) {
    const a = symbols[i].address;
    const o = pos.offsets;
    switch (opts.scheme) {
      case 'absolute':
        image.writeBigUInt64LE(a, o + 8 * i);
        break;
      case 'base-relative':
        image.writeUInt32LE(Number(a - relBase), o + 4 * i);
        break;
      case 'absolute-percpu':
        if (a < 0x80000000n) image.writeInt32LE(Number(a), o + 4 * i);
        else image.writeInt32LE(Number(relBase - a - 1n), o + 4 * i);
        break;
      case 'place-relative':
        image.writeInt32LE(Number(a - (at('offsets') + BigInt(4 * i))), o + 4 * i);
        break;
    }
  }
  if (pos.relative_base !== undefined) image.writeBigUInt64LE(relBase, pos.relative_base);
  numBuf.copy(image, pos.num_syms);
  names.copy(image, pos.names);
  markerBuf.copy(image, pos.markers);
  tokenTable.copy(image, pos.token_table);
  tokenIndex.copy(image, pos.token_index);
  if (opts.seqs) {
    const seq = opts.seqsOrder?.(n) ?? nameOrder(symbols, opts.ltoSort);
    seq.forEach((v, i) => image.writeUIntBE(v, pos.seqs + 3 * i, 3));
  }

  const addrs: Record<string, bigint> = {
    kallsyms_names: at('names'),
    kallsyms_num_syms: at('num_syms'),
    kallsyms_token_table: at('token_table'),
    kallsyms_token_index: at('token_index'),
    kallsyms_markers: at('markers'),
    [tableAddr]: at('offsets'),
  };
  if (opts.seqs) addrs.kallsyms_seqs_of_names = at('seqs');
  if (pos.relative_base !== undefined) addrs.kallsyms_relative_base = at('relative_base');
  const stext = symbols.find((s) => s.name === '_stext')?.address ?? 0n;
  const lines = [
    'OSRELEASE=6.1.0-test',
    'PAGESIZE=4096',
    `SYMBOL(_stext)=${stext.toString(16)}`,
    ...Object.entries(addrs)
      .filter(([k]) => k !== 'kallsyms_markers' && k !== 'kallsyms_seqs_of_names')
      .map(([k, v]) => `SYMBOL(${k})=${v.toString(16)}`),
  ];
  const read: VirtualReader = (address, length) => {
    const off = Number(address - base);
    if (off < 0 || off + length > image.length) throw new Error(`fake read outside the image: 0x${address.toString(16)}+${length}`);
    return image.subarray(off, off + length);
  };
  return { image, base, read, at: addrs, vmcoreinfo: lines.join('\n') + '\n' };
}

/** A few hundred plausible symbols: per-CPU ones at small addresses, text, data. */
export function sampleSymbols(count = 700): FakeSymbol[] {
  const out: FakeSymbol[] = [
    { name: 'fixed_percpu_data', type: 'A', address: 0n },
    { name: 'cpu_number', type: 'D', address: 0x1f000n },
    { name: '_text', type: 'T', address: 0xffffffff9a000000n },
    { name: '_stext', type: 'T', address: 0xffffffff9a001000n },
    { name: 'tcp_v4_rcv', type: 'T', address: 0xffffffff9a8a1230n },
    { name: 'init_net', type: 'D', address: 0xffffffff9c3f1b40n },
    { name: 'tcp_hashinfo', type: 'B', address: 0xffffffff9c9c0000n },
  ];
  for (let i = 0; out.length < count; i++) {
    out.push({ name: `tcp_helper_${i}`, type: i % 3 === 0 ? 't' : 'T', address: 0xffffffff9a100000n + BigInt(i * 48) });
  }
  return out;
}
