// The raw records of a BTF blob (include/uapi/linux/btf.h): the type section as 32-bit words,
// where each type starts, and the per-kind accessors that need nothing beyond one record.

import { BtfKind, btfKindName, namespaceOf, type BtfKindValue, type BtfMember, type BtfMemberRef, type BtfIntInfo, type BtfEnumerator, type BtfFuncProto, type BtfParam, type BtfVarSecinfo, type Namespace } from './btf-kinds.js';
export const BTF_MAGIC = 0xeb9f; // include/uapi/linux/btf.h BTF_MAGIC
export const BTF_MAGIC_SWAPPED = 0x9feb;
export const BTF_HEADER_MIN = 24; // sizeof(struct btf_header) (version 1)
export const MAX_RESOLVE_DEPTH = 64;
// Words after struct btf_type, per kind: a fixed part plus a part per vlen item (btf.h).
// INT: u32 encoding; ARRAY: struct btf_array; VAR: struct btf_var; DECL_TAG: struct btf_decl_tag;
// STRUCT/UNION: btf_member (3 words); ENUM: btf_enum (2); FUNC_PROTO: btf_param (2);
// DATASEC: btf_var_secinfo (3); ENUM64: btf_enum64 (3). -1 marks kinds this parser does not know.
export const EXTRA_WORDS = new Int8Array(32).fill(-1);
export const WORDS_PER_VLEN = new Uint8Array(32);
for (const [kind, fixed, perVlen] of [
  [BtfKind.Int, 1, 0], [BtfKind.Ptr, 0, 0], [BtfKind.Array, 3, 0], [BtfKind.Struct, 0, 3], [BtfKind.Union, 0, 3],
  [BtfKind.Enum, 0, 2], [BtfKind.Fwd, 0, 0], [BtfKind.Typedef, 0, 0], [BtfKind.Volatile, 0, 0], [BtfKind.Const, 0, 0],
  [BtfKind.Restrict, 0, 0], [BtfKind.Func, 0, 0], [BtfKind.FuncProto, 0, 2], [BtfKind.Var, 1, 0], [BtfKind.Datasec, 0, 3],
  [BtfKind.Float, 0, 0], [BtfKind.DeclTag, 1, 0], [BtfKind.TypeTag, 0, 0], [BtfKind.Enum64, 0, 3],
] as const) {
  EXTRA_WORDS[kind] = fixed;
  WORDS_PER_VLEN[kind] = perVlen;
}

// Kinds whose names the name index holds but for 'other' (btf-name-index.ts).
export const C_NAMESPACE = new Uint8Array(32);
for (let k = 0; k < 32; k++) C_NAMESPACE[k] = namespaceOf(k) !== undefined && namespaceOf(k) !== 'other' ? 1 : 0;

export const PTR_SIZE = 8; // x86-64 / arm64: the targets this tool reads
export const CACHE_LIMIT = 10000; // entries in the caches keyed by text
/** Buffer's own latin1 decoder, which toString('latin1', start, end) calls after checking its arguments. */
interface Latin1 {
  latin1Slice(start: number, end: number): string;
}
/** Names decoded one by one before the whole string section is made one string (str()). */
const STR_ALONE = 4096;

/** Record where each type starts (offs[id] = word index), from word `w` and id `id` on, and
 *  (in `named`) the ids of the named types the name index holds but for 'other' (BtfNameIndex:
 *  it then visits ~11,000 types instead of 100,000). Returns the last id and how many are named.
 *  Throws on a truncated or unknown type. */
export function scanTypes(words: Uint32Array, offs: Uint32Array, w: number, id: number, named: Uint32Array): { last: number; named: number } {
  const n = words.length;
  let k = 0;
  while (w < n) {
    if (w + 3 > n) throw new Error(`BTF: type ${id} at type-section byte ${w * 4} is truncated`);
    offs[id] = w;
    const info = words[w + 1]!;
    const kind = (info >>> 24) & 0x1f; // BTF_INFO_KIND
    const fixed = EXTRA_WORDS[kind]!;
    if (fixed < 0) throw new Error(`BTF: type ${id} at type-section byte ${w * 4} has unknown kind ${kind}`);
    if (C_NAMESPACE[kind] === 1 && words[w] !== 0) named[k++] = id;
    w += 3 + fixed + WORDS_PER_VLEN[kind]! * (info & 0xffff); // BTF_INFO_VLEN
    if (w > n) throw new Error(`BTF: type ${id} (${btfKindName(kind)}) at type-section byte ${offs[id]! * 4} runs past the type section`);
    id++;
  }
  return { last: id - 1, named: k };
}

