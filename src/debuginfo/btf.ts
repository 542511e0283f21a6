// BTF (BPF Type Format) parser: the kernel's own type information, used instead of DWARF.
// Layouts: include/uapi/linux/btf.h; semantics: Documentation/bpf/btf.rst (kernel source).
//
// Parsing is lazy: Btf.parse() makes one pass over the type section recording where each
// type record starts (a Uint32Array of word offsets). Everything else (names, members,
// the name index, flattened member maps) is decoded on first use and cached.
// Every field of the type section is a 32-bit word, so the section is viewed as a
// Uint32Array (byte-swapped copy for big-endian BTF).

/** BTF_KIND_* (include/uapi/linux/btf.h; ENUM64 = 19 since Linux 6.0). */
export const BtfKind = {
  Void: 0, // BTF_KIND_UNKN: only type id 0
  Int: 1,
  Ptr: 2,
  Array: 3,
  Struct: 4,
  Union: 5,
  Enum: 6,
  Fwd: 7,
  Typedef: 8,
  Volatile: 9,
  Const: 10,
  Restrict: 11,
  Func: 12,
  FuncProto: 13,
  Var: 14,
  Datasec: 15,
  Float: 16,
  DeclTag: 17,
  TypeTag: 18,
  Enum64: 19,
} as const;
export type BtfKindValue = (typeof BtfKind)[keyof typeof BtfKind];

const KIND_NAMES = [
  'void', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile',
  'const', 'restrict', 'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag',
  'enum64',
];
export function btfKindName(kind: number): string {
  return KIND_NAMES[kind] ?? `kind${kind}`;
}

export interface BtfMember {
  /** '' for an anonymous struct/union member. */
  name: string;
  typeId: number;
  /** Offset from the start of the enclosing struct, in bits. */
  bitOffset: number;
  /** Bitfield width in bits; 0 when the member is not a bitfield. */
  bitSize: number;
}

/** Where a member (or member path) lies: offset in bits from the start of the outer type. */
export interface BtfMemberRef {
  typeId: number;
  bitOffset: number;
  bitSize: number;
}

export interface BtfIntInfo {
  signed: boolean;
  /** Value width in bits (BTF_INT_BITS); for enums size*8. */
  bits: number;
  /** BTF_INT_OFFSET: bit offset of the value inside its storage (0 in practice). */
  bitOffset: number;
  bool: boolean;
  char: boolean;
  /** Storage size in bytes. */
  size: number;
}

export interface BtfEnumerator {
  name: string;
  value: bigint;
}

export interface BtfParam {
  name: string;
  typeId: number;
}

export interface BtfFuncProto {
  returnType: number;
  params: BtfParam[];
  variadic: boolean;
}

export interface BtfVarSecinfo {
  typeId: number;
  offset: number;
  size: number;
}

// Name namespaces for the name index: C tags vs typedefs vs base types vs the rest.
type Namespace = 'tag' | 'typedef' | 'base' | 'other';
function namespaceOf(kind: number): Namespace | undefined {
  switch (kind) {
    case BtfKind.Struct:
    case BtfKind.Union:
    case BtfKind.Enum:
    case BtfKind.Enum64:
    case BtfKind.Fwd:
      return 'tag';
    case BtfKind.Typedef:
      return 'typedef';
    case BtfKind.Int:
    case BtfKind.Float:
      return 'base';
    case BtfKind.Func:
    case BtfKind.Var:
    case BtfKind.Datasec:
      return 'other';
    default:
      return undefined;
  }
}

