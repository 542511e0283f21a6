// Unit tests of the BTF parser on hand-built blobs (layouts: include/uapi/linux/btf.h).
import { describe, expect, it } from 'vitest';
import { Btf, BtfKind } from '../../src/debuginfo/btf.js';
import { BtfBuilder } from './btf-builder.js';

/** A model of struct sock_common's head (include/net/sock.h, 5.x/6.x) plus odds and ends. */
function model() {
  const b = new BtfBuilder();
  const uint = b.int('unsigned int', 4);
  const int = b.int('int', 4, { signed: true });
  const ushort = b.int('short unsigned int', 2);
  const uchar = b.int('unsigned char', 1);
  const char = b.int('char', 1, { signed: true, char: true });
  const bool = b.int('_Bool', 1, { bool: true });
  const ull = b.int('long long unsigned int', 8);
  const u32 = b.typedef('__u32', uint);
  const be32 = b.typedef('__be32', u32);
  const u16 = b.typedef('__u16', ushort);
  const be16 = b.typedef('__be16', u16);
  const u64 = b.typedef('__u64', ull);
  const addrpair = b.typedef('__addrpair', u64);
  const portpair = b.typedef('__portpair', u32);
  // union { __addrpair skc_addrpair; struct { __be32 skc_daddr; __be32 skc_rcv_saddr; }; };
  const daddrs = b.struct('', 8, [
    { name: 'skc_daddr', type: be32, bitOffset: 0 },
    { name: 'skc_rcv_saddr', type: be32, bitOffset: 32 },
  ]);
  const u1 = b.union('', 8, [
    { name: 'skc_addrpair', type: addrpair, bitOffset: 0 },
    { name: '', type: daddrs, bitOffset: 0 },
  ]);
  const u16arr = b.array(u16, int, 2);
  const u2 = b.union('', 4, [
    { name: 'skc_hash', type: uint, bitOffset: 0 },
    { name: 'skc_u16hashes', type: u16arr, bitOffset: 0 },
  ]);
  const ports = b.struct('', 4, [
    { name: 'skc_dport', type: be16, bitOffset: 0 },
    { name: 'skc_num', type: u16, bitOffset: 16 },
  ]);
  const u3 = b.union('', 4, [
    { name: 'skc_portpair', type: portpair, bitOffset: 0 },
    { name: '', type: ports, bitOffset: 0 },
  ]);
  const vuchar = b.volatile(uchar);
  // kind_flag struct: bitfield sizes in the offset's top 8 bits
  const sockCommon = b.struct(
    'sock_common',
    24,
    [
      { name: '', type: u1, bitOffset: 0 },
      { name: '', type: u2, bitOffset: 64 },
      { name: '', type: u3, bitOffset: 96 },
      { name: 'skc_family', type: ushort, bitOffset: 128 },
      { name: 'skc_state', type: vuchar, bitOffset: 144 },
      { name: 'skc_reuse', type: uchar, bitOffset: 152, bitSize: 4 },
      { name: 'skc_reuseport', type: uchar, bitOffset: 156, bitSize: 1 },
      { name: 'skc_ipv6only', type: uchar, bitOffset: 157, bitSize: 1 },
      { name: 'skc_bound_dev_if', type: int, bitOffset: 160 },
    ],
    true,
  );
  const sockFwd = b.fwd('sock');
  const pSock = b.ptr(sockFwd);
  const voidFn = b.funcProto(0, [['sk', pSock]]);
  const pVoidFn = b.ptr(voidFn);
  const name16 = b.array(char, int, 16);
  const grid = b.array(b.array(int, int, 3), int, 2); // int [2][3]
  const sock = b.struct('sock', 112, [
    { name: '__sk_common', type: sockCommon, bitOffset: 0 },
    { name: 'sk_data_ready', type: pVoidFn, bitOffset: 192 },
    { name: 'sk_prot_name', type: name16, bitOffset: 256 },
    { name: 'sk_grid', type: grid, bitOffset: 384 },
    { name: 'sk_kern_sock', type: bool, bitOffset: 576 },
    { name: 'sk_pair', type: b.array(sockCommon, int, 2), bitOffset: 640 },
  ]);
  // Old encoding (no kind_flag): a bitfield is an INT with its own bits/offset.
  const bits3 = b.int('unsigned int', 4, { bits: 3, offset: 2 });
  const oldBits = b.struct('old_bits', 4, [
    { name: 'plain', type: ushort, bitOffset: 0 },
    { name: 'flags', type: bits3, bitOffset: 16 },
  ]);
  const tcpCa = b.enum('tcp_ca_state', 4, [
    ['TCP_CA_Open', 0],
    ['TCP_CA_Disorder', 1],
    ['TCP_CA_CWR', 2],
    ['TCP_CA_Recovery', 3],
    ['TCP_CA_Loss', 4],
  ]);
  const sEnum = b.enum('signed_e', 4, [['NEG', -2], ['POS', 7]], true);
  const uEnum = b.enum('unsigned_e', 4, [['BIG', 0xfffffffe]]);
  const e64s = b.enum64('e64s', 8, [['MINUS_ONE', -1n], ['HUGE', 0x7fffffffffffffffn]], true);
  const e64u = b.enum64('e64u', 8, [['ALL', 0xffffffffffffffffn], ['HI', 0x100000000n]]);
  const cchar = b.const(char);
  const pcchar = b.ptr(cchar);
  const cpSock = b.const(pSock);
  const printfProto = b.funcProto(int, [['fmt', pcchar]], true);
  const printk = b.func('_printk', printfProto);
  const tagged = b.typeTag('rcu', sockFwd);
  const pTagged = b.ptr(tagged);
  const restrictP = b.restrict(pcchar);
  const dbl = b.float('double', 8);
  const pcpuVar = b.var('runqueues_like', int, 1);
  const datasec = b.datasec('.data..percpu', 64, [[pcpuVar, 16, 4]]);
  const dtag = b.declTag('user', sock, 1);
  const sockTypedef = b.typedef('sock', sock); // a typedef with a struct's name
  const anonEnumTd = b.typedef('anon_e_t', b.enum('', 4, [['ANON_A', 5]]));
  const unionFwd = b.fwd('ufwd', true);
  return {
    b, uint, int, ushort, uchar, char, bool, u32, be32, be16, u16arr, sockCommon, sockFwd, pSock, voidFn, pVoidFn,
    name16, grid, sock, oldBits, tcpCa, sEnum, uEnum, e64s, e64u, pcchar, cpSock, printfProto, printk, pTagged,
    restrictP, dbl, pcpuVar, datasec, dtag, sockTypedef, anonEnumTd, unionFwd, u1, ports, u16, vuchar, bits3,
  };
}

