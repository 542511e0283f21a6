// The connection tracking table: the global hash nf_conntrack_hash[nf_conntrack_htable_size]
// of hlist_nulls of struct nf_conntrack_tuple_hash (both directions of every confirmed
// entry), kept to the ORIGINAL direction and split by ct->ct_net, as
// net/netfilter/nf_conntrack_standalone.c (ct_get_first/ct_get_next, ct_seq_show) lists them
// in /proc/net/nf_conntrack. Counts from nf_conntrack_net.count (net_generic, 5.15+) or
// net->ct.count (before); the limit from nf_conntrack_max.
//
// struct nf_conn (include/net/netfilter/nf_conntrack.h): ct_general.use, timeout (u32 jiffies;
// nf_ct_expires = timeout - nfct_time_stamp, the low 32 bits of jiffies), [zone], tuplehash[2],
// status (IPS_*), ct_net, [mark], ext, proto (tcp.state). Its type is in vmlinux BTF on the
// kernels here (built-in code uses it); extension and enum types may come from module BTF.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, hlistNullsEntries, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { ctStatusNames, ctProtoName, ctL3Name, tcpCtStateName, extOffsets, ctTupleReader, type CtTuple } from './conntrack-fields.js';

export type { CtTuple };

export interface ConntrackRow {
  netns: number;
  address: bigint;
  l3: string;
  l3num: number;
  proto: string;
  protonum: number;
  /** TCP state name ("ESTABLISHED"), null for protocols without one. */
  state: string | null;
  /** Seconds left at the dump (negative: expired, awaiting garbage collection). */
  timeout: number;
  /** Jiffies left (timeout - nfct_time_stamp), before dividing by HZ. */
  timeoutJiffies: number;
  original: CtTuple;
  reply: CtTuple;
  status: string[];
  statusBits: number;
  mark: number | null;
  zone: number | null;
  use: number;
  /** Per direction [original, reply], when the acct extension is there. */
  packets: [bigint, bigint] | null;
  bytes: [bigint, bigint] | null;
}

export interface ConntrackCount {
  netns: number;
  /** Entries the netns counts (unconfirmed ones included), null if unreadable. */
  count: number | null;
}

export interface ConntrackTable {
  rows: ConntrackRow[];
  problems: WalkProblem[];
  counts: ConntrackCount[];
  max: number | null;
  htableSize: number;
  /** Set when the table could not be walked at all: the one clear reason. */
  unavailable?: string;
}

/** More buckets than this is a corrupt size (the kernel caps it far lower). */
const MAX_BUCKETS = 1 << 26;
const MAX_PER_BUCKET = 100_000;

// include/net/netns/generic.h net_generic(): net->gen->ptr[id]
function netGeneric(k: Kernel, net: bigint, idSym: string): bigint | undefined {
  const idAddr = k.trySymbol(idSym);
  if (idAddr === undefined || !k.has('struct net', 'gen')) return undefined;
  const id = k.mem.u32(idAddr);
  const gen = k.ptr(net, k.field('struct net', 'gen'));
  if (gen === 0n || id === 0 || id > 4096) return undefined;
  return k.mem.ptr(gen + BigInt(id) * 8n);
}

// net/netfilter/nf_conntrack_core.c nf_conntrack_count(): nf_ct_pernet(net)->count
function countOf(k: Kernel, net: bigint): number | null {
  if (k.has('struct net', 'ct.count')) return k.num(net, k.field('struct net', 'ct.count'));
  const cnet = netGeneric(k, net, 'nf_conntrack_net_id');
  if (cnet === undefined || cnet === 0n) return null;
  const f = k.tryField('struct nf_conntrack_net', 'count');
  if (!f) return null;
  return k.num(cnet, f);
}

