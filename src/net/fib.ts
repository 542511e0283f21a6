// IPv4 routes: every fib_table of each netns (net->ipv4.fib_table_hash) and the LC-trie behind
// it. MAIN and LOCAL may share one trie (fib_trie_table: tb_data = alias->__data while no custom
// rules exist), so each alias is kept only in the table whose id it carries (fa->tb_id), as
// fib_route_seq_show and fib_table_dump do.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, hlistEntries, isKernelPointer, type WalkProblem } from '../kernel/walk.js';
import { ipv4FromLE } from './addr.js';
import type { NetNs } from './netns.js';
import { NexthopReader } from './nexthop.js';
import {
  RTF, RTN_BLACKHOLE, RTN_PROHIBIT, RTN_UNREACHABLE, ipv4FromHost, ipv4Mask, protocolName, routeFlagLetters,
  routeTypeName, scopeName, tableName,
} from './route-names.js';
import type { RouteNexthop, RouteRow, RouteTable } from './route-row.js';
import { readRouteMetrics, type RouteMetric } from './route-metrics.js';

/** A trie leaf: its host-order key and the address of its key_vector. */
interface Leaf {
  key: number;
  kv: bigint;
}

const MAX_NODES = 4_000_000;
const MAX_ALIASES = 100_000;
// include/uapi/linux/rtnetlink.h: RTAX_MTU 2, RTAX_WINDOW 3, RTAX_RTT 4, RTAX_ADVMSS 8 (metrics[i-1]).
const RTAX_WINDOW = 3, RTAX_RTT = 4, RTAX_ADVMSS = 8;

// include/net/ip_fib.h: FIB_TABLE_HASHSZ is 256 with CONFIG_IP_MULTIPLE_TABLES, else 2; only that
// configuration has netns_ipv4.rules_ops.
export function fibTableHashSize(k: Kernel): number {
  return k.has('struct netns_ipv4', 'rules_ops') ? 256 : 2;
}

/** The fib_tables of one netns, in hash-bucket order (inet_dump_fib's order). */
export function fibTables(k: Kernel, ns: NetNs, problems: WalkProblem[]): { address: bigint; id: number; data: bigint }[] {
  const T = 'struct fib_table';
  const where = `fib_table_hash (netns ${ns.inode})`;
  const out: { address: bigint; id: number; data: bigint }[] = [];
  let hash: bigint;
  try {
    hash = k.ptr(ns.address, k.field('struct net', 'ipv4.fib_table_hash'));
  } catch (e) {
    problems.push(unreadable(where, ns.address, e));
    return out;
  }
  const link = k.off(T, 'tb_hlist');
  const idF = k.field(T, 'tb_id');
  const dataF = k.field(T, 'tb_data');
  const n = fibTableHashSize(k);
  for (let h = 0; h < n; h++) {
    let first: bigint;
    try {
      first = k.mem.ptr(hash + BigInt(h) * 8n);
    } catch (e) {
      problems.push(unreadable(`${where} bucket ${h}`, hash, e));
      return out;
    }
    for (const l of hlistEntries(k.mem, first, { where: `${where} bucket ${h}`, limit: 10_000, onProblem: (p) => problems.push(p) })) {
      const tb = l - link;
      try {
        out.push({ address: tb, id: k.num(tb, idF), data: k.ptr(tb, dataF) });
      } catch (e) {
        problems.push(unreadable(where, tb, e));
      }
    }
  }
  return out;
}