/** The sections of a split BTF blob (little-endian, as the running kernel wrote it). */
export function splitHeader(b: Buffer): { typeStart: number; typeLen: number; strStart: number; strLen: number } {
  if (b.length < BTF_HEADER_MIN || b.readUInt16LE(0) !== BTF_MAGIC || b[2] !== 1) throw new Error('BTF: not a little-endian BTF v1 blob');
  const hdrLen = b.readUInt32LE(4);
  const typeStart = hdrLen + b.readUInt32LE(8), typeLen = b.readUInt32LE(12);
  const strStart = hdrLen + b.readUInt32LE(16), strLen = b.readUInt32LE(20);
  if (typeStart + typeLen > b.length || strStart + strLen > b.length || typeLen % 4) throw new Error('BTF: split BTF sections run past the blob');
  return { typeStart, typeLen, strStart, strLen };
}

/** The raw records of a BTF blob: kinds, names, sizes, targets, enums, arrays, functions.
 *  `Btf` adds members, the name index and type names on top. */
export abstract class BtfRecords {
  /** C-like text for a type (error messages here; defined by Btf). */
  abstract typeName(id: number): string;
  protected abstract idsNamed(name: string, ns: Namespace): readonly number[];

  /** Where the blob came from, for `info` (set by the loaders). */
  origin = '';
  /** Number of types; valid ids are 1..typeCount (0 is void). */
  readonly typeCount: number;
  readonly bigEndian: boolean;

  protected readonly words: Uint32Array; // the type section (a split BTF: its own types only)
  protected readonly strs: Buffer; // the string section (a split BTF: its own strings only)
  protected strText: string | undefined;
  private strsAlone = 0;
  protected readonly offs: Uint32Array; // offs[id] = word index of struct btf_type, in wordsOf(id)
  /** A split BTF's base (vmlinux), whose arrays, strings and caches it shares instead of
   *  copying: ids up to baseCount and string offsets below baseStrLen are the base's. */
  protected readonly base: BtfRecords | undefined;
  protected readonly baseCount: number;
  protected readonly baseWords: Uint32Array;
  protected readonly baseStrLen: number;

  protected readonly nameCache: (string | undefined)[] = [];
  protected readonly membersCache = new Map<number, BtfMember[]>();
  protected readonly flatCache = new Map<number, Map<string, BtfMemberRef>>();
  protected ptrIndex: Map<number, number> | undefined;
  protected enumeratorIndex: Map<string, number> | undefined;
  protected readonly findCache = new Map<string, number | undefined>();

  /** Ids of the named types of every namespace but 'other', ascending (scanTypes). */
  protected readonly namedIds: Uint32Array;

  protected constructor(words: Uint32Array, strs: Buffer, offs: Uint32Array, count: number, namedIds: Uint32Array, bigEndian: boolean, base?: BtfRecords) {
    this.namedIds = namedIds;
    this.words = words;
    this.strs = strs;
    this.offs = offs;
    this.typeCount = count;
    this.bigEndian = bigEndian;
    this.base = base;
    this.baseCount = base ? base.typeCount : 0;
    this.baseWords = base ? base.words : words;
    this.baseStrLen = base ? base.strs.length : 0;
  }

  /** The type section holding type `id` (the base's for a base type of a split BTF). */
  protected wordsOf(id: number): Uint32Array {
    return id <= this.baseCount ? this.baseWords : this.words;
  }

  // ---- raw access ----

  protected checkId(id: number): number {
    if (!(id >= 0 && id <= this.typeCount) || !Number.isInteger(id)) {
      throw new Error(`BTF: type id ${id} out of range (1..${this.typeCount})`);
    }
    return this.offs[id]!;
  }
  protected info(id: number): number {
    if (id === 0) return 0;
    return this.wordsOf(id)[this.checkId(id) + 1]!;
  }
  protected str(off: number): string {
    if (off === 0) return '';
    if (off < this.baseStrLen) return this.base!.str(off);
    off -= this.baseStrLen;
    if (off >= this.strs.length) throw new Error(`BTF: string offset ${off + this.baseStrLen} past the string section (${this.baseStrLen + this.strs.length} bytes)`);
    // The first names (a command's few dozen structs and their members) each decoded alone;
    // past STR_ALONE, one latin1 string of the whole section (1.8 MB on 6.1: ~1 ms), whose
    // slices are cheap: byte offsets equal string indices.
    if (this.strText === undefined && this.strsAlone < STR_ALONE) {
      this.strsAlone++;
      const s = this.strs;
      let end = off;
      while (end < s.length && s[end] !== 0) end++;
      return (s as unknown as Latin1).latin1Slice(off, end); // toString('latin1', ...) without its argument checks
    }
    const text = (this.strText ??= this.strs.toString('latin1'));
    let end = text.indexOf('\0', off);
    if (end < 0) end = text.length;
    return text.slice(off, end);
  }

