// What replaced the IPv4 routing cache (removed in 3.6): next-hop exceptions learned from ICMP
// (PMTU, redirects), per next hop. IPv4: fib_nh_common.nhc_exceptions → fnhe_hash_bucket[2048]
// chains of fib_nh_exception. IPv6: fib6_nh.rt6i_exception_bucket → rt6_exception_bucket[1024]
// hlists of rt6_exception → rt6_info (a cloned RTF_CACHE route).

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, hlistEntries, isKernelPointer, type WalkProblem } from '../kernel/walk.js';
import { ipv4FromLE, ipv6 } from './addr.js';
import type { NetNs } from './netns.js';
import { ipv4Routes } from './fib.js';
import { ipv6Routes } from './fib6.js';
import type { RouteTable } from './route-row.js';

export interface RouteException {
  netns: number;
  family: 'inet' | 'inet6';
  destination: string;
  /** Gateway of the cached route (rt_gw4 / rt6i_gateway): the redirect's fnhe_gw, else the next
   *  hop's own gateway; null when directly connected. */
  gateway: string | null;
  /** IPv4: learned from an ICMP redirect (fnhe_gw set). */
  redirected: boolean;
  /** The first route whose next hop holds it, and that next hop's device. */
  route: string;
  table: 'main' | 'local' | 'default' | number;
  /** Every route sharing that next hop (fib_info is shared between equal routes): `ip route show
   *  cache` lists the exception once per route of the dumped table (fnhe_dump_bucket per alias). */
  routes: { route: string; table: 'main' | 'local' | 'default' | number }[];
  iface: string;
  /** Learned path MTU, 0 when none. */
  pmtu: number;
  mtuLocked: boolean;
  /** jiffies left before it expires (negative: already expired), null when it never expires. */
  expiresJiffies: number | null;
  /** Why `ip route show cache` would not list it, null when it would. */
  skipped: 'expired' | 'stale-genid' | 'no-cached-route' | null;
  /** struct fib_nh_exception * or struct rt6_info *. */
  address: bigint;
}

const FNHE_HASH_SIZE = 2048; // include/net/ip_fib.h FNHE_HASH_SHIFT 11
const FIB6_EXCEPTION_BUCKET_SIZE = 1024; // include/net/ip6_fib.h FIB6_EXCEPTION_BUCKET_SIZE_SHIFT 10
const FIB6_EXCEPTION_BUCKET_FLUSHED = 0x1n; // net/ipv6/route.c
const RTAX_MTU = 2;
const DST_METRICS_FLAGS = 0x3n; // include/net/dst.h

// net/ipv4/route.c: fnhe_dump_bucket; net/ipv6/route.c: rt6_nh_dump_exceptions.
// `v4`/`v6` may be passed when the route tables were already walked (v6 in procForm, so that
// every sibling's fib6_nh is seen).
export function routeExceptions(k: Kernel, nets: NetNs[], v4?: RouteTable, v6?: RouteTable): { rows: RouteException[]; problems: WalkProblem[] } {
  const problems: WalkProblem[] = [];
  const rows: RouteException[] = [];
  v4 ??= ipv4Routes(k, nets);
  v6 ??= ipv6Routes(k, nets, { procForm: true });
  const jiffies = k.jiffies();
  const netByInode = new Map(nets.map((n) => [n.inode, n]));
  const genids = new Map<number, number>();
  const genid = (inode: number) => {
    let g = genids.get(inode);
    if (g === undefined) genids.set(inode, (g = k.num(netByInode.get(inode)!.address, k.field('struct net', 'fnhe_genid'))));
    return g;
  };
  const seen = new Set<bigint>();
  const excF = k.field('struct fib_nh_common', 'nhc_exceptions');
  // fib_info (and so its next hops) is shared by routes that differ only in prefix or table.
  const users = new Map<bigint, RouteException['routes']>();
  for (const r of [...v4.rows, ...v6.rows])
    for (const nh of r.nexthops) {
      const u = users.get(nh.address) ?? [];
      if (!u.length) users.set(nh.address, u);
      u.push({ route: `${r.destination}/${r.prefixLen}`, table: r.table });
    }
  for (const r of v4.rows) {
    for (const nh of r.nexthops) {
      if (seen.has(nh.address)) continue;
      seen.add(nh.address);
      const where = `fnhe of ${r.destination}/${r.prefixLen} (netns ${r.netns})`;
      try {
        const hash = k.ptr(nh.address, excF);
        if (hash === 0n) continue;
        const route = `${r.destination}/${r.prefixLen}`;
        for (const e of fnheChains(k, hash, where, problems)) {
          const x = readFnhe(k, e, jiffies, genid(r.netns));
          // route.c rt_set_nexthop: rt_gw4 is fnhe_gw when redirected, else the next hop's gateway.
          const gateway = x.gateway ?? (nh.gatewayFamily === 'inet' ? nh.gateway : null);
          rows.push({ ...x, gateway, redirected: x.gateway !== null, netns: r.netns, route, table: r.table, iface: nh.iface, routes: users.get(nh.address) ?? [] });
        }
      } catch (e) {
        problems.push(unreadable(where, nh.address, e));
      }
    }
  }
  const bucketF = k.tryField('struct fib6_nh', 'rt6i_exception_bucket');
  if (bucketF) {
    for (const r of v6.rows) {
      for (const nh of r.nexthops) {
        if (seen.has(nh.address)) continue;
        seen.add(nh.address);
        const where = `rt6 exceptions of ${r.destination}/${r.prefixLen} (netns ${r.netns})`;
        try {
          const b = k.ptr(nh.address, bucketF) & ~FIB6_EXCEPTION_BUCKET_FLUSHED;
          if (b === 0n) continue;
          for (const rt of rt6Exceptions(k, b, where, problems)) {
            rows.push({ ...readRt6(k, rt, jiffies), redirected: false, netns: r.netns, route: `${r.destination}/${r.prefixLen}`, table: r.table, iface: nh.iface, routes: users.get(nh.address) ?? [] });
          }
        } catch (e) {
          problems.push(unreadable(where, nh.address, e));
        }
      }
    }
  }
  return { rows, problems };
}

