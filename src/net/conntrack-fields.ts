// Pieces of a conntrack entry read through BTF: tuples, status bits, TCP state names and
// the extension area (include/net/netfilter/nf_conntrack_tuple.h, nf_conntrack_extend.h,
// include/uapi/linux/netfilter/nf_conntrack_common.h, nf_conntrack_tcp.h).

import type { Kernel } from '../kernel/kernel.js';
import { ipv6 } from './addr.js';
import { perKernel } from '../kernel/memo.js';

export interface CtTuple {
  src: string;
  dst: string;
  /** Ports for TCP/UDP/UDP-Lite/SCTP/DCCP; null for ICMP (see icmp). */
  sport: number | null;
  dport: number | null;
  icmp: { type: number; code: number; id: number } | null;
  l3num: number;
  protonum: number;
}

// net/netfilter/nf_conntrack_standalone.c l3proto_name / l4proto_name
export function ctL3Name(n: number): string {
  return n === 2 ? 'ipv4' : n === 10 ? 'ipv6' : 'unknown';
}
const L4: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 47: 'gre', 58: 'icmpv6', 132: 'sctp', 136: 'udplite' };
export function ctProtoName(n: number): string {
  return L4[n] ?? 'unknown';
}
const PORTED = new Set([6, 17, 33, 132, 136]);

// net/netfilter/nf_conntrack_proto_tcp.c tcp_conntrack_names[]
const TCP_CT_STATES = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'];

function enumEntries(k: Kernel, spec: string): { name: string; value: bigint }[] | undefined {
  const r = k.typeRef(spec);
  return r ? [...r.btf.enumerators(r.id)] : undefined;
}

const tcpNames = perKernel((k) => {
  const m = new Map<number, string>();
  const e = enumEntries(k, 'enum tcp_conntrack');
  if (e) {
    for (const x of e) if (x.name.startsWith('TCP_CONNTRACK_') && !m.has(Number(x.value))) m.set(Number(x.value), x.name.slice(14));
  } else TCP_CT_STATES.forEach((n, i) => m.set(i, n));
  return m;
});
export function tcpCtStateName(k: Kernel, v: number): string {
  return tcpNames(k).get(v) ?? String(v);
}

// include/uapi/linux/netfilter/nf_conntrack_common.h enum ip_conntrack_status (IPS_*_BIT)
const IPS_FALLBACK = ['EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED', 'SRC_NAT', 'DST_NAT', 'SEQ_ADJUST', 'SRC_NAT_DONE', 'DST_NAT_DONE', 'DYING', 'FIXED_TIMEOUT', 'TEMPLATE', 'NAT_CLASH', 'HELPER', 'OFFLOAD', 'HW_OFFLOAD'];
const statusNames = perKernel((k) => {
  const names: string[] = [];
  const e = enumEntries(k, 'enum ip_conntrack_status');
  // Bit 12 is both UNTRACKED and NAT_CLASH: a hashed entry is never untracked, so the
  // later name wins.
  if (e) for (const x of e) if (/^IPS_\w+_BIT$/.test(x.name) && !x.name.startsWith('__') && x.value < 32n) names[Number(x.value)] = x.name.slice(4, -4);
  return names.length ? names : IPS_FALLBACK.slice();
});
export function ctStatusNames(k: Kernel, bits: number): string[] {
  const names = statusNames(k);
  const out: string[] = [];
  for (let b = 0; b < 32; b++) if (bits & (1 << b)) out.push(names[b] ?? `BIT${b}`);
  return out;
}

export interface ExtLayout {
  index: number;
  /** Offset of nf_ct_ext.offset[] (u8 per extension id). */
  offsetsAt: bigint;
  /** struct nf_conn_counter (acct): size and where packets/bytes are in it. */
  counter: { size: bigint; packets: bigint; bytes: bigint };
}

/** Where extension `id` (an enum nf_ct_ext_id name) is found from ct->ext (nf_ct_ext_find). */
export function extOffsets(k: Kernel, id: string): ExtLayout | null {
  const e = enumEntries(k, 'enum nf_ct_ext_id');
  const v = e?.find((x) => x.name === id)?.value;
  const f = k.tryField('struct nf_ct_ext', 'offset');
  if (v === undefined || !f || Number(v) >= f.size) return null;
  // struct nf_conn_acct { struct nf_conn_counter counter[IP_CT_DIR_MAX]; } with
  // nf_conn_counter { atomic64_t packets; atomic64_t bytes; } (nf_conntrack_acct.h): from BTF
  // when a module's types hold it, else that layout, unchanged since it was introduced.
  const C = 'struct nf_conn_counter';
  const counter = k.has(C, 'bytes')
    ? { size: BigInt(k.sizeof(C)), packets: k.off(C, 'packets'), bytes: k.off(C, 'bytes') }
    : { size: 16n, packets: 0n, bytes: 8n };
  return { index: Number(v), offsetsAt: f.offsetN, counter };
}

/** A reader of struct nf_conntrack_tuple at an address. */
export function ctTupleReader(k: Kernel): (addr: bigint) => CtTuple {
  const T = 'struct nf_conntrack_tuple';
  const srcA = k.field(T, 'src.u3');
  const srcP = k.field(T, 'src.u.all');
  const l3 = k.field(T, 'src.l3num');
  const dstA = k.field(T, 'dst.u3');
  const dstP = k.field(T, 'dst.u.all');
  const proto = k.field(T, 'dst.protonum');
  const itype = k.tryField(T, 'dst.u.icmp.type');
  const icode = k.tryField(T, 'dst.u.icmp.code');
  const size = k.sizeof(T);
  return (addr) => {
    const v = k.view(addr, size);
    const l3num = v.num(l3);
    const protonum = v.num(proto);
    const addrText = (f: typeof srcA) => {
      const b = v.bytes(f, 16);
      return l3num === 10 ? ipv6(b) : `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
    };
    const be = (f: typeof srcP) => v.bytes(f, 2).readUInt16BE(0);
    const isIcmp = protonum === 1 || protonum === 58;
    return {
      src: addrText(srcA),
      dst: addrText(dstA),
      sport: PORTED.has(protonum) ? be(srcP) : null,
      dport: PORTED.has(protonum) ? be(dstP) : null,
      icmp: isIcmp && itype && icode ? { type: v.num(itype), code: v.num(icode), id: be(srcP) } : null,
      l3num,
      protonum,
    };
  };
}
