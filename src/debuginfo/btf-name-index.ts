// The index of BTF type names by namespace, made from the string section's bytes: a hash of
// each name's bytes into typed arrays (bucket heads, a chain link per type id), no string and
// no Map entry per type. A lookup hashes the name asked for and compares bytes along one
// chain. Made as a Map of strings it cost ~6 ms on 6.1's 100,000 types (a 1.8 MB latin1 string
// of the whole section, then ~14,000 slices and Map insertions) for the ~25 names `-at` asks.

import { namespaceOf, type Namespace } from './btf-kinds.js';

// Namespace of each BTF kind as a small code (0: not indexed), for the hot loop.
const NS_CODES: readonly (Namespace | undefined)[] = [undefined, 'tag', 'typedef', 'base', 'var', 'other'];
const NS_OTHER = 5;
const KIND_NS = new Uint8Array(32);
for (let k = 0; k < 32; k++) KIND_NS[k] = Math.max(0, NS_CODES.indexOf(namespaceOf(k)));

export const nsCode = (ns: Namespace): number => NS_CODES.indexOf(ns);
export const isOtherNs = (ns: Namespace): boolean => ns === 'other';

/** Where the names live: `own` holds string offsets from `shift` on (a split BTF's strings
 *  follow its base's), `base` those below it. */
export interface NameBytes {
  own: Uint8Array;
  base: Uint8Array | undefined;
  shift: number;
}

// FNV-1a, 32 bits: names are short, and the hash is computed once per indexed type.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export class BtfNameIndex {
  private constructor(
    private readonly heads: Int32Array, // bucket → first type id of its chain (0: empty)
    private readonly next: Int32Array, // type id - first → the next id of its chain (0: end)
    private readonly first: number,
    private readonly words: Uint32Array,
    private readonly offs: Uint32Array,
    private readonly bytes: NameBytes,
  ) {}

  /** An index whose chains were linked elsewhere (btf-scan.ts, in wasm), as link() links them. */
  static fromChains(heads: Int32Array, next: Int32Array, first: number, words: Uint32Array, offs: Uint32Array, bytes: NameBytes): BtfNameIndex {
    return new BtfNameIndex(heads, next, first, words, offs, bytes);
  }

  /** Index `ids` (ascending, each named and of a namespace but 'other': scanTypes lists them),
   *  of ids first..last. */
  static buildFrom(words: Uint32Array, offs: Uint32Array, ids: Uint32Array, first: number, last: number, bytes: NameBytes): BtfNameIndex {
    const hashes = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) hashes[i] = hashAt(bytes, words[offs[ids[i]!]!]!);
    return BtfNameIndex.link(words, offs, ids, hashes, first, last, bytes);
  }

  /** Index the named types of namespace 'other' (functions: most of the names, looked up
   *  rarely) among ids first..last. */
  static buildOther(words: Uint32Array, offs: Uint32Array, first: number, last: number, bytes: NameBytes): BtfNameIndex {
    const ids: number[] = [];
    const hashes: number[] = [];
    for (let id = first; id <= last; id++) {
      const w = offs[id]!;
      const nameOff = words[w]!;
      if (nameOff === 0 || KIND_NS[(words[w + 1]! >>> 24) & 0x1f] !== NS_OTHER) continue;
      ids.push(id);
      hashes.push(hashAt(bytes, nameOff));
    }
    return BtfNameIndex.link(words, offs, ids, hashes, first, last, bytes);
  }

  /** Chains of `ids` (ascending) by hash, each chain ascending. */
  private static link(words: Uint32Array, offs: Uint32Array, ids: ArrayLike<number>, hashes: ArrayLike<number>, first: number, last: number, bytes: NameBytes): BtfNameIndex {
    let size = 16;
    while (size < 2 * ids.length) size *= 2;
    const heads = new Int32Array(size);
    const next = new Int32Array(Math.max(0, last - first + 1));
    const mask = size - 1;
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i]!;
      const b = hashes[i]! & mask;
      next[id - first] = heads[b]!;
      heads[b] = id;
    }
    return new BtfNameIndex(heads, next, first, words, offs, bytes);
  }

  /** Ids named `name` in namespace `ns` (of the kinds this index holds), ascending. */
  idsNamed(name: string, ns: Namespace): number[] {
    const code = nsCode(ns);
    let h = FNV_OFFSET;
    const L = name.length;
    for (let k = 0; k < L; k++) {
      const c = name.charCodeAt(k);
      if (c > 0xff) return []; // names are read as latin1: no byte is such a character
      if (c === 0) return []; // a name ends at its first NUL
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    const out: number[] = [];
    const { words, offs } = this;
    const { own, base, shift } = this.bytes;
    for (let id = this.heads[h & (this.heads.length - 1)]!; id !== 0; id = this.next[id - this.first]!) {
      const w = offs[id]!;
      if (KIND_NS[(words[w + 1]! >>> 24) & 0x1f] !== code) continue;
      const nameOff = words[w]!;
      let buf: Uint8Array, p: number;
      if (nameOff < shift) {
        buf = base!;
        p = nameOff;
      } else {
        buf = own;
        p = nameOff - shift;
      }
      if (sameName(buf, p, name)) out.push(id);
    }
    return out;
  }
}

/** FNV-1a of the name at string offset `nameOff` (to its NUL, or the section's end). */
function hashAt(bytes: NameBytes, nameOff: number): number {
  let buf: Uint8Array, p: number;
  if (nameOff < bytes.shift) {
    buf = bytes.base!;
    p = nameOff;
  } else {
    buf = bytes.own;
    p = nameOff - bytes.shift;
  }
  let h = FNV_OFFSET;
  for (const end = buf.length; p < end; p++) {
    const c = buf[p]!;
    if (c === 0) break;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h;
}

/** Whether the NUL-terminated (or section-ended) bytes at `p` are `name`. */
function sameName(buf: Uint8Array, p: number, name: string): boolean {
  const L = name.length;
  if (p > buf.length) p = buf.length;
  if (p + L > buf.length) return false;
  for (let k = 0; k < L; k++) if (buf[p + k] !== name.charCodeAt(k)) return false;
  return p + L === buf.length || buf[p + L] === 0;
}