// net/ipv4/fib_trie.c: leaf_walk_rcu / fib_trie_get_next — every leaf of a trie in ascending key
// order. `trie` is tb_data (struct trie, whose kv[0] is the root pseudo-node with one child).
export function trieLeaves(k: Kernel, trie: bigint, where: string, problems: WalkProblem[]): Leaf[] {
  const KV = 'struct key_vector';
  const keyF = k.field(KV, 'key');
  const bitsF = k.field(KV, 'bits');
  const tnodeOff = k.off(KV, 'tnode');
  const leaves: Leaf[] = [];
  const seen = new Set<bigint>();
  let stack: bigint[];
  try {
    stack = [k.mem.ptr(trie + tnodeOff)];
  } catch (e) {
    problems.push(unreadable(where, trie, e));
    return leaves;
  }
  while (stack.length) {
    const n = stack.pop()!;
    if (n === 0n) continue;
    if (!isKernelPointer(n) || seen.has(n) || seen.size >= MAX_NODES) {
      const kind = !isKernelPointer(n) ? 'bad-pointer' : seen.has(n) ? 'cycle' : 'limit';
      problems.push({ where, address: n, kind, detail: `trie node 0x${n.toString(16)}` });
      continue;
    }
    seen.add(n);
    try {
      const v = k.view(n, 8);
      const bits = v.num(bitsF);
      if (bits === 0) {
        leaves.push({ key: v.num(keyF), kv: n });
        continue;
      }
      if (bits > 31) throw new Error(`tnode with ${bits} bits`);
      const count = 2 ** bits;
      const kids = k.mem.read(n + tnodeOff, count * 8);
      for (let i = count - 1; i >= 0; i--) stack.push(kids.readBigUInt64LE(i * 8));
    } catch (e) {
      problems.push(unreadable(where, n, e));
    }
  }
  return leaves;
}

// net/ipv4/fib_trie.c: fib_table_dump / fn_trie_dump_leaf and fib_route_seq_show (/proc/net/route);
// net/ipv4/fib_semantics.c: fib_dump_info. Every route of every IPv4 table of each netns.
export function ipv4Routes(k: Kernel, nets: NetNs[]): RouteTable {
  const problems: WalkProblem[] = [];
  const rows: RouteRow[] = [];
  const nhr = new NexthopReader(k);
  const ctx = fields(k);
  for (const ns of nets) {
    const leavesByTrie = new Map<bigint, Leaf[]>();
    for (const tb of fibTables(k, ns, problems)) {
      const where = `fib table ${tb.id} (netns ${ns.inode})`;
      let leaves = leavesByTrie.get(tb.data);
      if (!leaves) leavesByTrie.set(tb.data, (leaves = trieLeaves(k, tb.data, where, problems)));
      for (const leaf of leaves) {
        const first = k.mem.ptr(leaf.kv + ctx.leafOff);
        for (const fa of hlistEntries(k.mem, first, { where: `${where} leaf ${ipv4FromHost(leaf.key)}`, limit: MAX_ALIASES, onProblem: (p) => problems.push(p) })) {
          try {
            const row = aliasRow(k, ctx, nhr, fa - ctx.faLink, leaf.key, tb.id, ns.inode);
            if (row) rows.push(row);
          } catch (e) {
            problems.push(unreadable(where, fa, e));
          }
        }
      }
    }
  }
  return { rows, problems };
}

type Fields = ReturnType<typeof fields>;
function fields(k: Kernel) {
  const A = 'struct fib_alias';
  const I = 'struct fib_info';
  return {
    leafOff: k.off('struct key_vector', 'leaf'),
    faLink: k.off(A, 'fa_list'),
    faInfo: k.field(A, 'fa_info'),
    // 6.1 "ipv4: Use dscp_t in struct fib_alias" replaced u8 fa_tos by dscp_t fa_dscp (same byte).
    faTos: k.tryField(A, 'fa_dscp') ?? k.field(A, 'fa_tos'),
    faType: k.field(A, 'fa_type'),
    faSlen: k.field(A, 'fa_slen'),
    faTbId: k.field(A, 'tb_id'),
    protocol: k.field(I, 'fib_protocol'),
    scope: k.field(I, 'fib_scope'),
    prefsrc: k.field(I, 'fib_prefsrc'),
    priority: k.field(I, 'fib_priority'),
    metrics: k.field(I, 'fib_metrics'),
    nhs: k.field(I, 'fib_nhs'),
    // nexthop objects (5.3+): with fi->nh set, fib_nhs is 0 and fib_nh[] is empty.
    nh: k.tryField(I, 'nh'),
    fibNh: k.off(I, 'fib_nh'),
    fibNhSize: BigInt(k.sizeof('struct fib_nh')),
    nhCommon: k.off('struct fib_nh', 'nh_common'),
    metricsArr: k.off('struct dst_metrics', 'metrics'),
  };
}