const BTF_MAGIC = 0xeb9f; // include/uapi/linux/btf.h BTF_MAGIC
const BTF_MAGIC_SWAPPED = 0x9feb;
const BTF_HEADER_MIN = 24; // sizeof(struct btf_header) (version 1)
const MAX_RESOLVE_DEPTH = 64;
// Words after struct btf_type, per kind: a fixed part plus a part per vlen item (btf.h).
// INT: u32 encoding; ARRAY: struct btf_array; VAR: struct btf_var; DECL_TAG: struct btf_decl_tag;
// STRUCT/UNION: btf_member (3 words); ENUM: btf_enum (2); FUNC_PROTO: btf_param (2);
// DATASEC: btf_var_secinfo (3); ENUM64: btf_enum64 (3). -1 marks kinds this parser does not know.
const EXTRA_WORDS = new Int8Array(32).fill(-1);
const WORDS_PER_VLEN = new Uint8Array(32);
for (const [kind, fixed, perVlen] of [
  [BtfKind.Int, 1, 0], [BtfKind.Ptr, 0, 0], [BtfKind.Array, 3, 0], [BtfKind.Struct, 0, 3], [BtfKind.Union, 0, 3],
  [BtfKind.Enum, 0, 2], [BtfKind.Fwd, 0, 0], [BtfKind.Typedef, 0, 0], [BtfKind.Volatile, 0, 0], [BtfKind.Const, 0, 0],
  [BtfKind.Restrict, 0, 0], [BtfKind.Func, 0, 0], [BtfKind.FuncProto, 0, 2], [BtfKind.Var, 1, 0], [BtfKind.Datasec, 0, 3],
  [BtfKind.Float, 0, 0], [BtfKind.DeclTag, 1, 0], [BtfKind.TypeTag, 0, 0], [BtfKind.Enum64, 0, 3],
] as const) {
  EXTRA_WORDS[kind] = fixed;
  WORDS_PER_VLEN[kind] = perVlen;
}

const PTR_SIZE = 8; // x86-64 / arm64: the targets this tool reads
const CACHE_LIMIT = 10000; // entries in the caches keyed by text

/** Record where each type starts (offs[id] = word index), from word `w` and id `id` on;
 *  returns the last id. Throws on a truncated or unknown type. */
function scanTypes(words: Uint32Array, offs: Uint32Array, w: number, id: number): number {
  const n = words.length;
  while (w < n) {
    if (w + 3 > n) throw new Error(`BTF: type ${id} at type-section byte ${w * 4} is truncated`);
    offs[id] = w;
    const info = words[w + 1]!;
    const kind = (info >>> 24) & 0x1f; // BTF_INFO_KIND
    const fixed = EXTRA_WORDS[kind]!;
    if (fixed < 0) throw new Error(`BTF: type ${id} at type-section byte ${w * 4} has unknown kind ${kind}`);
    w += 3 + fixed + WORDS_PER_VLEN[kind]! * (info & 0xffff); // BTF_INFO_VLEN
    if (w > n) throw new Error(`BTF: type ${id} (${btfKindName(kind)}) at type-section byte ${offs[id]! * 4} runs past the type section`);
    id++;
  }
  return id - 1;
}

/** The sections of a split BTF blob (little-endian, as the running kernel wrote it). */
function splitHeader(b: Buffer): { typeStart: number; typeLen: number; strStart: number; strLen: number } {
  if (b.length < BTF_HEADER_MIN || b.readUInt16LE(0) !== BTF_MAGIC || b[2] !== 1) throw new Error('BTF: not a little-endian BTF v1 blob');
  const hdrLen = b.readUInt32LE(4);
  const typeStart = hdrLen + b.readUInt32LE(8), typeLen = b.readUInt32LE(12);
  const strStart = hdrLen + b.readUInt32LE(16), strLen = b.readUInt32LE(20);
  if (typeStart + typeLen > b.length || strStart + strLen > b.length || typeLen % 4) throw new Error('BTF: split BTF sections run past the blob');
  return { typeStart, typeLen, strStart, strLen };
}

export class Btf {
  /** Where the blob came from, for `info` (set by the loaders). */
  origin = '';
  /** Number of types; valid ids are 1..typeCount (0 is void). */
  readonly typeCount: number;
  readonly bigEndian: boolean;

  private readonly words: Uint32Array; // the type section
  private readonly strs: Buffer; // the string section
  private strText: string | undefined;
  private readonly offs: Uint32Array; // offs[id] = word index of struct btf_type

