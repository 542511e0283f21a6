// Route metrics (RTA_METRICS) as `ip route` prints them: the u32 array of struct dst_metrics
// (fib_info.fib_metrics, fib6_info.fib6_metrics), index RTAX_x - 1, RTAX_LOCK's bits marking
// locked ones. Mirrors net/core/rtnetlink.c rtnetlink_put_metrics (zero values are not sent)
// and iproute2 ip/iproute.c print_rta_metrics (names, "lock", rtt/rttvar scaling).

import type { Kernel } from '../kernel/kernel.js';

/** One metric: iproute2's name, its value as `ip route` prints it, locked or not. */
export interface RouteMetric {
  name: string;
  value: number | string;
  locked: boolean;
}

// include/uapi/linux/rtnetlink.h RTAX_* (1 = RTAX_LOCK) with iproute2's mx_names.
const NAMES = ['', 'lock', 'mtu', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'advmss', 'reordering', 'hoplimit', 'initcwnd',
  'features', 'rto_min', 'initrwnd', 'quickack', 'congctl', 'fastopen_no_cookie'];
const RTAX_MAX = NAMES.length - 1;
const RTAX_RTT = 4, RTAX_RTTVAR = 5, RTAX_HOPLIMIT = 10, RTAX_FEATURES = 12, RTAX_RTO_MIN = 13, RTAX_CC_ALGO = 16;
const RTAX_FEATURE_ECN = 1; // include/uapi/linux/rtnetlink.h; the only user-settable feature

/** The metrics of a struct dst_metrics (its `metrics` u32 array); [] for NULL. Throws when unreadable. */
export function readRouteMetrics(k: Kernel, dstMetrics: bigint): RouteMetric[] {
  if (dstMetrics === 0n) return [];
  const n = Math.min(RTAX_MAX, k.sizeof('struct dst_metrics') >>> 2);
  const buf = k.mem.read(dstMetrics + k.off('struct dst_metrics', 'metrics'), n * 4);
  const m = (i: number) => (i - 1 < n ? buf.readUInt32LE((i - 1) * 4) : 0);
  const lock = m(1);
  const out: RouteMetric[] = [];
  for (let i = 2; i <= n; i++) {
    let v = m(i);
    if (i === RTAX_FEATURES) v &= RTAX_FEATURE_ECN; // rtnetlink_put_metrics sends the user features only
    if (!v) continue;
    if (i === RTAX_HOPLIMIT && v === 0xffffffff) continue;
    let value: number | string = v;
    if (i === RTAX_RTT || i === RTAX_RTTVAR || i === RTAX_RTO_MIN) {
      const ms = i === RTAX_RTT ? Math.floor(v / 8) : i === RTAX_RTTVAR ? Math.floor(v / 4) : v;
      value = ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
    } else if (i === RTAX_FEATURES) value = 'ecn';
    else if (i === RTAX_CC_ALGO) value = `key ${v}`; // a tcp_congestion_ops key; the kernel sends its name
    out.push({ name: NAMES[i]!, value, locked: (lock & (1 << i)) !== 0 });
  }
  return out;
}

/** As iproute2 prints them after the route: "mtu lock 1400 advmss 1360". */
export function metricsText(ms: RouteMetric[]): string[] {
  return ms.flatMap((x) => [x.name, ...(x.locked ? ['lock'] : []), String(x.value)]);
}