const m = model();
const btf = Btf.parse(m.b.build());

describe('Btf.parse', () => {
  it('counts the types', () => {
    expect(btf.typeCount).toBe(m.unionFwd);
    expect(btf.kind(0)).toBe(BtfKind.Void);
    expect(btf.name(0)).toBe('');
  });

  it('rejects a bad magic, naming it', () => {
    const blob = m.b.build();
    blob.writeUInt16LE(0x1234, 0);
    expect(() => Btf.parse(blob)).toThrow(/bad magic 0x1234 at offset 0/);
  });

  it('rejects an unknown version', () => {
    const blob = m.b.build();
    blob[2] = 2;
    expect(() => Btf.parse(blob)).toThrow(/unsupported version 2/);
  });

  it('rejects a truncated blob', () => {
    const blob = m.b.build();
    expect(() => Btf.parse(blob.subarray(0, blob.length - 10))).toThrow(/string section .* runs past the end/);
    expect(() => Btf.parse(blob.subarray(0, 10))).toThrow(/shorter than the 24-byte btf_header/);
  });

  it('rejects a type running past the type section', () => {
    const b = new BtfBuilder();
    b.struct('s', 4, [{ name: 'a', type: 0, bitOffset: 0 }]);
    const blob = b.build();
    const typeLen = blob.readUInt32LE(12);
    blob.writeUInt32LE(typeLen - 4, 12); // section 4 bytes short: the member runs past it
    expect(() => Btf.parse(blob)).toThrow(/type 1 \(struct\) .* runs past the type section/);
  });

  it('reads big-endian BTF the same way', () => {
    const be = Btf.parse(m.b.build({ bigEndian: true }));
    expect(be.bigEndian).toBe(true);
    expect(be.typeCount).toBe(btf.typeCount);
    expect(be.memberPath(be.findType('struct sock')!, '__sk_common.skc_dport').bitOffset).toBe(96);
    expect(be.enumerators(m.e64s)[0]).toEqual({ name: 'MINUS_ONE', value: -1n });
  });

  it('reads a blob at an unaligned buffer offset', () => {
    const blob = m.b.build();
    const shifted = Buffer.alloc(blob.length + 1);
    blob.copy(shifted, 1);
    const u = Btf.parse(shifted.subarray(1));
    expect(u.member(u.findType('struct sock_common')!, 'skc_num')).toEqual({ typeId: m.u16, bitOffset: 112, bitSize: 0 });
    expect(u.name(m.sock)).toBe('sock');
  });
});

