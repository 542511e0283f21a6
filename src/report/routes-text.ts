// Text forms of the route rows (src/net/route-row.ts) and rule rows (src/net/fib-rules.ts):
// net-tools `route -n` (lib/inet_gr.c rprint_fib), iproute2 `ip route show table all`
// (ip/iproute.c print_route) and `ip rule` (ip/iprule.c print_rule). Pure: rows in, strings out.

import type { RuleRow } from '../net/fib-rules.js';
import type { RouteRow } from '../net/route-row.js';
import type { NexthopObjectRow } from '../net/nexthop-objects.js';
import { metricsText } from '../net/route-metrics.js';

export const ROUTE_N_HEADER = ['Kernel IP routing table', 'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface'];

/** The rows /proc/net/route lists (fib_route_seq_show): IPv4, main table, no broadcast/multicast. */
export function procNetRouteRows(rows: RouteRow[]): RouteRow[] {
  return rows.filter((r) => r.family === 'inet' && r.tableId === 254 && r.type !== 'broadcast' && r.type !== 'multicast');
}

/** One `route -n` line (ext == 1 of rprint_fib): reject routes print '-' for gateway, ref and iface. */
export function routeNLine(r: RouteRow): string {
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  if (r.flags.startsWith('!')) {
    return `${pad(r.destination, 15)} -               ${pad(r.genmask ?? '', 15)} ${pad(r.flags, 5)} ${pad(r.metric, 6)} -  ${String(r.use).padStart(7)} -`;
  }
  // /proc/net/route has a gateway column only for an IPv4 gateway of next hop 0.
  const gw = r.nexthops[0]?.gatewayFamily === 'inet' ? r.gateway! : '0.0.0.0';
  return `${pad(r.destination, 15)} ${pad(gw, 15)} ${pad(r.genmask ?? '', 15)} ${pad(r.flags, 5)} ${pad(r.metric, 6)} ${pad(r.refcnt, 2)} ${String(r.use).padStart(7)} ${r.iface}`;
}

/** `route -n`: header and the IPv4 main-table lines. */
export function routeNLines(rows: RouteRow[]): string[] {
  return [...ROUTE_N_HEADER, ...procNetRouteRows(rows).map(routeNLine)];
}

export interface IpRouteOptions {
  /** Jiffies per second, to print `expires Nsec` (omitted without it). */
  hz?: number;
}

function prefixText(addr: string, len: number, host: number): string {
  if (len === 0 && (addr === '0.0.0.0' || addr === '::')) return 'default';
  return len === host ? addr : `${addr}/${len}`;
}

/** One route as `ip route show table all` prints it (main-table routes without "table main"). */
export function ipRouteLine(r: RouteRow, opts: IpRouteOptions = {}): string {
  const v6 = r.family === 'inet6';
  const host = v6 ? 128 : 32;
  const p: string[] = [];
  if (r.type !== 'unicast') p.push(r.type);
  p.push(prefixText(r.destination, r.prefixLen, host));
  if (r.source) p.push('from', prefixText(r.source, r.sourceLen, host));
  if (r.nhid !== null) p.push('nhid', String(r.nhid));
  if (r.tos) p.push('tos', `0x${r.tos.toString(16).padStart(2, '0')}`);
  const multi = r.nexthops.length > 1;
  const nh0 = r.nexthops[0];
  if (!multi && nh0) {
    if (nh0.gateway) p.push(...(v6 || nh0.gatewayFamily === 'inet' ? ['via', nh0.gateway] : ['via', 'inet6', nh0.gateway]));
    if (nh0.iface !== '*') p.push('dev', nh0.iface);
  }
  if (r.tableId !== 254) p.push('table', String(r.table));
  if (r.protocol !== 'boot') p.push('proto', r.protocol);
  if (r.scope !== 'global') p.push('scope', r.scope);
  if (r.prefsrc) p.push('src', r.prefsrc);
  if (v6 || r.metric) p.push('metric', String(r.metric));
  if (!multi && nh0) p.push(...nh0.flags);
  if (r.expiresJiffies !== null && opts.hz) p.push('expires', `${Math.max(0, Math.floor(r.expiresJiffies / opts.hz))}sec`);
  p.push(...metricsText(r.metrics ?? []));
  // print_route: RTA_PREF before RTA_MULTIPATH, whose lines come last.
  if (v6 && r.pref) p.push('pref', r.pref);
  let line = p.join(' ');
  if (multi) {
    for (const nh of r.nexthops) {
      const q = ['nexthop'];
      if (nh.gateway) q.push(...(v6 || nh.gatewayFamily === 'inet' ? ['via', nh.gateway] : ['via', 'inet6', nh.gateway]));
      if (nh.iface !== '*') q.push('dev', nh.iface);
      q.push('weight', String(nh.weight), ...nh.flags);
      line += `\n\t${q.join(' ')}`;
    }
  }
  return line;
}

