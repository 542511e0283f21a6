// One nf_tables expression read from a rule: `struct nft_expr {ops; data[]}` with its private
// data decoded per type (net/netfilter/nft_*.c: each type's *_init fills what is read here,
// its *_dump says what it means). The expression's type is `ops->type->name`; the variant
// (cmp vs cmp_fast, limit pkts vs bytes, bitwise vs bitwise_fast, meta get vs set) is told by
// which ops it points at (the ops symbol in the module). Anything not decoded keeps its raw bytes.

import type { Kernel } from '../kernel/kernel.js';
import { perKernel } from '../kernel/memo.js';

export type CmpOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';
const CMP_OPS: CmpOp[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'];

export type NftExpr =
  | { type: 'payload'; base: number; offset: number; len: number; dreg: number; set: boolean }
  | { type: 'cmp'; sreg: number; op: CmpOp; data: Buffer }
  | { type: 'meta'; key: number; reg: number; set: boolean }
  | { type: 'ct'; key: number; dir: number; reg: number; set: boolean }
  | { type: 'immediate'; dreg: number; data: Buffer; verdict?: { code: number; chain?: string } }
  | { type: 'bitwise'; sreg: number; dreg: number; op: number; len: number; mask: Buffer; xor: Buffer; shift: number }
  | { type: 'range'; sreg: number; op: CmpOp; from: Buffer; to: Buffer }
  | { type: 'lookup'; sreg: number; dreg: number | null; set: bigint; invert: boolean }
  | { type: 'counter'; packets: bigint; bytes: bigint }
  | { type: 'limit'; rate: bigint; nsecs: bigint; burst: number; invert: boolean; bytes: boolean }
  | { type: 'log'; logType: number; level: number; prefix: string | null; group: number }
  | { type: 'nat'; manip: number; family: number; addrMin: number; addrMax: number; protoMin: number; protoMax: number; flags: number }
  | { type: 'masq' | 'redir'; protoMin: number; protoMax: number; flags: number }
  | { type: 'reject'; rtype: number; code: number }
  | { type: 'other'; name: string; raw: string };

const NFT_DATA = 16; // struct nft_data: u32 data[4] / nft_verdict {u32 code; nft_chain *chain}

const fields = perKernel((k: Kernel) => {
  const f = (t: string, p: string) => k.tryField(t, p);
  return {
    ops: k.field('struct nft_expr', 'ops'),
    data: k.off('struct nft_expr', 'data'),
    opsSize: k.field('struct nft_expr_ops', 'size'),
    opsType: k.field('struct nft_expr_ops', 'type'),
    typeName: k.field('struct nft_expr_type', 'name'),
    chainName: f('struct nft_chain', 'name'),
    payload: { base: f('struct nft_payload', 'base'), offset: f('struct nft_payload', 'offset'), len: f('struct nft_payload', 'len'), dreg: f('struct nft_payload', 'dreg') },
    payloadSet: { base: f('struct nft_payload_set', 'base'), offset: f('struct nft_payload_set', 'offset'), len: f('struct nft_payload_set', 'len'), sreg: f('struct nft_payload_set', 'sreg') },
    cmp: { data: f('struct nft_cmp_expr', 'data'), sreg: f('struct nft_cmp_expr', 'sreg'), len: f('struct nft_cmp_expr', 'len'), op: f('struct nft_cmp_expr', 'op') },
    cmpFast: { data: f('struct nft_cmp_fast_expr', 'data'), sreg: f('struct nft_cmp_fast_expr', 'sreg'), len: f('struct nft_cmp_fast_expr', 'len'), inv: f('struct nft_cmp_fast_expr', 'inv') },
    cmp16: { data: f('struct nft_cmp16_fast_expr', 'data'), sreg: f('struct nft_cmp16_fast_expr', 'sreg'), len: f('struct nft_cmp16_fast_expr', 'len'), inv: f('struct nft_cmp16_fast_expr', 'inv') },
    meta: { key: f('struct nft_meta', 'key'), reg: f('struct nft_meta', 'dreg') },
    ct: { key: f('struct nft_ct', 'key'), dir: f('struct nft_ct', 'dir'), reg: f('struct nft_ct', 'dreg') },
    imm: { data: f('struct nft_immediate_expr', 'data'), dreg: f('struct nft_immediate_expr', 'dreg'), dlen: f('struct nft_immediate_expr', 'dlen') },
    bw: { sreg: f('struct nft_bitwise', 'sreg'), dreg: f('struct nft_bitwise', 'dreg'), op: f('struct nft_bitwise', 'op'), len: f('struct nft_bitwise', 'len'),
      mask: f('struct nft_bitwise', 'mask'), xor: f('struct nft_bitwise', 'xor'), data: f('struct nft_bitwise', 'data') },
    bwFast: { mask: f('struct nft_bitwise_fast_expr', 'mask'), xor: f('struct nft_bitwise_fast_expr', 'xor'), sreg: f('struct nft_bitwise_fast_expr', 'sreg'), dreg: f('struct nft_bitwise_fast_expr', 'dreg') },
    range: { from: f('struct nft_range_expr', 'data_from'), to: f('struct nft_range_expr', 'data_to'), sreg: f('struct nft_range_expr', 'sreg'), len: f('struct nft_range_expr', 'len'), op: f('struct nft_range_expr', 'op') },
    lookup: { set: f('struct nft_lookup', 'set'), sreg: f('struct nft_lookup', 'sreg'), dreg: f('struct nft_lookup', 'dreg'), dregSet: f('struct nft_lookup', 'dreg_set'), invert: f('struct nft_lookup', 'invert') },
    counter: { pcpu: f('struct nft_counter_percpu_priv', 'counter'), bytes: f('struct nft_counter', 'bytes'), packets: f('struct nft_counter', 'packets') },
    limit: { rate: f('struct nft_limit_priv', 'rate'), nsecs: f('struct nft_limit_priv', 'nsecs'), burst: f('struct nft_limit_priv', 'burst'), invert: f('struct nft_limit_priv', 'invert') },
    log: { type: f('struct nft_log', 'loginfo.type'), level: f('struct nft_log', 'loginfo.u.log.level'), group: f('struct nft_log', 'loginfo.u.ulog.group'), prefix: f('struct nft_log', 'prefix') },
    nat: { amin: f('struct nft_nat', 'sreg_addr_min'), amax: f('struct nft_nat', 'sreg_addr_max'), pmin: f('struct nft_nat', 'sreg_proto_min'), pmax: f('struct nft_nat', 'sreg_proto_max'),
      type: f('struct nft_nat', 'type'), family: f('struct nft_nat', 'family'), flags: f('struct nft_nat', 'flags') },
    masq: { flags: f('struct nft_masq', 'flags'), pmin: f('struct nft_masq', 'sreg_proto_min'), pmax: f('struct nft_masq', 'sreg_proto_max') },
    redir: { flags: f('struct nft_redir', 'flags'), pmin: f('struct nft_redir', 'sreg_proto_min'), pmax: f('struct nft_redir', 'sreg_proto_max') },
    reject: { type: f('struct nft_reject', 'type'), code: f('struct nft_reject', 'icmp_code') },
  };
});

type F = NonNullable<ReturnType<typeof fields>['cmp']['op']>;

export interface ExprRead {
  expr: NftExpr;
  /** Size of this expression (header included): where the next one starts. */
  size: number;
}

/** The bare symbol name an ops pointer points at ("nft_cmp_fast_ops"). */
function opsSymbol(k: Kernel, ops: bigint): string {
  return k.symbolize(ops).split(/[+ ]/)[0];
}

// include/net/netfilter/nf_tables.h: nft_expr_first/nft_expr_next — ops->size is the whole
// expression (NFT_EXPR_SIZE(priv) = sizeof(struct nft_expr) + priv)
export function readExpr(k: Kernel, addr: bigint): ExprRead {
  const F = fields(k);
  const ops = k.ptr(addr, F.ops);
  const size = k.num(ops, F.opsSize);
  const name = k.mem.cstring(k.ptr(k.ptr(ops, F.opsType), F.typeName), 32);
  const priv = addr + F.data;
  const privLen = Math.max(0, size - Number(F.data));
  const raw = () => ({ type: 'other' as const, name, raw: k.mem.read(priv, Math.min(privLen, 256)).toString('hex') });
  const need = (...fs: (F | undefined)[]): F[] | undefined => (fs.every(Boolean) ? (fs as F[]) : undefined);
  // A copy: the ops' symbol is looked up between the members.
  const v = k.viewCopy(priv, Math.max(privLen, 1));
  const sym = opsSymbol(k, ops);
  let expr: NftExpr | undefined;
  switch (name) {
    case 'payload': {
      const set = /payload_set/.test(sym);
      const p = set ? F.payloadSet : F.payload;
      const r = need(p.base, p.offset, p.len, set ? F.payloadSet.sreg : F.payload.dreg);
      if (r) expr = { type: 'payload', base: v.num(r[0]), offset: v.num(r[1]), len: v.num(r[2]), dreg: v.num(r[3]), set };
      break;
    }
    case 'cmp': {
      if (/cmp16_fast/.test(sym)) {
        const r = need(F.cmp16.data, F.cmp16.sreg, F.cmp16.len, F.cmp16.inv);
        if (r) expr = { type: 'cmp', sreg: v.num(r[1]), op: v.num(r[3]) ? 'neq' : 'eq', data: Buffer.from(v.bytes(r[0], NFT_DATA).subarray(0, v.num(r[2]))) };
      } else if (/cmp_fast/.test(sym)) {
        // nft_cmp_fast_init: len is in bits, data holds the first len/8 bytes
        const r = need(F.cmpFast.data, F.cmpFast.sreg, F.cmpFast.len, F.cmpFast.inv);
        if (r) expr = { type: 'cmp', sreg: v.num(r[1]), op: v.num(r[3]) ? 'neq' : 'eq', data: Buffer.from(v.bytes(r[0], 4).subarray(0, Math.ceil(v.num(r[2]) / 8))) };
      } else {
        const r = need(F.cmp.data, F.cmp.sreg, F.cmp.len, F.cmp.op);
        if (r) expr = { type: 'cmp', sreg: v.num(r[1]), op: CMP_OPS[v.num(r[3])] ?? 'eq', data: Buffer.from(v.bytes(r[0], NFT_DATA).subarray(0, v.num(r[2]))) };
      }
      break;
    }
    case 'meta': {
      const r = need(F.meta.key, F.meta.reg);
      if (r) expr = { type: 'meta', key: v.num(r[0]), reg: v.num(r[1]), set: /set/.test(sym) };
      break;
    }
    case 'ct': {
      const r = need(F.ct.key, F.ct.dir, F.ct.reg);
      if (r) expr = { type: 'ct', key: v.num(r[0]), dir: v.num(r[1]), reg: v.num(r[2]), set: /set/.test(sym) };
      break;
    }
    case 'immediate': {
      const r = need(F.imm.data, F.imm.dreg, F.imm.dlen);
      if (r) {
        const dreg = v.num(r[1]);
        const data = Buffer.from(v.bytes(r[0], NFT_DATA).subarray(0, Math.min(NFT_DATA, v.num(r[2]))));
        if (dreg === 0) {
          const code = v.buf.readInt32LE(v.off + r[0].offset);
          const chainPtr = v.buf.readBigUInt64LE(v.off + r[0].offset + 8);
          const chain = (code === -3 || code === -4) && chainPtr && F.chainName ? k.mem.cstring(k.ptr(chainPtr, F.chainName), 256) : undefined;
          expr = { type: 'immediate', dreg, data, verdict: { code, chain } };
        } else expr = { type: 'immediate', dreg, data };
      }
      break;
    }
    case 'bitwise': {
      if (/bitwise_fast/.test(sym)) {
        const r = need(F.bwFast.mask, F.bwFast.xor, F.bwFast.sreg, F.bwFast.dreg);
        if (r) expr = { type: 'bitwise', sreg: v.num(r[2]), dreg: v.num(r[3]), op: 0, len: 4, mask: Buffer.from(v.bytes(r[0], 4)), xor: Buffer.from(v.bytes(r[1], 4)), shift: 0 };
      } else {
        const b = F.bw;
        const r = need(b.sreg, b.dreg, b.op, b.len, b.mask, b.xor, b.data);
        if (r) {
          const len = v.num(r[3]);
          expr = { type: 'bitwise', sreg: v.num(r[0]), dreg: v.num(r[1]), op: v.num(r[2]), len,
            mask: Buffer.from(v.bytes(r[4], NFT_DATA).subarray(0, len)), xor: Buffer.from(v.bytes(r[5], NFT_DATA).subarray(0, len)),
            shift: v.buf.readUInt32LE(v.off + r[6].offset) };
        }
      }
      break;
    }
    case 'range': {
      const g = F.range;
      const r = need(g.from, g.to, g.sreg, g.len, g.op);
      if (r) {
        const len = v.num(r[3]);
        expr = { type: 'range', sreg: v.num(r[2]), op: v.num(r[4]) ? 'neq' : 'eq', from: Buffer.from(v.bytes(r[0], NFT_DATA).subarray(0, len)), to: Buffer.from(v.bytes(r[1], NFT_DATA).subarray(0, len)) };
      }
      break;
    }
    case 'lookup': {
      const l = F.lookup;
      const r = need(l.set, l.sreg, l.dreg, l.invert);
      if (r) {
        const dregSet = l.dregSet ? v.num(l.dregSet) !== 0 : false;
        expr = { type: 'lookup', set: v.ptr(r[0]), sreg: v.num(r[1]), dreg: dregSet ? v.num(r[2]) : null, invert: v.num(r[3]) !== 0 };
      }
      break;
    }
    case 'counter': {
      const c = F.counter;
      const r = need(c.pcpu, c.bytes, c.packets);
      if (r) {
        // net/netfilter/nft_counter.c nft_counter_fetch: the sum over possible CPUs
        const pc = v.ptr(r[0]);
        expr = { type: 'counter', packets: k.perCpuSum(pc + r[2].offsetN), bytes: k.perCpuSum(pc + r[1].offsetN) };
      }
      break;
    }
    case 'limit': {
      const l = F.limit;
      const r = need(l.rate, l.nsecs, l.burst, l.invert);
      if (r) expr = { type: 'limit', rate: v.buf.readBigUInt64LE(v.off + r[0].offset), nsecs: v.buf.readBigUInt64LE(v.off + r[1].offset), burst: v.num(r[2]),
        invert: v.num(r[3]) !== 0, bytes: /bytes/.test(sym) };
      break;
    }
    case 'log': {
      const l = F.log;
      const r = need(l.type, l.level, l.group, l.prefix);
      if (r) {
        const p = v.ptr(r[3]);
        expr = { type: 'log', logType: v.num(r[0]), level: v.num(r[1]), group: v.num(r[2]), prefix: p ? k.mem.cstring(p, 128) : null };
      }
      break;
    }
    case 'nat': {
      const n = F.nat;
      const r = need(n.amin, n.amax, n.pmin, n.pmax, n.type, n.family, n.flags);
      if (r) expr = { type: 'nat', addrMin: v.num(r[0]), addrMax: v.num(r[1]), protoMin: v.num(r[2]), protoMax: v.num(r[3]), manip: v.num(r[4]), family: v.num(r[5]), flags: v.num(r[6]) };
      break;
    }
    case 'masq':
    case 'redir': {
      const m = name === 'masq' ? F.masq : F.redir;
      const r = need(m.flags, m.pmin, m.pmax);
      if (r) expr = { type: name, flags: v.num(r[0]), protoMin: v.num(r[1]), protoMax: v.num(r[2]) };
      break;
    }
    case 'reject': {
      const r = need(F.reject.type, F.reject.code);
      if (r) expr = { type: 'reject', rtype: v.num(r[0]), code: v.num(r[1]) };
      break;
    }
  }
  return { expr: expr ?? raw(), size };
}