describe('kinds, names and sizes', () => {
  it('names and kinds of every kind', () => {
    expect(btf.kind(m.uint)).toBe(BtfKind.Int);
    expect(btf.name(m.uint)).toBe('unsigned int');
    expect(btf.kind(m.pSock)).toBe(BtfKind.Ptr);
    expect(btf.kind(m.name16)).toBe(BtfKind.Array);
    expect(btf.kind(m.u1)).toBe(BtfKind.Union);
    expect(btf.kind(m.tcpCa)).toBe(BtfKind.Enum);
    expect(btf.kind(m.sockFwd)).toBe(BtfKind.Fwd);
    expect(btf.kind(m.u32)).toBe(BtfKind.Typedef);
    expect(btf.kind(m.printk)).toBe(BtfKind.Func);
    expect(btf.kind(m.printfProto)).toBe(BtfKind.FuncProto);
    expect(btf.kind(m.pcpuVar)).toBe(BtfKind.Var);
    expect(btf.kind(m.datasec)).toBe(BtfKind.Datasec);
    expect(btf.kind(m.dbl)).toBe(BtfKind.Float);
    expect(btf.kind(m.dtag)).toBe(BtfKind.DeclTag);
    expect(btf.kind(m.e64u)).toBe(BtfKind.Enum64);
    expect(btf.kindName(m.restrictP)).toBe('restrict');
    expect(btf.kindName(btf.target(m.pTagged)!)).toBe('type_tag');
  });

  it('sizes through typedefs, qualifiers and arrays', () => {
    expect(btf.size(m.be32)).toBe(4);
    expect(btf.size(m.sockCommon)).toBe(24);
    expect(btf.size(m.pSock)).toBe(8);
    expect(btf.size(m.cpSock)).toBe(8);
    expect(btf.size(m.name16)).toBe(16);
    expect(btf.size(m.grid)).toBe(24);
    expect(btf.size(m.e64u)).toBe(8);
    expect(btf.size(m.dbl)).toBe(8);
    expect(btf.size(m.pcpuVar)).toBe(4);
    expect(btf.size(m.sockFwd)).toBe(0);
    expect(btf.size(0)).toBe(0);
  });

  it('resolve strips typedefs and qualifiers; target follows one step', () => {
    expect(btf.resolve(m.be32)).toBe(m.uint);
    expect(btf.resolve(m.cpSock)).toBe(m.pSock);
    expect(btf.target(m.be32)).toBe(m.u32);
    expect(btf.target(m.pSock)).toBe(m.sockFwd);
    expect(btf.target(m.name16)).toBe(m.char);
    expect(btf.target(m.printfProto)).toBe(m.int);
    expect(btf.target(m.sock)).toBeUndefined();
    expect(btf.resolve(btf.target(m.pTagged)!)).toBe(m.sockFwd);
  });

  it('array info', () => {
    expect(btf.array(m.name16)).toEqual({ elemType: m.char, indexType: m.int, nelems: 16 });
    expect(btf.array(m.grid).nelems).toBe(2);
    expect(() => btf.array(m.uint)).toThrow(/is not an array/);
  });

  it('int encodings', () => {
    expect(btf.intInfo(m.char)).toEqual({ signed: true, char: true, bool: false, bits: 8, bitOffset: 0, size: 1 });
    expect(btf.intInfo(m.bool).bool).toBe(true);
    expect(btf.intInfo(m.be32)).toMatchObject({ signed: false, bits: 32, size: 4 });
    expect(btf.intInfo(m.sEnum)).toMatchObject({ signed: true, bits: 32 });
    expect(() => btf.intInfo(m.sock)).toThrow(/is not an integer/);
  });

  it('out-of-range ids throw', () => {
    expect(() => btf.kind(btf.typeCount + 1)).toThrow(/out of range/);
  });
});

