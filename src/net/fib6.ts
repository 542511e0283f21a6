// IPv6 routes: every fib6_table of each netns (net->ipv6.fib_table_hash) and its radix tree of
// fib6_node, whose route-bearing nodes (RTN_RTINFO) chain fib6_info by fib6_next.

import type { Kernel } from '../kernel/kernel.js';
import { readEach, unreadable, hlistEntries, isKernelPointer, listEntries, type WalkProblem } from '../kernel/walk.js';
import { ipv6 } from './addr.js';
import type { NetNs } from './netns.js';
import { NexthopReader } from './nexthop.js';
import { RTF, protocolName, routeFlagLetters, routeTypeName, tableName } from './route-names.js';
import type { RouteNexthop, RouteRow, RouteTable } from './route-row.js';
import { readRouteMetrics } from './route-metrics.js';

const RTN_RTINFO = 0x4; // include/net/ip6_fib.h: fib6_node.fn_flags
const MAX_NODES = 2_000_000;
const MAX_CHAIN = 100_000;
// include/uapi/linux/icmpv6.h ICMPV6_ROUTER_PREF_*, in fib6_flags bits 27-28 (IPV6_EXTRACT_PREF).
const PREF: Record<number, string> = { 0: 'medium', 1: 'high', 3: 'low' };

export interface Ipv6RouteOptions {
  /** One row per fib6_info, the null entry of each table included, as /proc/net/ipv6_route prints
   *  them. Default: as `ip -6 route` (RTM_GETROUTE dump) shows them — the null entry skipped and
   *  the siblings of a multipath route merged into one row (fib6_dump_node). */
  procForm?: boolean;
}

// include/net/ip6_fib.h: FIB6_TABLE_HASHSZ is 256 with CONFIG_IPV6_MULTIPLE_TABLES (which alone
// gives netns_ipv6.fib6_local_tbl), else 1.
function fib6TableHashSize(k: Kernel): number {
  return k.has('struct netns_ipv6', 'fib6_local_tbl') ? 256 : 1;
}

// net/ipv6/ip6_fib.c: fib6_walk_continue — subtree, left, right, then the node itself (post-order),
// yielding the nodes that carry routes.
function* routeNodes(k: Kernel, root: bigint, where: string, problems: WalkProblem[]): Generator<{ node: bigint; leaf: bigint }> {
  const N = 'struct fib6_node';
  const leftF = k.field(N, 'left'), rightF = k.field(N, 'right'), leafF = k.field(N, 'leaf'), flagsF = k.field(N, 'fn_flags');
  const subF = k.tryField(N, 'subtree'); // CONFIG_IPV6_SUBTREES
  const seen = new Set<bigint>();
  // Explicit stack: [node, children pushed?]
  const stack: [bigint, boolean][] = [[root, false]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [n, expanded] = top;
    if (expanded) {
      stack.pop();
      try {
        const v = k.view(n, leafF.offset + 8 > flagsF.offset + 2 ? leafF.offset + 8 : flagsF.offset + 2);
        const leaf = v.ptr(leafF);
        if (leaf !== 0n && v.num(flagsF) & RTN_RTINFO) yield { node: n, leaf };
      } catch (e) {
        problems.push(unreadable(where, n, e));
      }
      continue;
    }
    top[1] = true;
    if (!isKernelPointer(n) || seen.has(n) || seen.size >= MAX_NODES) {
      stack.pop();
      const kind = !isKernelPointer(n) ? 'bad-pointer' : seen.has(n) ? 'cycle' : 'limit';
      problems.push({ where, address: n, kind, detail: `fib6_node 0x${n.toString(16)}` });
      continue;
    }
    seen.add(n);
    try {
      const kids = [subF ? k.ptr(n, subF) : 0n, k.ptr(n, leftF), k.ptr(n, rightF)];
      for (let i = kids.length - 1; i >= 0; i--) if (kids[i] !== 0n) stack.push([kids[i]!, false]);
    } catch (e) {
      stack.pop();
      problems.push(unreadable(where, n, e));
    }
  }
}

