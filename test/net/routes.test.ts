// IPv4 and IPv6 routes, rules and next-hop exceptions of every netns, against what the guest's
// own /proc/net/route, /proc/net/ipv6_route, busybox `ip route`/`ip -6 route` and `ip addr` printed.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';
import { expectRowsMatchTruth } from '../support/match.js';
import { ipAddrInet, ipRouteTruthLines, parseProcNetIpv6Route } from '../support/truth-routes.js';
import { netNamespaces } from '../../src/net/netns.js';
import { ipv4Routes } from '../../src/net/fib.js';
import { ipv6Routes } from '../../src/net/fib6.js';
import { fibRules } from '../../src/net/fib-rules.js';
import { routeExceptions } from '../../src/net/route-cache.js';
import { ipRouteLine, ipRuleLine, procNetRouteRows } from '../../src/report/routes-text.js';
import type { RouteRow } from '../../src/net/route-row.js';

const fixtures = [...FIXTURE_NAMES, 'bookworm-6.1-vxlan'].filter((n) => existsSync(join(fixtureDir(n), 'vmcore.kdump')));

/** busybox prints neither "proto" nor "table" nor "pref", and its "expires" is always 0sec. */
// busybox ip prints neither proto/table/pref/expires nor RTA_METRICS (hoplimit of RA routes).
function busyboxForm(line: string): string {
  return line.replace(/ (proto|table|pref|expires|hoplimit) \S+/g, '').replace(/\s+/g, ' ').trim();
}