describe('members', () => {
  it('lists direct members, anonymous ones with an empty name', () => {
    const ms = btf.members(m.sockCommon);
    expect(ms.map((x) => x.name).slice(0, 4)).toEqual(['', '', '', 'skc_family']);
    expect(ms[4]).toEqual({ name: 'skc_state', typeId: m.vuchar, bitOffset: 144, bitSize: 0 });
    expect(btf.resolve(ms[4]!.typeId)).toBe(m.uchar);
  });

  it('decodes kind_flag bitfields (size in the top 8 bits)', () => {
    expect(btf.member(m.sockCommon, 'skc_reuse')).toEqual({ typeId: m.uchar, bitOffset: 152, bitSize: 4 });
    expect(btf.member(m.sockCommon, 'skc_reuseport')).toEqual({ typeId: m.uchar, bitOffset: 156, bitSize: 1 });
    expect(btf.member(m.sockCommon, 'skc_ipv6only')!.bitOffset).toBe(157);
  });

  it('decodes old-style bitfields (INT bits/offset, no kind_flag)', () => {
    expect(btf.members(m.oldBits)[1]).toMatchObject({ name: 'flags', bitOffset: 18, bitSize: 3 });
    expect(btf.members(m.oldBits)[0]).toMatchObject({ name: 'plain', bitOffset: 0, bitSize: 0 });
  });

  it('finds members through anonymous unions and structs', () => {
    expect(btf.member(m.sockCommon, 'skc_dport')).toEqual({ typeId: m.be16, bitOffset: 96, bitSize: 0 });
    expect(btf.member(m.sockCommon, 'skc_num')!.bitOffset).toBe(112);
    expect(btf.member(m.sockCommon, 'skc_rcv_saddr')!.bitOffset).toBe(32);
    expect(btf.member(m.sockCommon, 'skc_portpair')!.bitOffset).toBe(96);
    expect(btf.member(m.sockCommon, 'skc_hash')!.bitOffset).toBe(64);
    expect(btf.member(m.sockCommon, 'nope')).toBeUndefined();
  });

  it('memberPath through nested structs, typedefs and subscripts', () => {
    expect(btf.memberPath(m.sock, '__sk_common.skc_dport')).toEqual({ typeId: m.be16, bitOffset: 96, bitSize: 0 });
    expect(btf.memberPath(m.sockTypedef, '__sk_common.skc_state').bitOffset).toBe(144);
    expect(btf.memberPath(m.sock, 'sk_prot_name[3]')).toEqual({ typeId: m.char, bitOffset: 256 + 24, bitSize: 0 });
    expect(btf.memberPath(m.sock, 'sk_grid[1][2]')).toEqual({ typeId: m.int, bitOffset: 384 + (3 + 2) * 32, bitSize: 0 });
    expect(btf.memberPath(m.sock, 'sk_pair[1].skc_num').bitOffset).toBe(640 + 24 * 8 + 112);
    expect(btf.memberPath(m.sock, '__sk_common.skc_u16hashes[1]').bitOffset).toBe(64 + 16);
    expect(btf.memberPath(m.sock, '__sk_common.skc_reuseport')).toEqual({ typeId: m.uchar, bitOffset: 156, bitSize: 1 });
    expect(btf.memberPath(m.name16, '[5]').bitOffset).toBe(40);
    expect(btf.memberPath(m.sock, '')).toEqual({ typeId: m.sock, bitOffset: 0, bitSize: 0 });
  });

  it('memberPath errors name the failing step', () => {
    expect(() => btf.memberPath(m.sock, '__sk_common.nope')).toThrow(/struct sock_common has no member 'nope'/);
    expect(() => btf.memberPath(m.sock, 'sk_data_ready.x')).toThrow(/is not a struct or union/);
    expect(() => btf.memberPath(m.sock, '__sk_common[1]')).toThrow(/is not an array/);
    expect(() => btf.memberPath(m.sock, 'a..b')).toThrow(/bad member path/);
  });

  it('hasMember probes by spec, with paths', () => {
    expect(btf.hasMember('struct sock_common', 'skc_dport')).toBe(true);
    expect(btf.hasMember('struct sock', '__sk_common.skc_num')).toBe(true);
    expect(btf.hasMember('struct sock', 'sk_grid[1][0]')).toBe(true);
    expect(btf.hasMember('struct sock', 'sk_nope')).toBe(false);
    expect(btf.hasMember('struct no_such', 'x')).toBe(false);
    expect(btf.hasMember('unsigned int', 'x')).toBe(false);
    expect(btf.hasMember(m.sock, 'sk_pair')).toBe(true);
  });
});