/** The fib6_tables of one netns, in hash-bucket order (ipv6_route_seq_next_table's order). */
export function fib6Tables(k: Kernel, ns: NetNs, problems: WalkProblem[]): { address: bigint; id: number }[] {
  const T = 'struct fib6_table';
  const where = `ipv6 fib_table_hash (netns ${ns.inode})`;
  const out: { address: bigint; id: number }[] = [];
  let hash: bigint;
  try {
    hash = k.ptr(ns.address, k.field('struct net', 'ipv6.fib_table_hash'));
  } catch (e) {
    problems.push(unreadable(where, ns.address, e));
    return out;
  }
  const link = k.off(T, 'tb6_hlist');
  const idF = k.field(T, 'tb6_id');
  for (let h = 0; h < fib6TableHashSize(k); h++) {
    let first: bigint;
    try {
      first = k.mem.ptr(hash + BigInt(h) * 8n);
    } catch (e) {
      problems.push(unreadable(where, hash, e));
      return out;
    }
    readEach(
      hlistEntries(k.mem, first, { where: `${where} bucket ${h}`, limit: 10_000, onProblem: (p) => problems.push(p) }),
      where,
      (l) => l,
      (l) => ({ address: l - link, id: k.num(l - link, idF) }),
      problems,
      out,
    );
  }
  return out;
}

// net/ipv6/ip6_fib.c: ipv6_route_native_seq_show (/proc/net/ipv6_route) and fib6_dump_node;
// net/ipv6/route.c: rt6_fill_node. Every route of every IPv6 table of each netns.
export function ipv6Routes(k: Kernel, nets: NetNs[], opts: Ipv6RouteOptions = {}): RouteTable {
  const problems: WalkProblem[] = [];
  const rows: RouteRow[] = [];
  const nhr = new NexthopReader(k);
  const F = fields(k);
  const jiffies = k.jiffies();
  for (const ns of nets) {
    let nullEntry = 0n;
    try {
      nullEntry = k.ptr(ns.address, k.field('struct net', 'ipv6.fib6_null_entry'));
    } catch {
      // without it the null entry is listed like any route
    }
    for (const tb of fib6Tables(k, ns, problems)) {
      const where = `fib6 table ${tb.id} (netns ${ns.inode})`;
      for (const { leaf } of routeNodes(k, tb.address + F.root, where, problems)) {
        const merged = new Set<bigint>();
        for (const rt of chain(k, leaf, F, where, problems)) {
          if (!opts.procForm && (rt === nullEntry || merged.has(rt))) continue;
          try {
            const row = routeRow(k, F, nhr, rt, tb.id, ns.inode, jiffies);
            if (!opts.procForm && F.nsiblings && k.num(rt, F.nsiblings) > 0) {
              for (const sib of listEntries(k.mem, rt + F.siblings, { where, limit: 1024, onProblem: (p) => problems.push(p) })) {
                const s = sib - F.siblings;
                merged.add(s);
                row.nexthops.push(...routeRow(k, F, nhr, s, tb.id, ns.inode, jiffies).nexthops);
              }
            }
            rows.push(row);
          } catch (e) {
            problems.push(unreadable(where, rt, e));
          }
        }
      }
    }
  }
  return { rows, problems };
}

function* chain(k: Kernel, first: bigint, F: Fields, where: string, problems: WalkProblem[]): Generator<bigint> {
  const seen = new Set<bigint>();
  for (let rt = first; rt !== 0n; ) {
    if (!isKernelPointer(rt) || seen.has(rt) || seen.size >= MAX_CHAIN) {
      const kind = !isKernelPointer(rt) ? 'bad-pointer' : seen.has(rt) ? 'cycle' : 'limit';
      problems.push({ where, address: rt, kind, detail: `fib6_info 0x${rt.toString(16)}` });
      return;
    }
    seen.add(rt);
    yield rt;
    try {
      rt = k.ptr(rt, F.next);
    } catch (e) {
      problems.push(unreadable(where, rt, e));
      return;
    }
  }
}

