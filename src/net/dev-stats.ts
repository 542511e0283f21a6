// Device counters as /proc/net/dev and `ip -s link` print them: net/core/dev.c dev_get_stats.
// The kernel asks the driver (ndo_get_stats64 / ndo_get_stats); a dump cannot call it, so the
// drivers whose handler only sums memory are redone here, by the handler's symbol name, and
// every other driver is a marked gap (never zeros).

import type { Kernel, Field } from '../kernel/kernel.js';
import { netdevPriv } from './dev-priv.js';
import { perKernel } from '../kernel/memo.js';

/** struct rtnl_link_stats64 (include/uapi/linux/if_link.h), in its order. */
export const LINK_STATS = [
  'rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped',
  'tx_dropped', 'multicast', 'collisions', 'rx_length_errors', 'rx_over_errors', 'rx_crc_errors',
  'rx_frame_errors', 'rx_fifo_errors', 'rx_missed_errors', 'tx_aborted_errors', 'tx_carrier_errors',
  'tx_fifo_errors', 'tx_heartbeat_errors', 'tx_window_errors', 'rx_compressed', 'tx_compressed',
  'rx_nohandler', 'rx_otherhost_dropped',
] as const;
export type LinkStatName = (typeof LINK_STATS)[number];
export type LinkStats = Record<LinkStatName, number>;

/** One CPU's share of the per-CPU software counters (lstats/tstats/dstats/vlan). */
export interface CpuCounters {
  cpu: number;
  rx_packets: number;
  rx_bytes: number;
  tx_packets: number;
  tx_bytes: number;
}

export type DevStats =
  | { ok: true; /** how they were computed */ source: string; counters: LinkStats; perCpu?: CpuCounters[] }
  | { ok: false; source: string; /** why they are not shown */ gap: string };

const D = 'struct net_device';

function zero(): LinkStats {
  return Object.fromEntries(LINK_STATS.map((n) => [n, 0])) as LinkStats;
}

/** Σ over possible CPUs of the named u64 members of a per-CPU struct (u64 or u64_stats_t). */
function perCpuSum(k: Kernel, pcpu: bigint, type: string, names: string[]): { sum: Record<string, number>; cpus: Record<string, number>[] } {
  const fs = names.map((n) => k.field(type, n));
  const sum: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const cpus: Record<string, number>[] = [];
  const offs = k.perCpuOffsets();
  for (let cpu = 0; cpu < offs.length; cpu++) {
    const p = k.perCpu(pcpu, cpu);
    const one: Record<string, number> = {};
    names.forEach((n, i) => {
      one[n] = k.num(p, fs[i]);
      sum[n] += one[n];
    });
    cpus.push(one);
  }
  return { sum, cpus };
}

function cpuRows(cpus: Record<string, number>[], map: (c: Record<string, number>) => Omit<CpuCounters, 'cpu'>): CpuCounters[] {
  return cpus.map((c, cpu) => ({ cpu, ...map(c) }));
}

// net/core/dev.c netdev_stats_to_stats64: every member of dev->stats (struct net_device_stats).
const devStatsFields = perKernel((k: Kernel) => LINK_STATS.map((n) => [n, k.tryField('struct net_device_stats', n)] as const).filter(([, f]) => f !== undefined) as [LinkStatName, Field][]);

function devStats(k: Kernel, dev: bigint, into: LinkStats): void {
  const base = dev + k.off(D, 'stats');
  for (const [n, f] of devStatsFields(k)) into[n] = k.num(base, f);
}

function statUnion(k: Kernel, dev: bigint, member: 'lstats' | 'tstats' | 'dstats'): bigint {
  return k.ptr(dev, k.field(D, member));
}

// net/bridge/br_device.c br_get_stats64 (5.10): the bridge kept its own per-CPU
// pcpu_sw_netstats in struct net_bridge.stats (netdev_priv) before moving to dev->tstats.
function bridgeTstats(k: Kernel, dev: bigint): bigint {
  const f = k.tryField('struct net_bridge', 'stats');
  return f ? k.ptr(netdevPriv(k, dev), f) : statUnion(k, dev, 'tstats');
}