  private readonly nameCache: (string | undefined)[] = [];
  private readonly membersCache = new Map<number, BtfMember[]>();
  private readonly flatCache = new Map<number, Map<string, BtfMemberRef>>();
  private readonly nsIndex = new Map<Namespace, Map<string, number | number[]>>();
  private ptrIndex: Map<number, number> | undefined;
  private enumeratorIndex: Map<string, number> | undefined;
  private readonly findCache = new Map<string, number | undefined>();

  private constructor(words: Uint32Array, strs: Buffer, offs: Uint32Array, count: number, bigEndian: boolean) {
    this.words = words;
    this.strs = strs;
    this.offs = offs;
    this.typeCount = count;
    this.bigEndian = bigEndian;
  }

  /** Parse a raw BTF blob (as /sys/kernel/btf/vmlinux or the .BTF section). */
  static parse(buf: Buffer): Btf {
    if (buf.length < BTF_HEADER_MIN) {
      throw new Error(`BTF: blob of ${buf.length} bytes is shorter than the ${BTF_HEADER_MIN}-byte btf_header`);
    }
    const magic = buf.readUInt16LE(0);
    if (magic !== BTF_MAGIC && magic !== BTF_MAGIC_SWAPPED) {
      throw new Error(`BTF: bad magic 0x${magic.toString(16)} at offset 0 (expected 0xeb9f): not a BTF blob`);
    }
    const be = magic === BTF_MAGIC_SWAPPED;
    const u32 = (o: number) => (be ? buf.readUInt32BE(o) : buf.readUInt32LE(o));
    // struct btf_header { u16 magic; u8 version; u8 flags; u32 hdr_len; u32 type_off, type_len, str_off, str_len; }
    const version = buf[2]!;
    if (version !== 1) throw new Error(`BTF: unsupported version ${version} at offset 2 (expected 1)`);
    const hdrLen = u32(4);
    if (hdrLen < BTF_HEADER_MIN || hdrLen > buf.length) {
      throw new Error(`BTF: header length ${hdrLen} at offset 4 is invalid (blob is ${buf.length} bytes)`);
    }
    const typeOff = u32(8), typeLen = u32(12), strOff = u32(16), strLen = u32(20);
    const typeStart = hdrLen + typeOff, strStart = hdrLen + strOff; // offsets are relative to the header's end
    if (typeStart + typeLen > buf.length) {
      throw new Error(`BTF: type section [${typeStart}, +${typeLen}) runs past the end of the ${buf.length}-byte blob (truncated?)`);
    }
    if (strStart + strLen > buf.length) {
      throw new Error(`BTF: string section [${strStart}, +${strLen}) runs past the end of the ${buf.length}-byte blob (truncated?)`);
    }
    if (typeLen % 4 !== 0) throw new Error(`BTF: type section length ${typeLen} is not a multiple of 4`);
    if (strLen === 0 || buf[strStart] !== 0) {
      throw new Error(`BTF: string section at offset ${strStart} does not start with an empty string`);
    }

    let words: Uint32Array;
    const abs = buf.byteOffset + typeStart;
    if (!be && abs % 4 === 0) {
      words = new Uint32Array(buf.buffer, abs, typeLen / 4);
    } else {
      const copy = new ArrayBuffer(typeLen); // a fresh ArrayBuffer is 4-byte aligned
      new Uint8Array(copy).set(buf.subarray(typeStart, typeStart + typeLen));
      if (be) Buffer.from(copy).swap32();
      words = new Uint32Array(copy);
    }
    const strs = buf.subarray(strStart, strStart + strLen);

    // One pass: where each type starts. Every type is >= 3 words, so nwords/3 bounds the count.
    const offs = new Uint32Array(Math.floor(words.length / 3) + 2);
    const count = scanTypes(words, offs, 0, 1);
    return new Btf(words, strs, offs, count, be);
  }

