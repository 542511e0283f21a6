// route -n, ip route and ip rule lines from route rows: real rows of a fixture, and hand-built
// rows for the shapes the fixtures do not hold yet (multipath, nexthop objects, rule selectors).

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { netNamespaces } from '../../src/net/netns.js';
import { ipv4Routes } from '../../src/net/fib.js';
import { ipv6Routes } from '../../src/net/fib6.js';
import { ipRouteLine, ipRuleLine, routeNLines } from '../../src/report/routes-text.js';
import type { RouteRow } from '../../src/net/route-row.js';
import type { RuleRow } from '../../src/net/fib-rules.js';

describe('route text of bookworm-6.1', () => {
  const k = fixtureSession('bookworm-6.1').kernel;
  const init = fixtureTruth('bookworm-6.1').netns[0]!.inode;
  const nets = netNamespaces(k);
  const v4 = ipv4Routes(k, nets).rows.filter((r) => r.netns === init);
  const v6 = ipv6Routes(k, nets).rows.filter((r) => r.netns === init);

  it('route -n prints the main table as net-tools does (reject routes with dashes)', () => {
    expect(routeNLines(v4)).toEqual([
      'Kernel IP routing table',
      'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
      '0.0.0.0         10.0.2.2        0.0.0.0         UG    0      0        0 eth0',
      '10.0.2.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0',
      '10.1.0.0        0.0.0.0         255.255.255.0   U     0      0        0 dummy0',
      '10.10.0.0       0.0.0.0         255.255.255.0   U     0      0        0 dummy0.10',
      '10.99.0.0       10.1.0.254      255.255.255.0   UG    0      0        0 dummy0',
      '10.200.0.0      0.0.0.0         255.255.255.0   U     0      0        0 veth0',
      '172.16.5.0      0.0.0.0         255.255.255.0   U     0      0        0 br0',
      '192.0.2.0       -               255.255.255.0   !     0      -        0 -',
      '192.168.77.0    0.0.0.0         255.255.255.0   U     0      0        0 dummy1',
      '198.51.100.0    0.0.0.0         255.255.255.0   U     0      0        0 *',
      '203.0.113.0     0.0.0.0         255.255.255.0   U     50     0        0 dummy1',
    ]);
  });

  it('ip route show table all lines for local, broadcast and IPv6 routes', () => {
    const lines = [...v4, ...v6].map((r) => ipRouteLine(r));
    expect(lines).toContain('10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15');
    expect(lines).toContain('local 10.0.2.15 dev eth0 table local proto kernel scope host src 10.0.2.15');
    expect(lines).toContain('broadcast 10.0.2.255 dev eth0 table local proto kernel scope link src 10.0.2.15');
    expect(lines).toContain('local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1');
    expect(lines).toContain('unreachable 192.0.2.0/24');
    expect(lines).toContain('blackhole 2001:db8:dead::/48 dev lo metric 1024 pref medium');
    expect(lines).toContain('2001:db8:1::/64 dev dummy0 proto kernel metric 256 pref medium');
    expect(lines).toContain('local ::1 dev lo table local proto kernel metric 0 pref medium');
    expect(lines).toContain('multicast ff00::/8 dev eth0 table local proto kernel metric 256 pref medium');
  });
});

const hop = (gateway: string | null, iface: string, weight = 1, fam: 'inet' | 'inet6' = 'inet') =>
  ({ gateway, gatewayFamily: gateway ? fam : null, iface, ifindex: 0, weight, flags: [] as string[], address: 0n });

function row(over: Partial<RouteRow>): RouteRow {
  return {
    netns: 1, family: 'inet', table: 'main', tableId: 254, type: 'unicast', destination: '10.5.0.0', prefixLen: 16,
    genmask: '255.255.0.0', source: null, sourceLen: 0, gateway: null, iface: '*', metric: 0, flags: 'U', rtFlags: 1,
    scope: 'global', protocol: 'static', prefsrc: null, tos: 0, nexthops: [], nhid: null, refcnt: 0, use: 0, mtu: 0,
    window: 0, irtt: 0, expiresJiffies: null, pref: null, address: 0n, ...over,
  };
}

describe('ip route lines of shapes the fixtures do not hold yet', () => {
  it('multipath routes list each next hop with its weight', () => {
    const r = row({ table: 100, tableId: 100, nexthops: [hop('10.1.0.2', 'dummy0', 1), hop('10.1.0.3', 'dummy0', 3)] });
    expect(ipRouteLine(r)).toBe('10.5.0.0/16 table 100 proto static\n\tnexthop via 10.1.0.2 dev dummy0 weight 1\n\tnexthop via 10.1.0.3 dev dummy0 weight 3');
  });

  it('nexthop-object routes carry nhid, IPv4 routes may go via an IPv6 gateway, IPv6 expiry in seconds', () => {
    expect(ipRouteLine(row({ nhid: 7, nexthops: [hop('10.1.0.2', 'dummy0')] }))).toBe('10.5.0.0/16 nhid 7 via 10.1.0.2 dev dummy0 proto static');
    expect(ipRouteLine(row({ nexthops: [hop('fe80::1', 'eth0', 1, 'inet6')], metric: 5 }))).toBe('10.5.0.0/16 via inet6 fe80::1 dev eth0 proto static metric 5');
    const v6 = row({ family: 'inet6', destination: '::', prefixLen: 0, genmask: null, protocol: 'ra', metric: 1024, pref: 'medium', expiresJiffies: 2500, nexthops: [hop('fe80::2', 'eth0', 1, 'inet6')] });
    expect(ipRouteLine(v6, { hz: 250 })).toBe('default via fe80::2 dev eth0 proto ra metric 1024 expires 10sec pref medium');
  });
});

describe('ip rule lines', () => {
  const base: RuleRow = {
    netns: 1, family: 'inet', priority: 100, action: 'lookup', table: 100, tableId: 100, not: false, from: 'all', to: 'all',
    tos: 0, iif: null, oif: null, iifDetached: false, oifDetached: false, fwmark: 0, fwmask: 0, l3mdev: false,
    suppressPrefixlen: -1, suppressIfgroup: -1, goto: null, protocol: 'boot', ipProto: 0, sport: null, dport: null,
    uidRange: null, tunId: 0n, address: 0n,
  };
  it('prints selectors and actions in iproute2 order', () => {
    expect(ipRuleLine({ ...base, from: '10.1.0.0/24', fwmark: 0x10, fwmask: 0xffffffff, iif: 'eth0' })).toBe('100:\tfrom 10.1.0.0/24 fwmark 0x10 iif eth0 lookup 100 proto boot');
    expect(ipRuleLine({ ...base, not: true, to: '192.0.2.1', fwmark: 1, fwmask: 0xff, protocol: 'kernel', suppressPrefixlen: 0, table: 'main', tableId: 254 })).toBe('100:\tnot from all to 192.0.2.1 fwmark 0x1/0xff lookup main suppress_prefixlength 0');
    expect(ipRuleLine({ ...base, action: 'prohibit', table: 0, tableId: 0, protocol: 'unspec', dport: [22, 22], uidRange: [1000, 1999] })).toBe('100:\tfrom all uidrange 1000-1999 dport 22 prohibit');
    expect(ipRuleLine({ ...base, action: 'goto', goto: 200, table: 0, tableId: 0, protocol: 'kernel' })).toBe('100:\tfrom all goto 200');
  });
});