function* fnheChains(k: Kernel, hash: bigint, where: string, problems: WalkProblem[]): Generator<bigint> {
  const nextF = k.field('struct fib_nh_exception', 'fnhe_next');
  const bsize = k.sizeof('struct fnhe_hash_bucket');
  const buckets = k.mem.read(hash, FNHE_HASH_SIZE * bsize);
  for (let i = 0; i < FNHE_HASH_SIZE; i++) {
    const seen = new Set<bigint>();
    for (let e = buckets.readBigUInt64LE(i * bsize); e !== 0n; e = k.ptr(e, nextF)) {
      if (!isKernelPointer(e) || seen.has(e) || seen.size > 10_000) {
        problems.push({ where: `${where} bucket ${i}`, address: e, kind: seen.has(e) ? 'cycle' : 'bad-pointer', detail: `fib_nh_exception 0x${e.toString(16)}` });
        break;
      }
      seen.add(e);
      yield e;
    }
  }
}

function readFnhe(k: Kernel, e: bigint, jiffies: bigint, netGenid: number) {
  const X = 'struct fib_nh_exception';
  const f = (p: string) => k.field(X, p);
  const exp = k.big(e, f('fnhe_expires'));
  const gw = k.mem.u32(e + f('fnhe_gw').offsetN);
  const expiresJiffies = exp === 0n ? null : Number(BigInt.asIntN(64, exp - jiffies));
  let skipped: RouteException['skipped'] = null;
  if (k.num(e, f('fnhe_genid')) !== netGenid) skipped = 'stale-genid';
  else if (expiresJiffies !== null && expiresJiffies < 0) skipped = 'expired';
  else if (k.ptr(e, f('fnhe_rth_input')) === 0n && k.ptr(e, f('fnhe_rth_output')) === 0n) skipped = 'no-cached-route';
  return {
    family: 'inet' as const,
    destination: ipv4FromLE(k.mem.u32(e + f('fnhe_daddr').offsetN)),
    gateway: gw ? ipv4FromLE(gw) : null,
    pmtu: k.num(e, f('fnhe_pmtu')),
    mtuLocked: k.has(X, 'fnhe_mtu_locked') ? k.num(e, f('fnhe_mtu_locked')) !== 0 : false,
    expiresJiffies,
    skipped,
    address: e,
  };
}

function* rt6Exceptions(k: Kernel, bucket: bigint, where: string, problems: WalkProblem[]): Generator<bigint> {
  const B = 'struct rt6_exception_bucket';
  const size = BigInt(k.sizeof(B));
  const chainOff = k.off(B, 'chain');
  const link = k.off('struct rt6_exception', 'hlist');
  const rtF = k.field('struct rt6_exception', 'rt6i');
  for (let i = 0; i < FIB6_EXCEPTION_BUCKET_SIZE; i++) {
    const head = bucket + BigInt(i) * size + chainOff;
    for (const l of hlistEntries(k.mem, k.mem.ptr(head), { where: `${where} bucket ${i}`, limit: 10_000, onProblem: (p) => problems.push(p) })) {
      yield k.ptr(l - link, rtF);
    }
  }
}

// net/ipv6/route.c rt6_check_expired: RTF_EXPIRES and jiffies past dst.expires.
function readRt6(k: Kernel, rt: bigint, jiffies: bigint) {
  const R = 'struct rt6_info';
  const flags = k.num(rt, k.field(R, 'rt6i_flags'));
  const exp = k.big(rt, k.field(R, 'dst.expires'));
  const expiresJiffies = flags & 0x400000 ? Number(BigInt.asIntN(64, exp - jiffies)) : null;
  const gwBytes = k.mem.read(rt + k.off(R, 'rt6i_gateway'), 16);
  const metrics = k.ptr(rt, k.field(R, 'dst._metrics')) & ~DST_METRICS_FLAGS;
  const pmtu = metrics ? k.mem.u32(metrics + BigInt((RTAX_MTU - 1) * 4)) : 0;
  return {
    family: 'inet6' as const,
    destination: ipv6(k.mem.read(rt + k.off(R, 'rt6i_dst.addr'), 16)),
    gateway: gwBytes.some((b) => b !== 0) ? ipv6(gwBytes) : null,
    pmtu,
    mtuLocked: false,
    expiresJiffies,
    skipped: expiresJiffies !== null && expiresJiffies < 0 ? ('expired' as const) : null,
    address: rt,
  };
}