  /**
   * A module's split BTF (kernel/bpf/btf.c: btf_parse_module) over this vmlinux BTF: its type
   * ids continue after ours and its string offsets after our string section, so the two laid
   * end to end form one ordinary BTF in which every id and offset means what it says.
   */
  withSplit(split: Buffer): Btf {
    const { typeStart, typeLen, strStart, strLen } = splitHeader(split);
    if (this.bigEndian) throw new Error('BTF: split BTF over big-endian BTF is not supported');
    const words = new Uint32Array(this.words.length + typeLen / 4);
    words.set(this.words, 0);
    const tail = new ArrayBuffer(typeLen);
    new Uint8Array(tail).set(split.subarray(typeStart, typeStart + typeLen));
    words.set(new Uint32Array(tail), this.words.length);
    const strs = Buffer.concat([this.strs, split.subarray(strStart, strStart + strLen)]);
    const offs = new Uint32Array(this.typeCount + 2 + Math.floor(typeLen / 12));
    offs.set(this.offs.subarray(0, this.typeCount + 1));
    const count = scanTypes(words, offs, this.words.length, this.typeCount + 1);
    return new Btf(words, strs, offs, count, false);
  }

  // ---- raw access ----

  private checkId(id: number): number {
    if (!(id >= 0 && id <= this.typeCount) || !Number.isInteger(id)) {
      throw new Error(`BTF: type id ${id} out of range (1..${this.typeCount})`);
    }
    return this.offs[id]!;
  }
  private info(id: number): number {
    if (id === 0) return 0;
    return this.words[this.checkId(id) + 1]!;
  }
  private str(off: number): string {
    if (off === 0) return '';
    if (off >= this.strs.length) throw new Error(`BTF: string offset ${off} past the string section (${this.strs.length} bytes)`);
    // One latin1 string of the whole section: byte offsets equal string indices, slices are cheap.
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
    let s = this.nameCache[id];
    if (s === undefined) {
      s = this.str(this.words[this.checkId(id)]!);
      this.nameCache[id] = s;
    }
    return s;
  }
  /** The raw size/type word of struct btf_type. */
  private sizeOrType(id: number): number {
    return this.words[this.checkId(id) + 2]!;
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
    const o = this.offs[r]! + 3; // struct btf_array { u32 type; u32 index_type; u32 nelems; }
    return { elemType: this.words[o]!, indexType: this.words[o + 1]!, nelems: this.words[o + 2]! };
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
    const v = this.words[this.offs[r]! + 3]!; // BTF_INT_ENCODING (bits 24-27), BTF_INT_OFFSET (16-23), BTF_INT_BITS (0-7)
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
    const o = this.offs[r]! + 3;
    const out: BtfEnumerator[] = [];
    if (k === BtfKind.Enum) {
      for (let i = 0; i < n; i++) {
        // struct btf_enum { u32 name_off; s32 val; }
        const raw = this.words[o + 2 * i + 1]!;
        out.push({ name: this.str(this.words[o + 2 * i]!), value: BigInt(signed ? raw | 0 : raw) });
      }
    } else if (k === BtfKind.Enum64) {
      for (let i = 0; i < n; i++) {
        // struct btf_enum64 { u32 name_off; u32 val_lo32; u32 val_hi32; }
        const lo = this.words[o + 3 * i + 1]!, hi = this.words[o + 3 * i + 2]!;
        const u = (BigInt(hi) << 32n) | BigInt(lo);
        out.push({ name: this.str(this.words[o + 3 * i]!), value: signed ? BigInt.asIntN(64, u) : u });
      }
    } else {
      throw new Error(`BTF: type ${id} (${this.typeName(id)}) is not an enum`);
    }
    return out;
  }