describe('enums', () => {
  it('unsigned enum values', () => {
    expect(btf.enumerators(m.tcpCa).map((e) => [e.name, e.value])).toEqual([
      ['TCP_CA_Open', 0n], ['TCP_CA_Disorder', 1n], ['TCP_CA_CWR', 2n], ['TCP_CA_Recovery', 3n], ['TCP_CA_Loss', 4n],
    ]);
    expect(btf.enumerators(m.uEnum)[0]!.value).toBe(0xfffffffen);
  });

  it('signed enum (kind_flag) values', () => {
    expect(btf.enumerators(m.sEnum)).toEqual([{ name: 'NEG', value: -2n }, { name: 'POS', value: 7n }]);
  });

  it('enum64 signed and unsigned', () => {
    expect(btf.enumerators(m.e64s)).toEqual([
      { name: 'MINUS_ONE', value: -1n },
      { name: 'HUGE', value: 0x7fffffffffffffffn },
    ]);
    expect(btf.enumerators(m.e64u)).toEqual([
      { name: 'ALL', value: 0xffffffffffffffffn },
      { name: 'HI', value: 0x100000000n },
    ]);
    expect(btf.intInfo(m.e64s)).toMatchObject({ signed: true, bits: 64 });
  });

  it('finds an enumerator by name across enums', () => {
    expect(btf.findEnumerator('TCP_CA_Loss')).toEqual({ enumId: m.tcpCa, value: 4n });
    expect(btf.findEnumerator('ANON_A')!.value).toBe(5n);
    expect(btf.findEnumerator('MINUS_ONE')).toEqual({ enumId: m.e64s, value: -1n });
    expect(btf.findEnumerator('NOPE')).toBeUndefined();
  });
});

describe('findType', () => {
  it('struct/union/enum specs', () => {
    expect(btf.findType('struct sock')).toBe(m.sock);
    expect(btf.findType('struct  sock_common ')).toBe(m.sockCommon);
    expect(btf.findType('enum tcp_ca_state')).toBe(m.tcpCa);
    expect(btf.findType('enum e64u')).toBe(m.e64u);
    expect(btf.findType('union ufwd')).toBe(m.unionFwd);
    expect(btf.findType('struct ufwd')).toBeUndefined();
    expect(btf.findType('struct nope')).toBeUndefined();
  });

  it('bare names prefer typedef, then int, then struct', () => {
    expect(btf.findType('sock')).toBe(m.sockTypedef);
    expect(btf.findType('__be16')).toBe(m.be16);
    expect(btf.findType('unsigned int')).toBe(m.uint);
    expect(btf.findType('sock_common')).toBe(m.sockCommon);
    expect(btf.findType('double')).toBe(m.dbl);
    expect(btf.findType('void')).toBe(0);
  });

  it('trailing * finds an existing pointer type', () => {
    expect(btf.findType('const char *')).toBeUndefined(); // qualifiers in specs are not parsed
    expect(btf.pointerTo(m.sockFwd)).toBe(m.pSock);
    expect(btf.findType('struct sock_common *')).toBeUndefined(); // no such PTR in this BTF
  });

  it('findAll lists every definition', () => {
    expect(btf.findAll('unsigned int', [BtfKind.Int])).toEqual([m.uint, m.bits3]);
    expect(btf.findAll('sock', [BtfKind.Struct, BtfKind.Fwd])).toEqual([m.sockFwd, m.sock]);
  });

  it('allNames for completion', () => {
    expect(btf.allNames(BtfKind.Struct)).toEqual(['old_bits', 'sock', 'sock_common']);
    expect(btf.allNames([BtfKind.Enum, BtfKind.Enum64])).toEqual(['e64s', 'e64u', 'signed_e', 'tcp_ca_state', 'unsigned_e']);
    expect(btf.allNames()).toContain('__be32');
  });
});

