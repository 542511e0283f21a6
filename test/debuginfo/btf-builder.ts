// Builds small BTF blobs by hand for unit tests (layouts: include/uapi/linux/btf.h).
import { BtfKind } from '../../src/debuginfo/btf.js';

export interface MemberSpec {
  name: string;
  type: number;
  bitOffset: number;
  /** Bitfield size: encoded in the offset's high 8 bits when the struct has kind_flag. */
  bitSize?: number;
}

export class BtfBuilder {
  private words: number[] = [];
  private strings: string[] = [''];
  private stringOffsets = new Map<string, number>([['', 0]]);
  private strLen = 1;
  private nextId = 1;

  str(s: string): number {
    let o = this.stringOffsets.get(s);
    if (o === undefined) {
      o = this.strLen;
      this.stringOffsets.set(s, o);
      this.strings.push(s);
      this.strLen += Buffer.byteLength(s) + 1;
    }
    return o;
  }

  private type(name: string, kind: number, vlen: number, kflag: boolean, sizeOrType: number, extra: number[] = []): number {
    const info = ((kflag ? 1 : 0) << 31) | (kind << 24) | (vlen & 0xffff);
    this.words.push(this.str(name), info >>> 0, sizeOrType >>> 0, ...extra.map((x) => x >>> 0));
    return this.nextId++;
  }

  int(name: string, size: number, opts: { signed?: boolean; char?: boolean; bool?: boolean; bits?: number; offset?: number } = {}): number {
    const enc = (opts.signed ? 1 : 0) | (opts.char ? 2 : 0) | (opts.bool ? 4 : 0);
    const bits = opts.bits ?? size * 8;
    return this.type(name, BtfKind.Int, 0, false, size, [(enc << 24) | ((opts.offset ?? 0) << 16) | bits]);
  }
  ptr(to: number): number {
    return this.type('', BtfKind.Ptr, 0, false, to);
  }
  array(elem: number, index: number, nelems: number): number {
    return this.type('', BtfKind.Array, 0, false, 0, [elem, index, nelems]);
  }
  struct(name: string, size: number, members: MemberSpec[], kflag = false, union = false): number {
    const extra = members.flatMap((m) => [
      this.str(m.name),
      m.type,
      kflag ? ((m.bitSize ?? 0) << 24) | m.bitOffset : m.bitOffset,
    ]);
    return this.type(name, union ? BtfKind.Union : BtfKind.Struct, members.length, kflag, size, extra);
  }
  union(name: string, size: number, members: MemberSpec[], kflag = false): number {
    return this.struct(name, size, members, kflag, true);
  }
  enum(name: string, size: number, values: [string, number][], signed = false): number {
    return this.type(name, BtfKind.Enum, values.length, signed, size, values.flatMap(([n, v]) => [this.str(n), v]));
  }
  enum64(name: string, size: number, values: [string, bigint][], signed = false): number {
    const extra = values.flatMap(([n, v]) => {
      const u = BigInt.asUintN(64, v);
      return [this.str(n), Number(u & 0xffffffffn), Number(u >> 32n)];
    });
    return this.type(name, BtfKind.Enum64, values.length, signed, size, extra);
  }
  fwd(name: string, union = false): number {
    return this.type(name, BtfKind.Fwd, 0, union, 0);
  }
  typedef(name: string, to: number): number {
    return this.type(name, BtfKind.Typedef, 0, false, to);
  }
  const(to: number): number {
    return this.type('', BtfKind.Const, 0, false, to);
  }
  volatile(to: number): number {
    return this.type('', BtfKind.Volatile, 0, false, to);
  }
  restrict(to: number): number {
    return this.type('', BtfKind.Restrict, 0, false, to);
  }
  typeTag(name: string, to: number): number {
    return this.type(name, BtfKind.TypeTag, 0, false, to);
  }
  funcProto(ret: number, params: [string, number][], variadic = false): number {
    const ps = variadic ? [...params, ['', 0] as [string, number]] : params;
    return this.type('', BtfKind.FuncProto, ps.length, false, ret, ps.flatMap(([n, t]) => [this.str(n), t]));
  }
  func(name: string, proto: number, linkage = 1): number {
    return this.type(name, BtfKind.Func, linkage, false, proto);
  }
  var(name: string, type: number, linkage = 1): number {
    return this.type(name, BtfKind.Var, 0, false, type, [linkage]);
  }
  datasec(name: string, size: number, vars: [number, number, number][]): number {
    return this.type(name, BtfKind.Datasec, vars.length, false, size, vars.flat());
  }
  float(name: string, size: number): number {
    return this.type(name, BtfKind.Float, 0, false, size);
  }
  declTag(name: string, to: number, componentIdx: number): number {
    return this.type(name, BtfKind.DeclTag, 0, false, to, [componentIdx]);
  }

  /** The blob: struct btf_header, type section, string section. */
  build(opts: { bigEndian?: boolean } = {}): Buffer {
    const be = !!opts.bigEndian;
    const types = Buffer.alloc(this.words.length * 4);
    this.words.forEach((w, i) => (be ? types.writeUInt32BE(w, i * 4) : types.writeUInt32LE(w, i * 4)));
    const strs = Buffer.from(this.strings.map((s) => s + '\0').join(''), 'latin1');
    const hdr = Buffer.alloc(24);
    const w16 = (v: number, o: number) => (be ? hdr.writeUInt16BE(v, o) : hdr.writeUInt16LE(v, o));
    const w32 = (v: number, o: number) => (be ? hdr.writeUInt32BE(v, o) : hdr.writeUInt32LE(v, o));
    w16(0xeb9f, 0);
    hdr[2] = 1;
    hdr[3] = 0;
    w32(24, 4);
    w32(0, 8);
    w32(types.length, 12);
    w32(types.length, 16);
    w32(strs.length, 20);
    return Buffer.concat([hdr, types, strs]);
  }
}
