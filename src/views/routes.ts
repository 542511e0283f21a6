// The route views: `-r` (the IPv4 main table as route -n), `-rv` (every table of both
// families as `ip route show table all`), rules, and the next-hop exceptions (--rtcache).
// Columns and JSON fields are declared here once.

import type { RouteRow } from '../net/route-row.js';
import type { RuleRow } from '../net/fib-rules.js';
import type { RouteException } from '../net/route-cache.js';
import type { NexthopObjectRow } from '../net/nexthop-objects.js';
import type { Tables } from './tables.js';
import type { RowSpec } from './table.js';
import { hex } from './table.js';

export type { RouteRow, RuleRow, RouteException, NexthopObjectRow };

export interface RouteQuery {
  netns: number[];
  /** Only the IPv4 main table, as route -n and /proc/net/route list it. */
  mainOnly: boolean;
  /** Limit to routes with a next hop through this device. */
  iface?: string;
  /** Limit to one table ("main", "local", "default" or its number). */
  table?: string;
}

/** Names and numbers of the routing tables the dump holds (both families), for completion. */
export function routeTableNames(t: Tables): string[] {
  return [...new Set([...t.routes4().rows, ...t.routes6().rows].map((r) => String(r.table)))];
}


/** The IPv4 main-table rows /proc/net/route lists (fib_route_seq_show: no broadcast/multicast). */
function inProcNetRoute(r: RouteRow): boolean {
  return r.family === 'inet' && r.tableId === 254 && r.type !== 'broadcast' && r.type !== 'multicast';
}

export function routeRows(t: Tables, q: RouteQuery): RouteRow[] {
  const rows = q.mainOnly ? t.routes4().rows.filter(inProcNetRoute) : [...t.routes4().rows, ...t.routes6().rows];
  return rows.filter((r) => q.netns.includes(r.netns) && (q.iface === undefined || r.nexthops.some((n) => n.iface === q.iface))
    && (q.table === undefined || String(r.table) === q.table || String(r.tableId) === q.table));
}

export function routeProblems(t: Tables, mainOnly: boolean) {
  return mainOnly ? t.routes4().problems : [...t.routes4().problems, ...t.routes6().problems];
}

/** One route as JSON (the README's contract). */
export function routeJson(r: RouteRow): Record<string, unknown> {
  return {
    netns: r.netns, family: r.family, table: r.table, type: r.type, destination: r.destination, prefixLen: r.prefixLen,
    genmask: r.genmask, gateway: r.gateway, iface: r.iface, metric: r.metric, flags: r.flags, scope: r.scope,
    protocol: r.protocol, prefsrc: r.prefsrc, source: r.source, tos: r.tos, nhid: r.nhid, pref: r.pref,
    metrics: Object.fromEntries(r.metrics.map((m) => [m.name, m.value])), lockedMetrics: r.metrics.filter((m) => m.locked).map((m) => m.name),
    nexthops: r.nexthops.map((n) => ({ gateway: n.gateway, iface: n.iface, weight: n.weight, flags: n.flags })),
    fibInfo: hex(r.address),
  };
}

/** route -n's columns (net-tools lib/inet_gr.c rprint_fib); reject routes print '-'. */
export const ROUTE_N_SPEC: RowSpec<RouteRow> = {
  columns: [
    { key: 'destination', title: 'Destination', text: (r) => r.destination, json: false },
    { key: 'gateway', title: 'Gateway', text: (r) => (r.flags.startsWith('!') ? '-' : r.nexthops[0]?.gatewayFamily === 'inet' ? r.gateway! : '0.0.0.0'), json: false },
    { key: 'genmask', title: 'Genmask', text: (r) => r.genmask ?? '', json: false },
    { key: 'flags', title: 'Flags', text: (r) => r.flags, json: false },
    { key: 'metric', title: 'Metric', text: (r) => String(r.metric), json: false },
    { key: 'ref', title: 'Ref', text: (r) => (r.flags.startsWith('!') ? '-' : String(r.refcnt)), json: false },
    { key: 'use', title: 'Use', align: 'right', text: (r) => String(r.use), json: false },
    { key: 'iface', title: 'Iface', text: (r) => (r.flags.startsWith('!') ? '-' : r.iface), json: false },
  ],
  extra: routeJson,
  ref: (r) => (r.nexthops[0] && r.nexthops[0].ifindex ? { kind: 'iface', netns: r.netns, ifindex: r.nexthops[0].ifindex } : undefined),
};

