// nftables sets and their elements, per backend (the set type `set->ops` belongs to):
//   nft_set_bitmap.c  nft_bitmap {list; …} of nft_bitmap_elem {head; ext}
//   nft_set_hash.c    nft_hash (fast/fixed) {seed; buckets; hlist_head table[]} of nft_hash_elem {node; ext};
//                     nft_rhash {rhashtable ht} of nft_rhash_elem {node; ext}
//   nft_set_rbtree.c  nft_rbtree {rb_root root} of nft_rbtree_elem {node; ext}: intervals are
//                     a start element and an end element flagged NFT_SET_ELEM_INTERVAL_END
// Each element's data is a struct nft_set_ext {u8 genmask; u8 offset[NFT_SET_EXT_NUM]; data[]}
// (include/net/netfilter/nf_tables.h: nft_set_ext_key, nft_set_ext_flags). nft sorts the
// elements it lists (src/netlink.c → list_expr_sort); so do we.

import type { Kernel } from '../kernel/kernel.js';
import { perKernel } from '../kernel/memo.js';
import { unreadable, listEntries, rbtreeNodes, readInAddressOrder, type WalkProblem } from '../kernel/walk.js';
import { readRhashtable } from './rhashtable.js';
import { drainSteps, readChainsInAddressOrder, type ChainStart } from './address-order.js';
import { datatypeIds, datatypeName } from './nft-names.js';
import { formatInterval, formatValue, kindOfDatatype } from './nft-value.js';

export interface NftSet {
  name: string;
  handle: number;
  /** nft's key type words: "ipv4_addr", "inet_service", "ipv4_addr . inet_service". */
  type: string;
  ktype: number;
  flags: number;
  /** The words `flags …` prints (constant, interval, timeout, dynamic). */
  flagWords: string[];
  anonymous: boolean;
  active: boolean;
  /** The backend: bitmap, hash, rhash, rbtree, pipapo … */
  backend: string;
  /** As nft prints them; null when the backend could not be read. */
  elements: string[] | null;
  address: bigint;
}

const SET_FLAG_WORDS: [number, string][] = [[0x2, 'constant'], [0x4, 'interval'], [0x10, 'timeout'], [0x20, 'dynamic']];
const INTERVAL_END = 1; // NFT_SET_ELEM_INTERVAL_END
const MAX_ELEMS = 1_000_000;

const fields = perKernel((k: Kernel) => {
  const S = 'struct nft_set';
  const ext = (name: string, dflt: number) => {
    const r = k.typeRef('enum nft_set_extensions');
    if (r) for (const e of r.btf.enumerators(r.id)) if (e.name === name) return Number(e.value);
    return dflt;
  };
  return {
    name: k.field(S, 'name'), handle: k.field(S, 'handle'), ktype: k.field(S, 'ktype'), flags: k.field(S, 'flags'),
    genmask: k.field(S, 'genmask'), klen: k.field(S, 'klen'), ops: k.field(S, 'ops'), data: k.off(S, 'data'),
    fieldLen: k.tryField(S, 'field_len'), fieldCount: k.tryField(S, 'field_count'),
    extKey: ext('NFT_SET_EXT_KEY', 0), extFlags: ext('NFT_SET_EXT_FLAGS', 3), extOffset: 1,
  };
});

/** Where a backend's element struct keeps its list node and its ext. */
function elemOffsets(k: Kernel, struct: string, node: string): { node: bigint; ext: bigint } {
  return { node: k.off(struct, node), ext: k.off(struct, 'ext') };
}

export function readSet(k: Kernel, s: bigint, gen: number, problems: WalkProblem[]): NftSet {
  const F = fields(k);
  const flags = k.num(s, F.flags);
  const ktype = k.num(s, F.ktype);
  const sym = k.symbolize(k.ptr(s, F.ops)).split(/[+ ]/)[0];
  const backend = sym.replace(/^nft_set_/, '').replace(/_type$/, '').replace(/^nft_/, '').replace(/_ops$/, '') || sym;
  const set: NftSet = {
    name: k.mem.cstring(k.ptr(s, F.name), 256), handle: Number(k.big(s, F.handle)), type: datatypeName(ktype), ktype, flags,
    flagWords: SET_FLAG_WORDS.filter(([b]) => flags & b).map(([, w]) => w), anonymous: (flags & 1) !== 0,
    active: (k.num(s, F.genmask) & (1 << gen)) === 0, backend, elements: null, address: s,
  };
  try {
    set.elements = readElements(k, s, set, gen, problems);
  } catch (e) {
    problems.push(unreadable(`elements of set ${set.name}`, s, e));
  }
  return set;
}