export function conntrackTable(k: Kernel, nets: NetNs[], jiffies: bigint, hz: number): ConntrackTable {
  const problems: WalkProblem[] = [];
  const empty = (why: string): ConntrackTable => ({ rows: [], problems, counts: [], max: null, htableSize: 0, unavailable: why });
  const hashSym = k.trySymbol('nf_conntrack_hash');
  const sizeSym = k.trySymbol('nf_conntrack_htable_size');
  if (hashSym === undefined || sizeSym === undefined) return empty('no connection tracking in this dump (nf_conntrack is not loaded)');
  const C = 'struct nf_conn';
  if (!k.has(C, 'tuplehash') || !k.has('struct nf_conntrack_tuple_hash', 'tuple')) {
    return empty('struct nf_conn is not in this dump\'s types (nf_conntrack is a module and this kernel keeps no module BTF)');
  }
  const max = (() => {
    const a = k.trySymbol('nf_conntrack_max');
    return a === undefined ? null : k.mem.u32(a);
  })();
  const counts: ConntrackCount[] = nets.map((n) => {
    try {
      return { netns: n.inode, count: countOf(k, n.address) };
    } catch (e) {
      problems.push(unreadable(`conntrack count (netns ${n.inode})`, n.address, e));
      return { netns: n.inode, count: null };
    }
  });
  const hash = k.mem.ptr(hashSym);
  const size = k.mem.u32(sizeSym);
  if (hash === 0n || size === 0 || size > MAX_BUCKETS) return { ...empty(`nf_conntrack_hash unreadable (size ${size})`), counts, max };

  const byNet = new Map(nets.map((n) => [n.address, n.inode]));
  const TH = 'struct nf_conntrack_tuple_hash';
  const thSize = BigInt(k.sizeof(TH));
  const tuplehashOff = k.off(C, 'tuplehash');
  const tupleOff = k.off(TH, 'tuple');
  const dirF = k.field('struct nf_conntrack_tuple', 'dst.dir');
  const readTuple = ctTupleReader(k);
  const useF = k.tryField(C, 'ct_general.use.refs.counter') ?? k.field(C, 'ct_general.use');
  const timeoutF = k.field(C, 'timeout');
  const statusF = k.field(C, 'status');
  const netF = k.tryField(C, 'ct_net.net') ?? k.field(C, 'ct_net');
  const markF = k.tryField(C, 'mark');
  const zoneF = k.tryField(C, 'zone.id');
  const extF = k.tryField(C, 'ext');
  const tcpStateF = k.tryField(C, 'proto.tcp.state');
  const acct = extOffsets(k, 'NF_CT_EXT_ACCT');
  const now32 = Number(jiffies & 0xffffffffn);
  const rows: ConntrackRow[] = [];

  let heads: Buffer;
  try {
    heads = k.mem.read(hash, size * 8);
  } catch (e) {
    problems.push(unreadable('nf_conntrack_hash', hash, e));
    return { rows, problems, counts, max, htableSize: size };
  }
  for (let b = 0; b < size; b++) {
    const first = heads.readBigUInt64LE(b * 8);
    if ((first & 1n) === 1n || first === 0n) continue;
    const where = `nf_conntrack_hash bucket ${b}`;
    for (const node of hlistNullsEntries(k.mem, first, { where, limit: MAX_PER_BUCKET, onProblem: (p) => problems.push(p) })) {
      try {
        const tuple = node + tupleOff;
        const dir = k.num(tuple, dirF);
        if (dir !== 0) continue; // the REPLY direction of an entry met through its original
        const ct = node - tuplehashOff;
        const net = k.ptr(ct, netF);
        const inode = byNet.get(net);
        if (inode === undefined) continue;
        const use = k.num(ct, useF);
        if (use === 0) continue; // freed, slab reused (SLAB_TYPESAFE_BY_RCU)
        const statusBits = Number(k.big(ct, statusF) & 0xffffffffn);
        const original = readTuple(tuple);
        const reply = readTuple(ct + tuplehashOff + thSize + tupleOff);
        const left = (k.num(ct, timeoutF) - now32) | 0;
        let packets: [bigint, bigint] | null = null;
        let bytes: [bigint, bigint] | null = null;
        if (acct && extF) {
          const ext = k.ptr(ct, extF);
          const off = ext === 0n ? 0 : k.mem.read(ext + acct.offsetsAt, acct.index + 1)[acct.index];
          if (off) {
            const a = ext + BigInt(off);
            const c = acct.counter;
            packets = [k.mem.u64(a + c.packets), k.mem.u64(a + c.size + c.packets)];
            bytes = [k.mem.u64(a + c.bytes), k.mem.u64(a + c.size + c.bytes)];
          }
        }
        const protonum = original.protonum;
        rows.push({
          netns: inode,
          address: ct,
          l3: ctL3Name(original.l3num),
          l3num: original.l3num,
          proto: ctProtoName(protonum),
          protonum,
          state: protonum === 6 && tcpStateF ? tcpCtStateName(k, k.num(ct, tcpStateF)) : null,
          timeout: Math.trunc(left / hz),
          timeoutJiffies: left,
          original,
          reply,
          status: ctStatusNames(k, statusBits),
          statusBits,
          mark: markF ? k.num(ct, markF) : null,
          zone: zoneF ? k.num(ct, zoneF) : null,
          use,
          packets,
          bytes,
        });
      } catch (e) {
        problems.push(unreadable(where, node, e));
      }
    }
  }
  return { rows, problems, counts, max, htableSize: size };
}