export function ruleRows(t: Tables, netns: number[]): RuleRow[] {
  return t.rules().rows.filter((r) => netns.includes(r.netns) && (r.family === 'inet' || r.family === 'inet6'));
}

export function ruleJson(r: RuleRow): Record<string, unknown> {
  return {
    netns: r.netns, family: r.family, priority: r.priority, table: r.table, action: r.action, not: r.not, from: r.from, to: r.to,
    tos: r.tos, iif: r.iif, oif: r.oif, fwmark: r.fwmark, fwmask: r.fwmask, goto: r.goto, protocol: r.protocol,
    ipproto: r.ipProto || null, sport: r.sport, dport: r.dport, uidrange: r.uidRange, l3mdev: r.l3mdev,
    suppressPrefixlen: r.suppressPrefixlen, tunId: r.tunId ? r.tunId.toString() : null, rule: hex(r.address),
  };
}

export function exceptionRows(t: Tables, netns: number[]): RouteException[] {
  return t.routeExceptions().rows.filter((r) => netns.includes(r.netns));
}

export function exceptionSpec(hz: number): RowSpec<RouteException> {
  const expires = (r: RouteException) => (r.expiresJiffies === null ? 'never' : r.expiresJiffies < 0 ? 'expired' : `${Math.floor(r.expiresJiffies / hz)}s`);
  return {
    columns: [
      { key: 'destination', title: 'Destination', text: (r) => r.destination },
      { key: 'gateway', title: 'Gateway', text: (r) => r.gateway ?? '*', json: (r) => r.gateway },
      { key: 'iface', title: 'Iface', text: (r) => r.iface },
      { key: 'pmtu', title: 'PMTU', align: 'right', text: (r) => (r.pmtu ? String(r.pmtu) + (r.mtuLocked ? ' lock' : '') : '-'), json: (r) => r.pmtu },
      { key: 'expires', title: 'Expires', text: expires, json: (r) => (r.expiresJiffies === null ? null : Math.floor(r.expiresJiffies / hz)) },
      { key: 'route', title: 'Route', text: (r) => (r.routes.length > 1 ? r.routes.map((x) => x.route).join(',') : r.route) },
      { key: 'table', title: 'Table', text: (r) => String(r.table), json: (r) => r.table },
      { key: 'shown', title: 'ip route show cache', text: (r) => (r.skipped ? `skipped: ${r.skipped}` : 'shown'), json: (r) => r.skipped },
    ],
    extra: (r) => ({ netns: r.netns, family: r.family, mtuLocked: r.mtuLocked, redirected: r.redirected, routes: r.routes, address: hex(r.address) }),
  };
}

export function nexthopRows(t: Tables, netns: number[], iface?: string): NexthopObjectRow[] {
  return t.nexthops().rows.filter((r) => netns.includes(r.netns) && (iface === undefined || r.iface === iface));
}

/** One nexthop object as JSON (`nexthop --json`). */
export function nexthopJson(r: NexthopObjectRow): Record<string, unknown> {
  return {
    netns: r.netns, id: r.id, family: r.family, group: r.group, groupType: r.groupType, blackhole: r.blackhole, fdb: r.fdb,
    gateway: r.gateway, iface: r.iface, ifindex: r.ifindex, scope: r.scope, protocol: r.protocol, flags: r.flags, nexthop: hex(r.address),
  };
}