function readElements(k: Kernel, s: bigint, set: NftSet, gen: number, problems: WalkProblem[]): string[] | null {
  const F = fields(k);
  const priv = s + F.data;
  const where = `elements of set ${set.name}`;
  const onProblem = (p: WalkProblem) => problems.push(p);
  // klen is read before the elements, which need it; what reading it throws is the set's
  // problem only once the walk's own are in (the kernel's order of reads, kept).
  let klen = 0;
  let klenFailed: { error: unknown } | undefined;
  try {
    klen = k.num(s, F.klen);
  } catch (e) {
    klenFailed = { error: e };
  }
  // One element's key and flags, or null when it is not active in the current generation;
  // what reading it threw, kept to be its problem after the walk's own.
  const readItem = (ext: bigint): Read => {
    try {
      const hdr = k.mem.read(ext, 1 + 8);
      if (hdr[0] & (1 << gen)) return { ext, item: null }; // not active in the current generation
      const keyOff = hdr[F.extOffset + F.extKey];
      const flagOff = hdr[F.extOffset + F.extFlags];
      const key = k.mem.read(ext + BigInt(keyOff), klen);
      const flags = flagOff ? k.mem.u8(ext + BigInt(flagOff)) : 0;
      return { ext, item: { key, end: (flags & INTERVAL_END) !== 0 } };
    } catch (e) {
      return { ext, error: e };
    }
  };
  // Bytes of an element read: its node, ext header, key and flags (a small allocation).
  const span = 256;
  let read: Read[];
  const b = set.backend;
  if (b.startsWith('bitmap')) {
    const o = elemOffsets(k, 'struct nft_bitmap_elem', 'head');
    const exts: bigint[] = [];
    for (const l of listEntries(k.mem, priv + k.off('struct nft_bitmap', 'list'), { where, limit: MAX_ELEMS, onProblem })) exts.push(l - o.node + o.ext);
    read = readInAddressOrder(k.mem, exts, readItem, span);
  } else if (b.startsWith('rhash')) {
    // A large set (a meter, a dynamic set) is read in address order, chain by chain as the
    // kernel lists it; the elements are sorted by key below anyway.
    const o = elemOffsets(k, 'struct nft_rhash_elem', 'node');
    read = readRhashtable(k, priv + k.off('struct nft_rhash', 'ht'), o.node, where, problems, (e) => readItem(e + o.ext), span);
  } else if (b.startsWith('hash')) {
    const o = elemOffsets(k, 'struct nft_hash_elem', 'node');
    const n = k.mem.u32(priv + k.off('struct nft_hash', 'buckets'));
    if (n > 1 << 24) throw new Error(`${n} hash buckets`);
    const table = priv + k.off('struct nft_hash', 'table');
    const heads = k.mem.read(table, n * 8);
    const starts: ChainStart[] = [];
    for (let i = 0; i < n; i++) {
      const first = heads.readBigUInt64LE(i * 8);
      if (first) starts.push({ chain: i, first });
    }
    const shape = { where: (i: number) => `${where} bucket ${i}`, nextOffset: 0n, entryOffset: o.node, nulls: false, limit: MAX_ELEMS, span };
    read = [];
    drainSteps(readChainsInAddressOrder(k, starts, shape, (e) => readItem(e + o.ext)), read, problems);
  } else if (b.startsWith('rbtree')) {
    const o = elemOffsets(k, 'struct nft_rbtree_elem', 'node');
    const root = k.mem.ptr(priv + k.off('struct nft_rbtree', 'root'));
    const exts: bigint[] = [];
    for (const node of rbtreeNodes(k.mem, root, { where, limit: MAX_ELEMS, onProblem })) exts.push(node - o.node + o.ext);
    read = readInAddressOrder(k.mem, exts, readItem, span);
  } else {
    problems.push({ where, address: s, kind: 'unreadable', detail: `elements of a ${b} set are not decoded` });
    return null;
  }
  if (klenFailed) throw klenFailed.error;
  const items: Item[] = [];
  for (const r of read) {
    if ('error' in r) problems.push(unreadable(where, r.ext, r.error));
    else if (r.item) items.push(r.item);
  }
  items.sort((x, y) => Buffer.compare(x.key, y.key) || (x.end ? -1 : 1));
  const ids = datatypeIds(set.ktype);
  const kind = kindOfDatatype(ids[0] ?? 0);
  if (ids.length > 1) {
    const lens = F.fieldLen ? [...k.mem.read(s + F.fieldLen.offsetN, ids.length)] : [];
    return items.filter((i) => !i.end).map((i) => formatConcat(ids, lens, i.key));
  }
  if (set.flags & 0x4) {
    // rbtree intervals: a start, then the (exclusive) end flagged INTERVAL_END
    const out: string[] = [];
    for (let i = 0; i < items.length; i++) {
      if (items[i].end) continue;
      const next = items[i + 1];
      out.push(formatInterval(kind, items[i].key, next?.end ? next.key : null));
      if (next?.end) i++;
    }
    return out;
  }
  return items.map((i) => formatValue(kind, i.key));
}

interface Item {
  key: Buffer;
  end: boolean;
}
type Read = { ext: bigint; item: Item | null } | { ext: bigint; error: unknown };


function formatConcat(ids: number[], lens: number[], key: Buffer): string {
  const parts: string[] = [];
  let off = 0;
  ids.forEach((id, i) => {
    const len = lens[i] || 4;
    parts.push(formatValue(kindOfDatatype(id), key.subarray(off, off + len)));
    off += Math.ceil(len / 4) * 4;
  });
  return parts.join(' . ');
}