  kind(id: number): BtfKindValue {
    return ((this.info(id) >>> 24) & 0x1f) as BtfKindValue;
  }
  kindName(id: number): string {
    return btfKindName(this.kind(id));
  }
  vlen(id: number): number {
    return this.info(id) & 0xffff;
  }
  kindFlag(id: number): boolean {
    return this.info(id) >>> 31 === 1;
  }
  /** The type's name ('' for anonymous types and void). */
  name(id: number): string {
    if (id === 0) return '';
    if (id <= this.baseCount) return this.base!.name(id);
    let s = this.nameCache[id];
    if (s === undefined) {
      s = this.str(this.words[this.checkId(id)]!);
      this.nameCache[id] = s;
    }
    return s;
  }
  /** The raw size/type word of struct btf_type. */
  protected sizeOrType(id: number): number {
    return this.wordsOf(id)[this.checkId(id) + 2]!;
  }

  // ---- type navigation ----

  /** Strip typedef, const, volatile, restrict and type_tag. */
  resolve(id: number): number {
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      switch (this.kind(id)) {
        case BtfKind.Typedef:
        case BtfKind.Const:
        case BtfKind.Volatile:
        case BtfKind.Restrict:
        case BtfKind.TypeTag:
          id = this.sizeOrType(id);
          break;
        default:
          return id;
      }
    }
    throw new Error(`BTF: type chain from ${id} is longer than ${MAX_RESOLVE_DEPTH} (loop?)`);
  }

  /** sizeof(type) in bytes after resolving typedefs/qualifiers; 0 for void, func and fwd. */
  size(id: number): number {
    const r = this.resolve(id);
    switch (this.kind(r)) {
      case BtfKind.Int:
      case BtfKind.Struct:
      case BtfKind.Union:
      case BtfKind.Enum:
      case BtfKind.Enum64:
      case BtfKind.Float:
      case BtfKind.Datasec:
        return this.sizeOrType(r);
      case BtfKind.Ptr:
        return PTR_SIZE;
      case BtfKind.Array: {
        const a = this.array(r);
        return a.nelems * this.size(a.elemType);
      }
      case BtfKind.Var:
        return this.size(this.sizeOrType(r));
      default:
        return 0;
    }
  }

  /** Pointee of a pointer, element of an array, target of typedef/qualifier/var/func, return type of a func_proto. */
  target(id: number): number | undefined {
    switch (this.kind(id)) {
      case BtfKind.Ptr:
      case BtfKind.Typedef:
      case BtfKind.Const:
      case BtfKind.Volatile:
      case BtfKind.Restrict:
      case BtfKind.TypeTag:
      case BtfKind.Func:
      case BtfKind.Var:
      case BtfKind.DeclTag:
      case BtfKind.FuncProto:
        return this.sizeOrType(id);
      case BtfKind.Array:
        return this.array(id).elemType;
      default:
        return undefined;
    }
  }

  /** struct btf_array of an array type (typedefs/qualifiers resolved first). */
  array(id: number): { elemType: number; indexType: number; nelems: number } {
    const r = this.resolve(id);
    if (this.kind(r) !== BtfKind.Array) throw new Error(`BTF: type ${id} (${this.typeName(id)}) is not an array`);
    const o = this.offs[r]! + 3, w = this.wordsOf(r); // struct btf_array { u32 type; u32 index_type; u32 nelems; }
    return { elemType: w[o]!, indexType: w[o + 1]!, nelems: w[o + 2]! };
  }

  /** Integer encoding of an int (or enum) type, typedefs/qualifiers resolved first. */
  intInfo(id: number): BtfIntInfo {
    const r = this.resolve(id);
    const k = this.kind(r);
    if (k === BtfKind.Enum || k === BtfKind.Enum64) {
      const size = this.sizeOrType(r);
      return { signed: this.kindFlag(r), bits: size * 8, bitOffset: 0, bool: false, char: false, size };
    }
    if (k !== BtfKind.Int) throw new Error(`BTF: type ${id} (${this.typeName(id)}) is not an integer`);
    const v = this.wordsOf(r)[this.offs[r]! + 3]!; // BTF_INT_ENCODING (bits 24-27), BTF_INT_OFFSET (16-23), BTF_INT_BITS (0-7)
    const enc = (v >>> 24) & 0x0f;
    return {
      signed: (enc & 1) !== 0, // BTF_INT_SIGNED
      char: (enc & 2) !== 0, // BTF_INT_CHAR
      bool: (enc & 4) !== 0, // BTF_INT_BOOL
      bitOffset: (v >>> 16) & 0xff,
      bits: v & 0xff,
      size: this.sizeOrType(r),
    };
  }

  /** Enumerators of an enum/enum64; signedness from kind_flag (btf.rst: BTF_KIND_ENUM/ENUM64). */
  enumerators(id: number): BtfEnumerator[] {
    const r = this.resolve(id);
    const k = this.kind(r);
    const signed = this.kindFlag(r);
    const n = this.vlen(r);
    const o = this.offs[r]! + 3, w = this.wordsOf(r);
    const out: BtfEnumerator[] = [];
    if (k === BtfKind.Enum) {
      for (let i = 0; i < n; i++) {
        // struct btf_enum { u32 name_off; s32 val; }
        const raw = w[o + 2 * i + 1]!;
        out.push({ name: this.str(w[o + 2 * i]!), value: BigInt(signed ? raw | 0 : raw) });
      }
    } else if (k === BtfKind.Enum64) {
      for (let i = 0; i < n; i++) {
        // struct btf_enum64 { u32 name_off; u32 val_lo32; u32 val_hi32; }
        const lo = w[o + 3 * i + 1]!, hi = w[o + 3 * i + 2]!;
        const u = (BigInt(hi) << 32n) | BigInt(lo);
        out.push({ name: this.str(w[o + 3 * i]!), value: signed ? BigInt.asIntN(64, u) : u });
      }
    } else {
      throw new Error(`BTF: type ${id} (${this.typeName(id)}) is not an enum`);
    }
    return out;
  }

  /** Value of an enumerator by name, across all enums (e.g. "TCP_LISTEN"); the first enum defining it wins. */
  findEnumerator(name: string): { enumId: number; value: bigint } | undefined {
    const inBase = this.base?.findEnumerator(name); // the base's enums come first (lower ids)
    if (inBase) return inBase;
    if (!this.enumeratorIndex) {
      // name -> enum id only: values (BigInt) are decoded on lookup, which keeps the index build cheap.
      const idx = new Map<string, number>();
      for (let id = this.baseCount + 1; id <= this.typeCount; id++) {
        const k = this.kind(id);
        const stride = k === BtfKind.Enum ? 2 : k === BtfKind.Enum64 ? 3 : 0;
        if (!stride) continue;
        const o = this.offs[id]! + 3, n = this.vlen(id);
        for (let i = 0; i < n; i++) {
          const e = this.str(this.words[o + stride * i]!); // an own type: in this.words
          if (!idx.has(e)) idx.set(e, id);
        }
      }
      this.enumeratorIndex = idx;
    }
    const enumId = this.enumeratorIndex.get(name);
    if (enumId === undefined) return undefined;
    return { enumId, value: this.enumerators(enumId).find((e) => e.name === name)!.value };
  }

  /** Return type and parameters of a func_proto (or of a func, or a pointer to either). */
  funcProto(id: number): BtfFuncProto {
    let r = this.resolve(id);
    if (this.kind(r) === BtfKind.Ptr) r = this.resolve(this.sizeOrType(r));
    if (this.kind(r) === BtfKind.Func) r = this.sizeOrType(r);
    if (this.kind(r) !== BtfKind.FuncProto) throw new Error(`BTF: type ${id} (${this.typeName(id)}) is not a function prototype`);
    const n = this.vlen(r), o = this.offs[r]! + 3, w = this.wordsOf(r);
    const params: BtfParam[] = [];
    let variadic = false;
    for (let i = 0; i < n; i++) {
      // struct btf_param { u32 name_off; u32 type; }; a last {0, 0} entry means "..."
      const nameOff = w[o + 2 * i]!, type = w[o + 2 * i + 1]!;
      if (i === n - 1 && nameOff === 0 && type === 0) variadic = true;
      else params.push({ name: this.str(nameOff), typeId: type });
    }
    return { returnType: this.sizeOrType(r), params, variadic };
  }

  /** Variables of a DATASEC (e.g. ".data..percpu"): struct btf_var_secinfo. */
  datasecVars(id: number): BtfVarSecinfo[] {
    if (this.kind(id) !== BtfKind.Datasec) throw new Error(`BTF: type ${id} is not a datasec`);
    const n = this.vlen(id), o = this.offs[id]! + 3, w = this.wordsOf(id);
    const out: BtfVarSecinfo[] = [];
    for (let i = 0; i < n; i++) {
      out.push({ typeId: w[o + 3 * i]!, offset: w[o + 3 * i + 1]!, size: w[o + 3 * i + 2]! });
    }
    return out;
  }

  /** A VAR by name (vmlinux BTF has the per-CPU variables): its type and linkage. */
  findVar(name: string): { id: number; typeId: number; linkage: number } | undefined {
    for (const id of this.idsNamed(name, 'var')) {
      if (this.kind(id) === BtfKind.Var) {
        return { id, typeId: this.sizeOrType(id), linkage: this.wordsOf(id)[this.offs[id]! + 3]! };
      }
    }
    return undefined;
  }
}
