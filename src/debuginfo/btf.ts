// BTF (BPF Type Format) parser: the kernel's own type information, used instead of DWARF.
// Layouts: include/uapi/linux/btf.h; semantics: Documentation/bpf/btf.rst (kernel source).
//
// Parsing is lazy: Btf.parse() makes one pass over the type section recording where each
// type record starts (a Uint32Array of word offsets). Everything else (names, members,
// the name index, flattened member maps) is decoded on first use and cached.
// Every field of the type section is a 32-bit word, so the section is viewed as a
// Uint32Array (byte-swapped copy for big-endian BTF).

import { BtfKind, btfKindName, KIND_NAMES, namespaceOf, type BtfMember, type BtfMemberRef, type Namespace } from './btf-kinds.js';
import { BtfRecords, BTF_MAGIC, BTF_MAGIC_SWAPPED, BTF_HEADER_MIN, MAX_RESOLVE_DEPTH, CACHE_LIMIT, scanTypes, splitHeader, EXTRA_WORDS, WORDS_PER_VLEN, C_NAMESPACE } from './btf-records.js';
import { scanInWasm } from './btf-scan.js';
import { parseMemberPath } from './btf-member-path.js';
import { BtfNameIndex, isOtherNs } from './btf-name-index.js';

export * from './btf-kinds.js';

export class Btf extends BtfRecords {
  private cIndex: BtfNameIndex | undefined;
  private otherIndex: BtfNameIndex | undefined;

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

    // In wasm (btf-scan.ts) the pass and the name index cost well under a millisecond.
    const w = be ? undefined : scanInWasm(words, strs, EXTRA_WORDS, WORDS_PER_VLEN, C_NAMESPACE);
    if (w) {
      const btf = new Btf(w.words, w.strs, w.offs, w.last, w.named, false);
      btf.cIndex = BtfNameIndex.fromChains(w.heads, w.next, 1, w.words, w.offs, { own: w.strs, base: undefined, shift: 0 });
      return btf;
    }
    // One pass: where each type starts. Every type is >= 3 words, so nwords/3 bounds the count.
    const offs = new Uint32Array(Math.floor(words.length / 3) + 2);
    const named = new Uint32Array(offs.length);
    const scan = scanTypes(words, offs, 0, 1, named);
    return new Btf(words, strs, offs, scan.last, named.slice(0, scan.named), be);
  }

  /**
   * A module's split BTF (kernel/bpf/btf.c: btf_parse_module) over this vmlinux BTF: its type
   * ids continue after ours and its string offsets after our string section, so every id and
   * offset means what it says in the pair. The split BTF holds only the module's own records
   * and strings; ours (type section, string text, name index, member caches) are shared, not
   * copied: ids up to our typeCount are answered by us.
   */
  withSplit(split: Buffer): Btf {
    const { typeStart, typeLen, strStart, strLen } = splitHeader(split);
    if (this.bigEndian) throw new Error('BTF: split BTF over big-endian BTF is not supported');
    if (this.base) throw new Error('BTF: split BTF over a split BTF is not supported');
    let words: Uint32Array;
    const abs = split.byteOffset + typeStart;
    if (abs % 4 === 0) words = new Uint32Array(split.buffer, abs, typeLen / 4);
    else {
      const tail = new ArrayBuffer(typeLen); // a fresh ArrayBuffer is 4-byte aligned
      new Uint8Array(tail).set(split.subarray(typeStart, typeStart + typeLen));
      words = new Uint32Array(tail);
    }
    const strs = split.subarray(strStart, strStart + strLen);
    const offs = new Uint32Array(this.typeCount + 2 + Math.floor(typeLen / 12));
    offs.set(this.offs.subarray(0, this.typeCount + 1));
    const named = new Uint32Array(offs.length - this.typeCount);
    const scan = scanTypes(words, offs, 0, this.typeCount + 1, named);
    return new Btf(words, strs, offs, scan.last, named.slice(0, scan.named), false, this);
  }

  // ---- struct members ----

  /** Direct members of a struct/union (typedefs/qualifiers resolved first). Cached. */
  members(structId: number): BtfMember[] {
    const r = this.resolve(structId);
    if (r <= this.baseCount) return (this.base as Btf).members(r);
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
    if (r <= this.baseCount) return (this.base as Btf).flatMembers(r);
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

  /** The name index holding namespace `ns`: one for every namespace but 'other', made on the
   *  first lookup of a name; one for 'other' (functions) when first asked. */
  private nameIndex(ns: Namespace): BtfNameIndex {
    const other = isOtherNs(ns);
    let idx = other ? this.otherIndex : this.cIndex;
    if (idx) return idx;
    // A split BTF indexes its own types only; idsNamed adds the base's.
    const bytes = { own: this.strs, base: (this.base as Btf | undefined)?.strs, shift: this.baseStrLen };
    idx = other
      ? BtfNameIndex.buildOther(this.words, this.offs, this.baseCount + 1, this.typeCount, bytes)
      : BtfNameIndex.buildFrom(this.words, this.offs, this.namedIds, this.baseCount + 1, this.typeCount, bytes);
    if (other) this.otherIndex = idx;
    else this.cIndex = idx;
    return idx;
  }

  protected idsNamed(name: string, ns: Namespace): readonly number[] {
    const own = this.nameIndex(ns).idsNamed(name, ns);
    if (!this.base) return own;
    const inBase = (this.base as Btf).idsNamed(name, ns);
    return own.length === 0 ? inBase : inBase.length === 0 ? own : [...inBase, ...own];
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
    const inBase = (this.base as Btf | undefined)?.pointerTo(id); // the base's come first (lower ids)
    if (inBase !== undefined) return inBase;
    if (!this.ptrIndex) {
      const idx = new Map<number, number>();
      for (let i = this.baseCount + 1; i <= this.typeCount; i++) {
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
      if (this.wordsOf(id)[this.offs[id]!] === 0) continue;
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