  /** Value of an enumerator by name, across all enums (e.g. "TCP_LISTEN"); the first enum defining it wins. */
  findEnumerator(name: string): { enumId: number; value: bigint } | undefined {
    if (!this.enumeratorIndex) {
      // name -> enum id only: values (BigInt) are decoded on lookup, which keeps the index build cheap.
      const idx = new Map<string, number>();
      for (let id = 1; id <= this.typeCount; id++) {
        const k = this.kind(id);
        const stride = k === BtfKind.Enum ? 2 : k === BtfKind.Enum64 ? 3 : 0;
        if (!stride) continue;
        const o = this.offs[id]! + 3, n = this.vlen(id);
        for (let i = 0; i < n; i++) {
          const e = this.str(this.words[o + stride * i]!);
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
    const n = this.vlen(r), o = this.offs[r]! + 3;
    const params: BtfParam[] = [];
    let variadic = false;
    for (let i = 0; i < n; i++) {
      // struct btf_param { u32 name_off; u32 type; }; a last {0, 0} entry means "..."
      const nameOff = this.words[o + 2 * i]!, type = this.words[o + 2 * i + 1]!;
      if (i === n - 1 && nameOff === 0 && type === 0) variadic = true;
      else params.push({ name: this.str(nameOff), typeId: type });
    }
    return { returnType: this.sizeOrType(r), params, variadic };
  }

  /** Variables of a DATASEC (e.g. ".data..percpu"): struct btf_var_secinfo. */
  datasecVars(id: number): BtfVarSecinfo[] {
    if (this.kind(id) !== BtfKind.Datasec) throw new Error(`BTF: type ${id} is not a datasec`);
    const n = this.vlen(id), o = this.offs[id]! + 3;
    const out: BtfVarSecinfo[] = [];
    for (let i = 0; i < n; i++) {
      out.push({ typeId: this.words[o + 3 * i]!, offset: this.words[o + 3 * i + 1]!, size: this.words[o + 3 * i + 2]! });
    }
    return out;
  }

  /** A VAR by name (vmlinux BTF has the per-CPU variables): its type and linkage. */
  findVar(name: string): { id: number; typeId: number; linkage: number } | undefined {
    for (const id of this.idsNamed(name, 'other')) {
      if (this.kind(id) === BtfKind.Var) {
        return { id, typeId: this.sizeOrType(id), linkage: this.words[this.offs[id]! + 3]! };
      }
    }
    return undefined;
  }

  // ---- struct members ----

  /** Direct members of a struct/union (typedefs/qualifiers resolved first). Cached. */
  members(structId: number): BtfMember[] {
    const r = this.resolve(structId);
    let ms = this.membersCache.get(r);
    if (ms) return ms;
    const k = this.kind(r);
    if (k !== BtfKind.Struct && k !== BtfKind.Union) {
      throw new Error(`BTF: type ${structId} (${this.typeName(structId)}) is not a struct or union`);
    }
    const kflag = this.kindFlag(r);
    const n = this.vlen(r), o = this.offs[r]! + 3;
    ms = new Array<BtfMember>(n);
    for (let i = 0; i < n; i++) {
      // struct btf_member { u32 name_off; u32 type; u32 offset; }
      const nameOff = this.words[o + 3 * i]!, typeId = this.words[o + 3 * i + 1]!, off = this.words[o + 3 * i + 2]!;
      let bitOffset: number, bitSize: number;
      if (kflag) {
        bitOffset = off & 0xffffff; // BTF_MEMBER_BIT_OFFSET
        bitSize = off >>> 24; // BTF_MEMBER_BITFIELD_SIZE
      } else {
        bitOffset = off;
        bitSize = 0;
        // Without kind_flag a bitfield is an INT whose bits/offset differ from its storage (btf.rst, BTF_KIND_INT).
        const t = this.resolve(typeId);
        if (this.kind(t) === BtfKind.Int) {
          const ii = this.intInfo(t);
          if (ii.bitOffset !== 0 || ii.bits !== ii.size * 8) {
            bitOffset += ii.bitOffset;
            bitSize = ii.bits;
          }
        }
      }
      ms[i] = { name: this.str(nameOff), typeId, bitOffset, bitSize };
    }
    this.membersCache.set(r, ms);
    return ms;
  }

  /** All member names reachable from a struct, through anonymous struct/union members, with offsets. */
  private flatMembers(structId: number): Map<string, BtfMemberRef> {
    const r = this.resolve(structId);
    let flat = this.flatCache.get(r);
    if (flat) return flat;
    flat = new Map();
    for (const m of this.members(r)) {
      if (m.name !== '') {
        if (!flat.has(m.name)) flat.set(m.name, { typeId: m.typeId, bitOffset: m.bitOffset, bitSize: m.bitSize });
        continue;
      }
      const k = this.kind(this.resolve(m.typeId));
      if (k !== BtfKind.Struct && k !== BtfKind.Union) continue;
      for (const [name, ref] of this.flatMembers(m.typeId)) {
        if (!flat.has(name)) flat.set(name, { typeId: ref.typeId, bitOffset: m.bitOffset + ref.bitOffset, bitSize: ref.bitSize });
      }
    }
    this.flatCache.set(r, flat);
    return flat;
  }

  /** A member by name, searching through anonymous struct/union members; offset from the outer struct. */
  member(structId: number, name: string): BtfMemberRef | undefined {
    return this.flatMembers(structId).get(name);
  }

  /**
   * Resolve "a.b[3].c" from typeId: through typedefs, nested structs and arrays (not pointers).
   * Throws naming the step that failed.
   */
  memberPath(typeId: number, path: string): BtfMemberRef {
    let cur: BtfMemberRef = { typeId, bitOffset: 0, bitSize: 0 };
    if (path === '') return cur;
    for (const step of parseMemberPath(path)) {
      if (typeof step === 'string') {
        const r = this.resolve(cur.typeId);
        const k = this.kind(r);
        if (k !== BtfKind.Struct && k !== BtfKind.Union) {
          throw new Error(`BTF: '${step}' in '${path}': ${this.typeName(cur.typeId)} is not a struct or union`);
        }
        const ref = this.member(r, step);
        if (!ref) throw new Error(`BTF: ${this.typeName(r)} has no member '${step}' (in '${path}')`);
        cur = { typeId: ref.typeId, bitOffset: cur.bitOffset + ref.bitOffset, bitSize: ref.bitSize };
      } else {
        const r = this.resolve(cur.typeId);
        if (this.kind(r) !== BtfKind.Array) {
          throw new Error(`BTF: subscript [${step}] in '${path}': ${this.typeName(cur.typeId)} is not an array`);
        }
        const elem = this.array(r).elemType; // no bounds check: kernel structs end in [0] / [1] arrays
        cur = { typeId: elem, bitOffset: cur.bitOffset + step * this.size(elem) * 8, bitSize: 0 };
      }
    }
    return cur;
  }

  /** Does the struct (a spec like "struct inet_hashinfo", or an id) have this member (or dotted path)? */
  hasMember(struct: string | number, name: string): boolean {
    const id = typeof struct === 'number' ? struct : this.findType(struct);
    if (id === undefined) return false;
    const k = this.kind(this.resolve(id));
    if (k !== BtfKind.Struct && k !== BtfKind.Union) return false;
    if (!name.includes('.') && !name.includes('[')) return this.member(id, name) !== undefined;
    try {
      this.memberPath(id, name);
      return true;
    } catch {
      return false;
    }
  }

  // ---- name lookup ----

  private namespaceIndex(ns: Namespace): Map<string, number | number[]> {
    let idx = this.nsIndex.get(ns);
    if (idx) return idx;
    // Hot loop (first lookup of a name): no per-name allocation besides the name itself.
    idx = new Map();
    const words = this.words, offs = this.offs, n = this.typeCount;
    const text = (this.strText ??= this.strs.toString('latin1'));
    for (let id = 1; id <= n; id++) {
      const w = offs[id]!;
      const nameOff = words[w]!;
      if (nameOff === 0 || namespaceOf((words[w + 1]! >>> 24) & 0x1f) !== ns) continue;
      let end = text.indexOf('\0', nameOff);
      if (end < 0) end = text.length;
      const name = text.slice(nameOff, end);
      const prev = idx.get(name);
      if (prev === undefined) idx.set(name, id);
      else if (typeof prev === 'number') idx.set(name, [prev, id]);
      else prev.push(id);
    }
    this.nsIndex.set(ns, idx);
    return idx;
  }

  private idsNamed(name: string, ns: Namespace): readonly number[] {
    const v = this.namespaceIndex(ns).get(name);
    return v === undefined ? [] : typeof v === 'number' ? [v] : v;
  }

  /** Every type id with this name in the given kinds (e.g. all "struct sock" definitions). */
  findAll(name: string, kinds: readonly number[]): number[] {
    const out: number[] = [];
    const spaces = new Set(kinds.map(namespaceOf).filter((n): n is Namespace => n !== undefined));
    for (const ns of spaces) for (const id of this.idsNamed(name, ns)) if (kinds.includes(this.kind(id))) out.push(id);
    return out.sort((a, b) => a - b);
  }

  private firstOfKinds(name: string, kinds: readonly number[]): number | undefined {
    const ns = namespaceOf(kinds[0]!)!;
    const ids = this.idsNamed(name, ns);
    // Preference by the order of `kinds`, then the lowest id; a complete type beats a fwd.
    for (const k of kinds) for (const id of ids) if (this.kind(id) === k) return id;
    return undefined;
  }

  /**
   * "struct sock", "union x", "enum y", a bare name (typedef, then int/float, then
   * struct/union/enum), with optional trailing '*'s (only if such a pointer type exists in the BTF).
   */
  findType(spec: string): number | undefined {
    if (this.findCache.has(spec)) return this.findCache.get(spec);
    const id = this.findTypeUncached(spec);
    if (this.findCache.size >= CACHE_LIMIT) this.findCache.clear(); // specs typed in the shell are unbounded
    this.findCache.set(spec, id);
    return id;
  }

  private findTypeUncached(spec: string): number | undefined {
    let s = spec.trim().replace(/\s+/g, ' ');
    let stars = 0;
    while (s.endsWith('*')) {
      stars++;
      s = s.slice(0, -1).trimEnd();
    }
    let id: number | undefined;
    const m = /^(struct|union|enum) (.+)$/.exec(s);
    if (s === 'void') id = 0;
    else if (m) {
      const name = m[2]!;
      if (m[1] === 'struct') id = this.firstOfKinds(name, [BtfKind.Struct, BtfKind.Fwd]);
      else if (m[1] === 'union') id = this.firstOfKinds(name, [BtfKind.Union, BtfKind.Fwd]);
      else id = this.firstOfKinds(name, [BtfKind.Enum, BtfKind.Enum64, BtfKind.Fwd]);
      if (id !== undefined && this.kind(id) === BtfKind.Fwd && this.kindFlag(id) !== (m[1] === 'union')) {
        id = undefined; // fwd kind_flag: 0 = struct, 1 = union
      }
    } else {
      id =
        this.firstOfKinds(s, [BtfKind.Typedef]) ??
        this.firstOfKinds(s, [BtfKind.Int, BtfKind.Float]) ??
        this.firstOfKinds(s, [BtfKind.Struct, BtfKind.Union, BtfKind.Enum, BtfKind.Enum64]);
    }
    for (; id !== undefined && stars > 0; stars--) id = this.pointerTo(id);
    return id;
  }

  /** A PTR type whose pointee is exactly `id`, if the BTF has one. */
  pointerTo(id: number): number | undefined {
    if (!this.ptrIndex) {
      const idx = new Map<number, number>();
      for (let i = 1; i <= this.typeCount; i++) {
        if (this.kind(i) === BtfKind.Ptr) {
          const t = this.sizeOrType(i);
          if (!idx.has(t)) idx.set(t, i);
        }
      }
      this.ptrIndex = idx;
    }
    return this.ptrIndex.get(id);
  }

  /** Sorted unique names of types of the given kinds (all named types if omitted), for completion. */
  allNames(kindFilter?: number | readonly number[]): string[] {
    const kinds = kindFilter === undefined ? undefined : typeof kindFilter === 'number' ? [kindFilter] : kindFilter;
    const out = new Set<string>();
    for (let id = 1; id <= this.typeCount; id++) {
      if (this.words[this.offs[id]!] === 0) continue;
      if (kinds && !kinds.includes(this.kind(id))) continue;
      out.add(this.name(id));
    }
    return [...out].sort();
  }

  // ---- C-like type names ----

  /** C-like text for a type: "struct sock *", "unsigned int", "char [16]", "void (*)(struct sock *)". */
  typeName(id: number): string {
    return this.declare(id, '', 0);
  }

  /** A C declaration of `name` with this type: "u32 rcv_nxt", "char comm[16]", "void (*fn)(int)". */
  declaration(id: number, name: string): string {
    return this.declare(id, name, 0);
  }

  private declare(id: number, inner: string, depth: number): string {
    if (depth > MAX_RESOLVE_DEPTH) return '?';
    const join = (base: string) => (inner ? `${base} ${inner}` : base);
    const wrap = (s: string) => (s.startsWith('*') ? `(${s})` : s);
    const k = this.kind(id);
    switch (k) {
      case BtfKind.Void:
        return join('void');
      case BtfKind.Ptr:
        return this.declare(this.sizeOrType(id), '*' + inner, depth + 1);
      case BtfKind.Array:
        return this.declare(this.array(id).elemType, `${wrap(inner)}[${this.array(id).nelems}]`, depth + 1);
      case BtfKind.FuncProto: {
        const fp = this.funcProto(id);
        const params = fp.params.map((p) => this.declare(p.typeId, '', depth + 1));
        if (fp.variadic) params.push('...');
        const list = params.length ? params.join(', ') : 'void';
        return this.declare(fp.returnType, `${wrap(inner)}(${list})`, depth + 1);
      }
      case BtfKind.Const:
      case BtfKind.Volatile:
      case BtfKind.Restrict: {
        const q = KIND_NAMES[k]!;
        const t = this.sizeOrType(id);
        // A qualified pointer reads "T * const"; otherwise "const T".
        if (this.kind(t) === BtfKind.Ptr) return this.declare(t, inner ? `${q} ${inner}` : q, depth + 1);
        return `${q} ${this.declare(t, inner, depth + 1)}`;
      }
      case BtfKind.TypeTag:
        return this.declare(this.sizeOrType(id), inner, depth + 1);
      case BtfKind.Struct:
      case BtfKind.Union:
      case BtfKind.Enum:
      case BtfKind.Enum64: {
        const kw = k === BtfKind.Union ? 'union' : k === BtfKind.Struct ? 'struct' : 'enum';
        const n = this.name(id);
        return join(n ? `${kw} ${n}` : `${kw} {...}`);
      }
      case BtfKind.Fwd:
        return join(`${this.kindFlag(id) ? 'union' : 'struct'} ${this.name(id)}`);
      case BtfKind.Func:
        return join(this.name(id));
      default:
        return join(this.name(id) || btfKindName(k));
    }
  }
}

const pathCache = new Map<string, (string | number)[]>();
/** "a.b[3][0x2].c" -> ['a', 'b', 3, 2, 'c']; throws on bad syntax. */
function parseMemberPath(path: string): (string | number)[] {
  let steps = pathCache.get(path);
  if (steps) return steps;
  steps = [];
  for (const part of path.split('.')) {
    const m = /^\s*([A-Za-z_$][\w$]*)?((?:\[\s*(?:0x[0-9a-fA-F]+|\d+)\s*\])*)\s*$/.exec(part);
    if (!m || (!m[1] && !m[2])) throw new Error(`BTF: bad member path '${path}' (at '${part}')`);
    if (m[1]) steps.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[\s*([^\]\s]+)\s*\]/g)) steps.push(Number(idx[1]));
  }
  if (pathCache.size >= CACHE_LIMIT) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}