// include/linux/netdevice.h dev_lstats_read: Σ pcpu_lstats {packets, bytes}.
function lstats(k: Kernel, dev: bigint) {
  const r = perCpuSum(k, statUnion(k, dev, 'lstats'), 'struct pcpu_lstats', ['packets', 'bytes']);
  return { packets: r.sum.packets, bytes: r.sum.bytes, cpus: r.cpus };
}

// net/core/dev.c dev_fetch_sw_netstats: Σ pcpu_sw_netstats added to s.
function tstats(k: Kernel, dev: bigint, s: LinkStats, pcpu = statUnion(k, dev, 'tstats')): CpuCounters[] {
  const names = ['rx_packets', 'rx_bytes', 'tx_packets', 'tx_bytes'];
  const r = perCpuSum(k, pcpu, 'struct pcpu_sw_netstats', names);
  for (const n of names) s[n as LinkStatName] += r.sum[n];
  return cpuRows(r.cpus, (c) => ({ rx_packets: c.rx_packets, rx_bytes: c.rx_bytes, tx_packets: c.tx_packets, tx_bytes: c.tx_bytes }));
}

// net/core/dev.c dev_fetch_dstats (6.12): Σ pcpu_dstats, drops into rx/tx_dropped.
function dstats(k: Kernel, dev: bigint, s: LinkStats): CpuCounters[] {
  const names = ['rx_packets', 'rx_bytes', 'rx_drops', 'tx_packets', 'tx_bytes', 'tx_drops'];
  const r = perCpuSum(k, statUnion(k, dev, 'dstats'), 'struct pcpu_dstats', names);
  s.rx_packets += r.sum.rx_packets;
  s.rx_bytes += r.sum.rx_bytes;
  s.rx_dropped += r.sum.rx_drops;
  s.tx_packets += r.sum.tx_packets;
  s.tx_bytes += r.sum.tx_bytes;
  s.tx_dropped += r.sum.tx_drops;
  return cpuRows(r.cpus, (c) => ({ rx_packets: c.rx_packets, rx_bytes: c.rx_bytes, tx_packets: c.tx_packets, tx_bytes: c.tx_bytes }));
}

// net/core/dev.c dev_get_stats, after the driver: the core's own drop counters —
// per-CPU dev->core_stats (6.1+, NULL until the first drop) or atomic dev->rx_dropped… (5.10).
function coreStats(k: Kernel, dev: bigint, s: LinkStats): void {
  const names = ['rx_dropped', 'tx_dropped', 'rx_nohandler', 'rx_otherhost_dropped'] as const;
  const cs = k.tryField(D, 'core_stats');
  if (cs) {
    const p = k.ptr(dev, cs);
    if (!p) return;
    const have = names.filter((n) => k.has('struct net_device_core_stats', n));
    const r = perCpuSum(k, p, 'struct net_device_core_stats', have);
    for (const n of have) s[n] += r.sum[n];
    return;
  }
  for (const n of names) {
    const f = k.tryField(D, n);
    if (f) s[n] += k.num(dev, f);
  }
}

const fnName = (sym: string | null): string | null => (sym ? sym.split(/[+ ]/)[0] : null);