function aliasRow(k: Kernel, F: Fields, nhr: NexthopReader, fa: bigint, key: number, tbId: number, netns: number): RouteRow | undefined {
  // Copies: the metrics and next hops are read between the members.
  const v = k.viewCopy(fa, F.faTbId.offset + 4);
  if (v.num(F.faTbId) !== tbId) return undefined; // an alias of the other table sharing this trie
  const fi = v.ptr(F.faInfo);
  let type = v.num(F.faType);
  const plen = 32 - v.num(F.faSlen);
  const mask = ipv4Mask(plen);
  let nexthops: RouteNexthop[] = [];
  let nhid: number | null = null;
  let protocol = 0, scope = 0, prefsrc = 0, metric = 0, mtu = 0, window = 0, irtt = 0;
  let gwWord = false;
  let metrics: RouteMetric[] = [];
  if (fi !== 0n) {
    const iv = k.viewCopy(fi, Number(F.fibNh));
    protocol = iv.num(F.protocol);
    scope = iv.num(F.scope);
    prefsrc = iv.buf.readUInt32LE(iv.off + F.prefsrc.offset);
    metric = iv.num(F.priority);
    const m = iv.ptr(F.metrics);
    if (m !== 0n) {
      const mv = k.mem.read(m + F.metricsArr, RTAX_ADVMSS * 4);
      const advmss = mv.readUInt32LE((RTAX_ADVMSS - 1) * 4);
      mtu = advmss ? advmss + 40 : 0;
      window = mv.readUInt32LE((RTAX_WINDOW - 1) * 4);
      irtt = mv.readUInt32LE((RTAX_RTT - 1) * 4) >>> 3;
      metrics = readRouteMetrics(k, m);
    }
    const nh = F.nh ? iv.ptr(F.nh) : 0n;
    if (nh !== 0n) {
      const obj = nhr.object(nh);
      nhid = obj.id;
      if (obj.blackhole) type = RTN_BLACKHOLE; // fib_dump_info: nexthop_is_blackhole → RTN_BLACKHOLE
      nexthops = obj.hops.map((h) => nhr.hop(h.nhc, h.weight));
      if (obj.hops.length) gwWord = nhr.gatewayWordNonZero(obj.hops[0]!.nhc);
    } else {
      const n = Math.min(iv.num(F.nhs), 1024);
      for (let i = 0; i < n; i++) {
        const nhc = fi + F.fibNh + BigInt(i) * F.fibNhSize + F.nhCommon;
        nexthops.push(nhr.hop(nhc));
        if (i === 0) gwWord = nhr.gatewayWordNonZero(nhc);
      }
    }
  }
  // fib_trie.c fib_flag_trans: REJECT for unreachable/prohibit, GATEWAY if nhc0 has a gateway, HOST for /32.
  let rtFlags = RTF.UP;
  if (type === RTN_UNREACHABLE || type === RTN_PROHIBIT) rtFlags |= RTF.REJECT;
  if (gwWord) rtFlags |= RTF.GATEWAY;
  if (plen === 32) rtFlags |= RTF.HOST;
  const nh0 = nexthops[0];
  return {
    netns,
    family: 'inet',
    table: tableName(tbId),
    tableId: tbId,
    type: routeTypeName(type),
    destination: ipv4FromHost(key),
    prefixLen: plen,
    genmask: mask,
    source: null,
    sourceLen: 0,
    gateway: nh0?.gateway ?? null,
    iface: nh0?.iface ?? '*',
    metric,
    flags: routeFlagLetters(rtFlags),
    rtFlags,
    scope: scopeName(scope),
    protocol: protocolName(protocol),
    prefsrc: prefsrc ? ipv4FromLE(prefsrc) : null,
    tos: v.num(F.faTos),
    nexthops,
    nhid,
    refcnt: 0,
    use: 0,
    mtu,
    window,
    irtt,
    metrics,
    expiresJiffies: null,
    pref: null,
    address: fi,
  };
}