/** One rule as `ip rule` / `ip -6 rule` print it. */
export function ipRuleLine(r: RuleRow): string {
  let s = `${r.priority}:\t`;
  if (r.not) s += 'not ';
  s += `from ${r.from}`;
  if (r.to !== 'all') s += ` to ${r.to}`;
  if (r.tos) s += ` tos 0x${r.tos.toString(16).padStart(2, '0')}`;
  if (r.fwmark || r.fwmask) s += r.fwmask === 0xffffffff ? ` fwmark 0x${r.fwmark.toString(16)}` : ` fwmark 0x${r.fwmark.toString(16)}/0x${r.fwmask.toString(16)}`;
  if (r.iif) s += ` iif ${r.iif}${r.iifDetached ? ' [detached]' : ''}`;
  if (r.oif) s += ` oif ${r.oif}${r.oifDetached ? ' [detached]' : ''}`;
  if (r.l3mdev) s += ' lookup [l3mdev-table]';
  if (r.uidRange) s += ` uidrange ${r.uidRange[0]}-${r.uidRange[1]}`;
  if (r.ipProto) s += ` ipproto ${r.ipProto}`;
  const range = (n: string, v: [number, number] | null) => (v ? ` ${n} ${v[0] === v[1] ? v[0] : `${v[0]}-${v[1]}`}` : '');
  s += range('sport', r.sport) + range('dport', r.dport);
  if (r.tunId) s += ` tun_id ${r.tunId}`;
  if (r.tableId) {
    s += ` lookup ${r.table}`;
    if (r.suppressPrefixlen !== -1) s += ` suppress_prefixlength ${r.suppressPrefixlen}`;
    if (r.suppressIfgroup !== -1) s += ` suppress_ifgroup ${r.suppressIfgroup}`;
  }
  if (r.action === 'goto') s += ` goto ${r.goto ?? 'none'}`;
  else if (r.action === 'nop') s += ' nop';
  else if (r.action !== 'lookup') s += ` ${r.action}`;
  if (r.protocol !== 'unspec' && r.protocol !== 'kernel') s += ` proto ${r.protocol}`;
  return s;
}

/** One nexthop object as `ip nexthop` prints it (iproute2 ip/ipnexthop.c __print_nexthop_entry). */
export function ipNexthopLine(n: NexthopObjectRow): string {
  const p = ['id', String(n.id)];
  if (n.group) p.push('group', n.group.map((g) => (g.weight > 1 ? `${g.id},${g.weight}` : String(g.id))).join('/'));
  if (n.groupType === 'resilient') p.push('type', 'resilient');
  if (n.gateway) p.push('via', n.gateway);
  if (n.iface) p.push('dev', n.iface);
  if (n.scope !== 'global') p.push('scope', n.scope);
  if (n.blackhole) p.push('blackhole');
  if (n.protocol !== 'unspec') p.push('proto', n.protocol);
  p.push(...n.flags);
  if (n.fdb) p.push('fdb');
  return p.join(' ');
}