/** dev_get_stats for one device: the counters, or why the dump cannot give them. */
export function deviceStats(k: Kernel, dev: bigint, stats64: string | null, stats: string | null): DevStats {
  const fn = fnName(stats64);
  const s = zero();
  let perCpu: CpuCounters[] | undefined;
  let source: string;
  try {
    if (fn === 'loopback_get_stats64') {
      // drivers/net/loopback.c loopback_get_stats64: rx = tx = Σ lstats.
      const l = lstats(k, dev);
      s.rx_packets = s.tx_packets = l.packets;
      s.rx_bytes = s.tx_bytes = l.bytes;
      perCpu = cpuRows(l.cpus, (c) => ({ rx_packets: c.packets, rx_bytes: c.bytes, tx_packets: c.packets, tx_bytes: c.bytes }));
      source = `${stats64}: per-CPU lstats`;
    } else if (fn === 'dummy_get_stats64') {
      // drivers/net/dummy.c dummy_get_stats64: dev_lstats_read into tx only.
      const l = lstats(k, dev);
      s.tx_packets = l.packets;
      s.tx_bytes = l.bytes;
      perCpu = cpuRows(l.cpus, (c) => ({ rx_packets: 0, rx_bytes: 0, tx_packets: c.packets, tx_bytes: c.bytes }));
      source = `${stats64}: per-CPU lstats (tx)`;
    } else if (fn === 'dev_get_tstats64' || fn === 'br_get_stats64') {
      // net/core/dev.c dev_get_tstats64; 5.10's br_get_stats64 does the same with br->stats.
      devStats(k, dev, s);
      perCpu = tstats(k, dev, s, fn === 'br_get_stats64' ? bridgeTstats(k, dev) : undefined);
      source = `${stats64}: dev->stats + per-CPU ${fn === 'br_get_stats64' && k.has('struct net_bridge', 'stats') ? 'br->stats' : 'tstats'}`;
    } else if (fn === 'vlan_dev_get_stats64') {
      perCpu = vlanStats(k, dev, s);
      source = `${stats64}: per-CPU vlan_pcpu_stats`;
    } else if (fn === 'veth_get_stats64') {
      const r = vethStats(k, dev, s);
      if (typeof r === 'string') return { ok: false, source: stats64!, gap: r };
      perCpu = r;
      source = `${stats64}: per-CPU tstats/lstats of the pair + XDP queue stats`;
    } else if (stats64 || stats) {
      return { ok: false, source: (stats64 ?? stats)!, gap: `driver-computed (${stats64 ?? stats}): not in dump` };
    } else {
      // 6.12 dev_get_stats: no handler → pcpu_stat_type picks tstats/dstats, else dev->stats.
      const t = k.tryField(D, 'pcpu_stat_type') ? k.num(dev, k.field(D, 'pcpu_stat_type')) : 0;
      const kind = t ? k.enumName('enum netdev_stat_type', t) : '';
      devStats(k, dev, s);
      if (kind === 'NETDEV_PCPU_STAT_TSTATS') perCpu = tstats(k, dev, s);
      else if (kind === 'NETDEV_PCPU_STAT_DSTATS') perCpu = dstats(k, dev, s);
      source = kind === 'NETDEV_PCPU_STAT_TSTATS' ? 'dev->stats + per-CPU tstats' : kind === 'NETDEV_PCPU_STAT_DSTATS' ? 'dev->stats + per-CPU dstats' : 'dev->stats';
    }
    coreStats(k, dev, s);
  } catch (e) {
    return { ok: false, source: stats64 ?? stats ?? 'dev->stats', gap: `unreadable: ${(e as Error).message}` };
  }
  return perCpu ? { ok: true, source, counters: s, perCpu } : { ok: true, source, counters: s };
}

// net/8021q/vlan_dev.c vlan_dev_get_stats64: Σ vlan_pcpu_stats; rx_errors/tx_dropped are u32.
function vlanStats(k: Kernel, dev: bigint, s: LinkStats): CpuCounters[] {
  const V = 'struct vlan_dev_priv';
  const p = k.ptr(netdevPriv(k, dev), k.field(V, 'vlan_pcpu_stats'));
  const names = ['rx_packets', 'rx_bytes', 'rx_multicast', 'tx_packets', 'tx_bytes', 'rx_errors', 'tx_dropped'];
  const r = perCpuSum(k, p, 'struct vlan_pcpu_stats', names);
  s.rx_packets = r.sum.rx_packets;
  s.rx_bytes = r.sum.rx_bytes;
  s.multicast = r.sum.rx_multicast;
  s.tx_packets = r.sum.tx_packets;
  s.tx_bytes = r.sum.tx_bytes;
  s.rx_errors = r.sum.rx_errors >>> 0;
  s.tx_dropped = r.sum.tx_dropped >>> 0;
  return cpuRows(r.cpus, (c) => ({ rx_packets: c.rx_packets, rx_bytes: c.rx_bytes, tx_packets: c.tx_packets, tx_bytes: c.tx_bytes }));
}

