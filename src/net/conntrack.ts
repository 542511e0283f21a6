// The connection tracking table: the global hash nf_conntrack_hash[nf_conntrack_htable_size]
// of hlist_nulls of struct nf_conntrack_tuple_hash (both directions of every confirmed
// entry), kept to the ORIGINAL direction and split by ct->ct_net, as
// net/netfilter/nf_conntrack_standalone.c (ct_get_first/ct_get_next, ct_seq_show) lists them
// in /proc/net/nf_conntrack. The entries are read in address order (address-order.ts; a busy
// server has 100,000s, far more than the page cache holds) and listed in hash order. Counts from nf_conntrack_net.count (net_generic, 5.15+) or
// net->ct.count (before); the limit from nf_conntrack_max.
//
// struct nf_conn (include/net/netfilter/nf_conntrack.h): ct_general.use, timeout (u32 jiffies;
// nf_ct_expires = timeout - nfct_time_stamp, the low 32 bits of jiffies), [zone], tuplehash[2],
// status (IPS_*), ct_net, [mark], ext, proto (tcp.state). Its type is in vmlinux BTF on the
// kernels here (built-in code uses it); extension and enum types may come from module BTF.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { readChainsInAddressOrder, type ChainStart } from './address-order.js';
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
/** Bytes of an nf_ct_ext read for the counters: its offsets, and counters at an offset (a u8)
 *  that is small in practice. */
const EXT_SPAN = 128;

const whereOf = (b: number) => `nf_conntrack_hash bucket ${b}`;

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

/** An entry read up to its accounting extension, which `finish` reads (later, in address order). */
export interface CtPending {
  row: ConntrackRow;
  /** The ORIGINAL tuple hash it was met through: the address its problem names. */
  node: bigint;
  /** struct nf_ct_ext * to read the counters from, 0n for none. */
  ext: bigint;
  /** What the reads after the extension's threw, if anything: the kernel reads them after it,
   *  so it is the entry's problem only if the extension reads well. */
  late?: unknown;
}

/** Reads the entries of nf_conntrack_hash, as ct_seq_show prints them: `read` one tuple hash
 *  (undefined for a REPLY one, another netns's or a freed entry), then `finish` it. */
export function conntrackReader(k: Kernel, nets: NetNs[], jiffies: bigint, hz: number) {
  const C = 'struct nf_conn';
  const TH = 'struct nf_conntrack_tuple_hash';
  const byNet = new Map(nets.map((n) => [n.address, n.inode]));
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
  const read = (node: bigint): CtPending | undefined => {
    const tuple = node + tupleOff;
    const dir = k.num(tuple, dirF);
    if (dir !== 0) return undefined; // the REPLY direction of an entry met through its original
    const ct = node - tuplehashOff;
    const net = k.ptr(ct, netF);
    const inode = byNet.get(net);
    if (inode === undefined) return undefined;
    const use = k.num(ct, useF);
    if (use === 0) return undefined; // freed, slab reused (SLAB_TYPESAFE_BY_RCU)
    const statusBits = Number(k.big(ct, statusF) & 0xffffffffn);
    const original = readTuple(tuple);
    const reply = readTuple(ct + tuplehashOff + thSize + tupleOff);
    const left = (k.num(ct, timeoutF) - now32) | 0;
    const ext = acct && extF ? k.ptr(ct, extF) : 0n;
    const p: CtPending = { row: undefined as unknown as ConntrackRow, node, ext };
    const protonum = original.protonum;
    try {
      p.row = {
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
        packets: null,
        bytes: null,
      };
    } catch (e) {
      p.late = e;
    }
    return p;
  };
  /** Reads the counters into the row; returns what makes the entry a problem, if anything. */
  const finish = (p: CtPending): unknown => {
    if (acct && p.ext !== 0n) {
      try {
        const off = k.mem.read(p.ext + acct.offsetsAt, acct.index + 1)[acct.index];
        if (off) {
          const a = p.ext + BigInt(off);
          const c = acct.counter;
          const packets: [bigint, bigint] = [k.mem.u64(a + c.packets), k.mem.u64(a + c.size + c.packets)];
          const bytes: [bigint, bigint] = [k.mem.u64(a + c.bytes), k.mem.u64(a + c.size + c.bytes)];
          if (p.late === undefined) Object.assign(p.row, { packets, bytes });
        }
      } catch (e) {
        return e;
      }
    }
    return p.late;
  };
  return { read, finish, tuplehashOff, span: k.sizeof(C), extSpan: EXT_SPAN };
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

  const r = conntrackReader(k, nets, jiffies, hz);
  let heads: Buffer;
  try {
    heads = k.mem.read(hash, size * 8);
  } catch (e) {
    problems.push(unreadable('nf_conntrack_hash', hash, e));
    return { rows: [], problems, counts, max, htableSize: size };
  }
  const starts: ChainStart[] = [];
  for (let b = 0; b < size; b++) {
    const first = heads.readBigUInt64LE(b * 8);
    if ((first & 1n) === 1n || first === 0n) continue;
    starts.push({ chain: b, first });
  }
  // Both tuple hashes of an entry lie in its nf_conn: the entries are the nf_conns.
  const shape = { where: whereOf, nextOffset: 0n, entryOffset: r.tuplehashOff, nulls: true, limit: MAX_PER_BUCKET, span: r.span };
  const steps = readChainsInAddressOrder(k, starts, shape, (_ct, node) => r.read(node), (_ct, node, b, e) => unreadable(whereOf(b), node, e));
  // The accounting extensions are allocations of their own: read them in address order too.
  const pending = steps.filter((s) => s.row);
  pending.sort((x, y) => (x.row!.ext < y.row!.ext ? -1 : x.row!.ext > y.row!.ext ? 1 : 0));
  k.mem.prefetch(pending.filter((s) => s.row!.ext !== 0n).map((s) => s.row!.ext), r.extSpan);
  for (const s of pending) {
    const e = r.finish(s.row!);
    if (e !== undefined) s.problem = unreadable(whereOf(s.chain), s.row!.node, e);
  }
  const rows: ConntrackRow[] = [];
  for (const s of steps) {
    if (s.problem) problems.push(s.problem);
    else rows.push(s.row!.row);
  }
  return { rows, problems, counts, max, htableSize: size };
}
