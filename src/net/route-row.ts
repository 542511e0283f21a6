// One route as the route views list it (both families), and one of its next hops.
// Filled by src/net/fib.ts (IPv4 trie) and src/net/fib6.ts (IPv6 tree).

import type { WalkProblem } from '../kernel/walk.js';
import type { RouteMetric } from './route-metrics.js';

export type { RouteMetric };

export interface RouteNexthop {
  /** Gateway address ("10.1.0.254", "2001:db8:1::fe"), null when directly connected. */
  gateway: string | null;
  /** Family of the gateway: IPv4 routes may have IPv6 gateways (RTA_VIA). */
  gatewayFamily: 'inet' | 'inet6' | null;
  /** Device name, '*' when the next hop has none (blackhole, unreachable, prohibit). */
  iface: string;
  ifindex: number;
  /** Multipath weight as `ip route` prints it (1 when not multipath). */
  weight: number;
  /** RTNH_F_* names: dead, onlink, linkdown, ... */
  flags: string[];
  /** struct fib_nh_common * (or fib6_nh *), to drill into. */
  address: bigint;
}

export interface RouteRow {
  /** Inode of the route's network namespace. */
  netns: number;
  family: 'inet' | 'inet6';
  /** "main", "local", "default" or the table number. */
  table: 'main' | 'local' | 'default' | number;
  tableId: number;
  /** RTN_* name: unicast, local, broadcast, multicast, anycast, blackhole, unreachable, prohibit, throw. */
  type: string;
  destination: string;
  prefixLen: number;
  /** IPv4 only: the netmask of prefixLen ("255.255.255.0"); null for IPv6. */
  genmask: string | null;
  /** IPv6 source-specific routes (subtrees): "from" prefix; null when none. */
  source: string | null;
  sourceLen: number;
  /** Next hop 0's gateway and device, as /proc/net/route and `route -n` show them. */
  gateway: string | null;
  iface: string;
  /** fib_priority (IPv4) / fib6_metric (IPv6). */
  metric: number;
  /** `route -n` letters (U G H ! ...), from rtFlags. */
  flags: string;
  /** RTF_* bits as /proc/net/route (fib_flag_trans) or /proc/net/ipv6_route print them. */
  rtFlags: number;
  scope: string;
  protocol: string;
  /** Preferred source address, null when unset. */
  prefsrc: string | null;
  /** TOS / DSCP byte of the route (fa_tos, fa_dscp), 0 when unset. IPv4 only. */
  tos: number;
  nexthops: RouteNexthop[];
  /** Nexthop object id (`ip nexthop`), null for routes with their own next hops. */
  nhid: number | null;
  /** /proc/net/route prints RefCnt 0 and Use 0; /proc/net/ipv6_route prints fib6_ref. */
  refcnt: number;
  use: number;
  /** /proc/net/route MTU, Window, IRTT columns (from fib_metrics). IPv4 only, else 0. */
  mtu: number;
  window: number;
  irtt: number;
  /** RTA_METRICS as `ip route` prints them (mtu lock 1400, advmss, hoplimit ...): non-zero ones only. */
  metrics: RouteMetric[];
  /** IPv6: jiffies left before the route expires (RTF_EXPIRES), null when it does not. */
  expiresJiffies: number | null;
  /** IPv6 router preference ("medium", "high", "low"); null for IPv4. */
  pref: string | null;
  /** struct fib_info * (IPv4) or struct fib6_info * (IPv6). */
  address: bigint;
}

export interface RouteTable {
  rows: RouteRow[];
  problems: WalkProblem[];
}