// drivers/net/veth.c veth_get_stats64 + veth_stats_rx. Two generations, told apart by the
// device's pcpu_stat_type: TSTATS (own rx+tx, plus the peer's tx as rx) or, before, lstats
// (own lstats = tx, the peer's lstats = rx). The XDP counters of every rx queue (priv->rq[i])
// are added both ways. Needs struct veth_priv/veth_rq from the veth module's BTF.
function vethStats(k: Kernel, dev: bigint, s: LinkStats): CpuCounters[] | string {
  const P = 'struct veth_priv', R = 'struct veth_rq';
  if (!k.has(P, 'rq') || !k.has(R, 'stats.vs.xdp_packets')) return 'driver-computed (veth_get_stats64): struct veth_priv/veth_rq not in BTF (no module BTF)';
  const priv = netdevPriv(k, dev);
  const peer = k.ptr(priv, k.field(P, 'peer'));
  const st = k.tryField(D, 'pcpu_stat_type');
  const tstatsKind = (d: bigint) => !!st && k.enumName('enum netdev_stat_type', k.num(d, st)) === 'NETDEV_PCPU_STAT_TSTATS';
  const rx = (d: bigint) => vethRx(k, d);
  let cpus: CpuCounters[];
  s.tx_dropped = k.num(priv, k.field(P, 'dropped'));
  if (tstatsKind(dev)) {
    cpus = tstats(k, dev, s);
  } else {
    const l = lstats(k, dev);
    s.tx_packets = l.packets;
    s.tx_bytes = l.bytes;
    cpus = cpuRows(l.cpus, (c) => ({ rx_packets: 0, rx_bytes: 0, tx_packets: c.packets, tx_bytes: c.bytes }));
  }
  const own = rx(dev);
  s.tx_dropped += own.xdp_tx_err;
  s.rx_dropped = own.rx_drops + own.peer_tq_xdp_xmit_err;
  s.rx_bytes += own.xdp_bytes;
  s.rx_packets += own.xdp_packets;
  if (peer) {
    if (tstatsKind(peer)) {
      const t = zero();
      tstats(k, peer, t);
      s.rx_bytes += t.tx_bytes;
      s.rx_packets += t.tx_packets;
    } else {
      const l = lstats(k, peer);
      s.rx_bytes += l.bytes;
      s.rx_packets += l.packets;
    }
    const p = rx(peer);
    s.tx_dropped += p.peer_tq_xdp_xmit_err;
    s.rx_dropped += p.xdp_tx_err;
    s.tx_bytes += p.xdp_bytes;
    s.tx_packets += p.xdp_packets;
  }
  return cpus;
}

function vethRx(k: Kernel, dev: bigint) {
  const R = 'struct veth_rq';
  const names = ['rx_drops', 'xdp_packets', 'xdp_bytes', 'xdp_tx_err', 'peer_tq_xdp_xmit_err'] as const;
  const out = { rx_drops: 0, xdp_packets: 0, xdp_bytes: 0, xdp_tx_err: 0, peer_tq_xdp_xmit_err: 0 };
  const rq = k.ptr(netdevPriv(k, dev), k.field('struct veth_priv', 'rq'));
  if (!rq) return out;
  const n = Math.min(k.num(dev, k.field(D, 'num_rx_queues')), 4096);
  const size = BigInt(k.sizeof(R));
  const fs = names.map((x) => k.field(R, `stats.vs.${x}`));
  for (let i = 0; i < n; i++) names.forEach((x, j) => (out[x] += k.num(rq + BigInt(i) * size, fs[j])));
  return out;
}