describe('typeName', () => {
  it('renders C-like declarations', () => {
    expect(btf.typeName(m.uint)).toBe('unsigned int');
    expect(btf.typeName(m.sock)).toBe('struct sock');
    expect(btf.typeName(m.pSock)).toBe('struct sock *');
    expect(btf.typeName(m.name16)).toBe('char [16]');
    expect(btf.typeName(m.grid)).toBe('int [2][3]');
    expect(btf.typeName(m.pVoidFn)).toBe('void (*)(struct sock *)');
    expect(btf.typeName(m.pcchar)).toBe('const char *');
    expect(btf.typeName(m.cpSock)).toBe('struct sock *const');
    expect(btf.typeName(m.printfProto)).toBe('int (const char *, ...)');
    expect(btf.typeName(m.u1)).toBe('union {...}');
    expect(btf.typeName(m.be32)).toBe('__be32');
    expect(btf.typeName(m.unionFwd)).toBe('union ufwd');
    expect(btf.typeName(m.pTagged)).toBe('struct sock *');
    expect(btf.typeName(0)).toBe('void');
  });
});

describe('functions and variables', () => {
  it('funcProto with variadic marker', () => {
    expect(btf.funcProto(m.printk)).toEqual({ returnType: m.int, params: [{ name: 'fmt', typeId: m.pcchar }], variadic: true });
    expect(btf.funcProto(m.pVoidFn)).toEqual({ returnType: 0, params: [{ name: 'sk', typeId: m.pSock }], variadic: false });
    expect(() => btf.funcProto(m.sock)).toThrow(/not a function prototype/);
  });

  it('datasec and var lookup', () => {
    expect(btf.datasecVars(m.datasec)).toEqual([{ typeId: m.pcpuVar, offset: 16, size: 4 }]);
    expect(btf.findVar('runqueues_like')).toEqual({ id: m.pcpuVar, typeId: m.int, linkage: 1 });
    expect(btf.findVar('nope')).toBeUndefined();
  });
});

describe('damaged type sections', () => {
  /** A blob whose type section is `int` followed by `extra` bytes (strings moved after them). */
  function withExtraTypeBytes(extra: Buffer): Buffer {
    const b = new BtfBuilder();
    b.int('int', 4);
    const blob = b.build();
    const typeLen = blob.readUInt32LE(12);
    const out = Buffer.concat([blob.subarray(0, 24 + typeLen), extra, blob.subarray(24 + typeLen)]);
    out.writeUInt32LE(typeLen + extra.length, 12); // type_len
    out.writeUInt32LE(typeLen + extra.length, 16); // str_off
    return out;
  }

  it('names an unknown kind and where it is', () => {
    const rec = Buffer.alloc(12);
    rec.writeUInt32LE((25 << 24) >>> 0, 4); // info: kind 25
    expect(() => Btf.parse(withExtraTypeBytes(rec))).toThrow(/type 2 at type-section byte 16 has unknown kind 25/);
  });

  it('names a truncated btf_type record', () => {
    expect(() => Btf.parse(withExtraTypeBytes(Buffer.alloc(4)))).toThrow(/type 2 at type-section byte 16 is truncated/);
  });

  it('names a record whose members run past the section', () => {
    const rec = Buffer.alloc(12);
    rec.writeUInt32LE(((BtfKind.Struct << 24) | 2) >>> 0, 4); // struct with 2 members, none present
    expect(() => Btf.parse(withExtraTypeBytes(rec))).toThrow(/type 2 \(struct\) at type-section byte 16 runs past the type section/);
  });
});