type Fields = ReturnType<typeof fields>;
function fields(k: Kernel) {
  const I = 'struct fib6_info';
  return {
    root: k.off('struct fib6_table', 'tb6_root'),
    next: k.field(I, 'fib6_next'),
    siblings: k.off(I, 'fib6_siblings'),
    nsiblings: k.tryField(I, 'fib6_nsiblings'),
    ref: k.field(I, 'fib6_ref'),
    expires: k.field(I, 'expires'),
    dst: k.field(I, 'fib6_dst.addr'),
    dstLen: k.field(I, 'fib6_dst.plen'),
    src: k.field(I, 'fib6_src.addr'),
    srcLen: k.field(I, 'fib6_src.plen'),
    prefsrc: k.field(I, 'fib6_prefsrc.addr'),
    prefsrcLen: k.field(I, 'fib6_prefsrc.plen'),
    flags: k.field(I, 'fib6_flags'),
    metric: k.field(I, 'fib6_metric'),
    protocol: k.field(I, 'fib6_protocol'),
    type: k.field(I, 'fib6_type'),
    nh: k.tryField(I, 'nh'),
    metrics: k.field(I, 'fib6_metrics'),
    fib6Nh: k.off(I, 'fib6_nh'),
  };
}

function routeRow(k: Kernel, F: Fields, nhr: NexthopReader, rt: bigint, tbId: number, netns: number, jiffies: bigint): RouteRow {
  // A copy: the next hops are read between the members.
  const v = k.viewCopy(rt, Number(F.fib6Nh));
  let nexthops: RouteNexthop[];
  let nhid: number | null = null;
  let type = v.num(F.type);
  const nh = F.nh ? v.ptr(F.nh) : 0n;
  if (nh !== 0n) {
    const obj = nhr.object(nh);
    nhid = obj.id;
    if (obj.blackhole) type = 6;
    nexthops = obj.hops.map((h) => nhr.hop(h.nhc, h.weight));
  } else {
    nexthops = [nhr.hop(rt + F.fib6Nh)];
  }
  const nh0 = nexthops[0];
  let rtFlags = v.num(F.flags);
  if (nh0?.gatewayFamily) rtFlags |= RTF.GATEWAY; // ipv6_route_native_seq_show
  const srcLen = v.num(F.srcLen);
  const prefsrcLen = v.num(F.prefsrcLen);
  const expires = rtFlags & RTF.EXPIRES ? Number(BigInt.asIntN(64, k.big(rt, F.expires) - jiffies)) : null;
  return {
    netns,
    family: 'inet6',
    table: tableName(tbId),
    tableId: tbId,
    type: routeTypeName(type),
    destination: ipv6(v.buf, v.off + F.dst.offset),
    prefixLen: v.num(F.dstLen),
    genmask: null,
    source: srcLen ? ipv6(v.buf, v.off + F.src.offset) : null,
    sourceLen: srcLen,
    gateway: nh0?.gateway ?? null,
    iface: nh0?.iface ?? '*',
    metric: v.num(F.metric),
    flags: routeFlagLetters(rtFlags),
    rtFlags,
    scope: 'global', // rt6_fill_node: rtm_scope = RT_SCOPE_UNIVERSE
    protocol: protocolName(v.num(F.protocol)),
    prefsrc: prefsrcLen ? ipv6(v.buf, v.off + F.prefsrc.offset) : null,
    tos: 0,
    nexthops,
    nhid,
    refcnt: v.num(F.ref),
    use: 0,
    mtu: 0,
    window: 0,
    irtt: 0,
    metrics: readRouteMetrics(k, v.ptr(F.metrics)),
    expiresJiffies: expires,
    pref: PREF[(rtFlags >>> 27) & 3] ?? String((rtFlags >>> 27) & 3),
    address: rt,
  };
}