describe.each(fixtures)('routes of %s', (name) => {
  const k = fixtureSession(name).kernel;
  const truth = fixtureTruth(name);
  const nets = netNamespaces(k);
  const v4 = ipv4Routes(k, nets);
  const v6proc = ipv6Routes(k, nets, { procForm: true });
  const v6 = ipv6Routes(k, nets);
  const of = (rows: RouteRow[], inode: number) => rows.filter((r) => r.netns === inode);

  it('walks every table without a problem', () => {
    expect(v4.problems).toEqual([]);
    expect(v6proc.problems).toEqual([]);
    expect(v6.problems).toEqual([]);
    expect(truth.netns.map((n) => n.name)).toEqual(['init', 'ns1']);
  });

  it('IPv4 main table equals /proc/net/route in every netns', () => {
    for (const ns of truth.netns) {
      const ours = procNetRouteRows(of(v4.rows, ns.inode)).map((r) => ({
        iface: r.iface,
        destination: r.destination,
        gateway: r.nexthops[0]?.gatewayFamily === 'inet' ? r.gateway : '0.0.0.0',
        flags: r.rtFlags,
        metric: r.metric,
        mask: r.genmask,
        prefixLen: r.prefixLen,
        mtu: r.mtu,
      }));
      const theirs = ns.route.map(({ raw: _raw, ...rest }) => rest);
      expect(ours, ns.name).toEqual(theirs);
      expect(ours.length).toBeGreaterThan(0);
    }
  });

  it('IPv4 main table equals busybox `ip route` line for line', () => {
    for (const ns of truth.netns) {
      const ours = of(v4.rows, ns.inode).filter((r) => r.tableId === 254).map((r) => busyboxForm(ipRouteLine(r)));
      expect(ours, ns.name).toEqual(ipRouteTruthLines(ns.text.get('ip.route')));
    }
  });

  it('the scenario routes have their types, gateways and metrics', () => {
    const init = of(v4.rows, truth.netns[0]!.inode);
    const find = (d: string) => init.find((r) => `${r.destination}/${r.prefixLen}` === d && r.tableId === 254)!;
    expect(find('198.51.100.0/24')).toMatchObject({ type: 'blackhole', iface: '*', gateway: null, flags: 'U', scope: 'global', protocol: 'boot' });
    expect(find('192.0.2.0/24')).toMatchObject({ type: 'unreachable', iface: '*', flags: '!', rtFlags: 0x201 });
    expect(find('10.99.0.0/24')).toMatchObject({ type: 'unicast', gateway: '10.1.0.254', iface: 'dummy0', flags: 'UG', genmask: '255.255.255.0' });
    expect(find('203.0.113.0/24')).toMatchObject({ metric: 50, iface: 'dummy1', scope: 'link' });
    expect(find('0.0.0.0/0')).toMatchObject({ gateway: '10.0.2.2', iface: 'eth0', genmask: '0.0.0.0', nexthops: [{ gateway: '10.0.2.2', gatewayFamily: 'inet', iface: 'eth0', weight: 1, flags: [] }] });
    expect(find('10.0.2.0/24')).toMatchObject({ protocol: 'kernel', scope: 'link', prefsrc: '10.0.2.15', nhid: null });
  });

  it('the local table holds one host route per address of `ip addr`, and no alias leaks between the shared tries', () => {
    for (const ns of truth.netns) {
      const rows = of(v4.rows, ns.inode);
      const local = rows.filter((r) => r.type === 'local' && r.prefixLen === 32);
      expect(local.every((r) => r.tableId === 255 && r.scope === 'host' && r.protocol === 'kernel')).toBe(true);
      const addrs = ipAddrInet(ns.text.get('ip.addr'));
      expectRowsMatchTruth(local, addrs, { address: ['destination', 'address'], dev: ['iface', 'dev'] }, `local table of ${ns.name}`);
      // secondaries take the primary's preferred source (fib_add_ifaddr)
      for (const a of addrs.filter((x) => x.secondary)) {
        const primary = addrs.find((p) => p.dev === a.dev && !p.secondary)!;
        expect(local.find((r) => r.destination === a.address)!.prefsrc).toBe(primary.address);
      }
      expect(rows.filter((r) => r.tableId === 254).some((r) => r.type === 'local' || r.type === 'broadcast')).toBe(false);
      expect(rows.find((r) => r.destination === '127.0.0.0' && r.prefixLen === 8)).toMatchObject({ type: 'local', table: 'local', iface: 'lo' });
    }
  });

  it('IPv6 routes equal /proc/net/ipv6_route in every netns, in its order', () => {
    for (const ns of truth.netns) {
      // fib6_ref may legitimately move between printing and dumping (KERNEL-TABLES §14); on these dumps it did not.
      const ours = of(v6proc.rows, ns.inode).map((r) => ({
        destination: r.destination,
        prefixLen: r.prefixLen,
        source: r.source ?? '::',
        sourceLen: r.sourceLen,
        gateway: r.nexthops[0]?.gatewayFamily === 'inet6' ? r.gateway : '::',
        metric: r.metric,
        refcnt: r.refcnt,
        use: r.use,
        flags: r.rtFlags >>> 0,
        iface: r.iface === '*' ? '' : r.iface,
      }));
      expect(ours, ns.name).toEqual(parseProcNetIpv6Route(ns.text.get('ipv6_route')));
      expect(ours.length).toBeGreaterThan(0);
    }
  });

  it('IPv6 routes equal busybox `ip -6 route` (all tables, local routes left out as busybox does)', () => {
    for (const ns of truth.netns) {
      const ours = of(v6.rows, ns.inode).filter((r) => r.type !== 'local').map((r) => busyboxForm(ipRouteLine(r)));
      expect(ours, ns.name).toEqual(ipRouteTruthLines(ns.text.get('ip.route6')).map(busyboxForm));
    }
    const init = of(v6.rows, truth.netns[0]!.inode);
    expect(init.find((r) => r.destination === '2001:db8:dead::')).toMatchObject({ type: 'blackhole', prefixLen: 48, iface: 'lo', metric: 1024, pref: 'medium' });
    expect(init.find((r) => r.destination === '2001:db8:99::')).toMatchObject({ gateway: '2001:db8:1::fe', iface: 'dummy0', flags: 'UG' });
    // the default route learned from the router advertisement expires; the null entry is not listed
    expect(init.find((r) => r.prefixLen === 0)).toMatchObject({ gateway: 'fe80::2', protocol: 'ra' });
    expect(init.find((r) => r.prefixLen === 0)!.expiresJiffies).toBeGreaterThan(0);
    expect(init.some((r) => r.metric === 0xffffffff)).toBe(false);
  });

  it('rules: the kernel default rules of each family in every netns (fib_default_rules_init)', () => {
    const { rows, problems } = fibRules(k, nets);
    expect(problems).toEqual([]);
    for (const ns of truth.netns) {
      const lines = (fam: string) => rows.filter((r) => r.netns === ns.inode && r.family === fam).map(ipRuleLine);
      expect(lines('inet')).toEqual(['0:\tfrom all lookup local', '32766:\tfrom all lookup main', '32767:\tfrom all lookup default']);
      expect(lines('inet6')).toEqual(['0:\tfrom all lookup local', '32766:\tfrom all lookup main']);
    }
  });

  it('next-hop exceptions: walks every next hop of both families (these dumps learned none)', () => {
    const r = routeExceptions(k, nets, v4, v6proc);
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([]);
  });
});
