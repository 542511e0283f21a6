// The host-scenario fixtures hold what their README promises: every section the guest printed
// is there, and the cases the routing, counters and firewall views need really happened.

import { describe, expect, it } from 'vitest';
import { fixtureTruth } from './support/fixtures.js';
import {
  HOST_NS_SECTIONS,
  hostSection,
  parseKmsg,
  parseNfConntrack,
  parseSoftnetStat,
  parseTcQdisc,
  presentHostFixtures,
} from './support/truth-host.js';
import { initNetns } from './support/truth.js';

const fixtures = presentHostFixtures();

// Sections that are legitimately empty: no nexthop objects, route exceptions, classes or
// ip6tables rules in ns1; `nft list hooks` prints nothing without nfnetlink_hook (5.10, 6.1).
const mayBeEmpty = (ns: string, s: string): boolean =>
  s === 'tc.NS.class' ||
  s === 'nft.NS.hooks' ||
  (ns === 'ns1' && ['ip.NS.nexthop', 'ip.NS.route.cache', 'ip.NS.route6.cache', 'ip6tables.NS.save'].includes(s));

describe.each(fixtures)('host truth of %s', (name) => {
  const t = fixtureTruth(name);
  const sec = (ns: string, s: string): string => hostSection(t, ns, s) ?? '';

  it('is the host scenario with init and ns1', () => {
    expect(t.scenario).toBe('host');
    expect(t.netns.map((n) => n.name)).toEqual(['init', 'ns1']);
  });

  for (const ns of ['init', 'ns1'])
    for (const s of HOST_NS_SECTIONS)
      it(`prints ${s.replace('NS', ns)}`, () => {
        expect(t.sections.has(s.replace('NS', ns))).toBe(true);
        if (!mayBeEmpty(ns, s)) expect(sec(ns, s).trim()).not.toBe('');
      });

  it('has routing tables, rules, nexthops, multipath and special routes', () => {
    const all = sec('init', 'ip.NS.route.all');
    for (const want of ['table 100', 'table 1000', 'table local', 'nhid 10', 'nhid 20', 'nexthop via', 'blackhole', 'unreachable', 'prohibit', 'throw', 'proto static', 'proto 77'])
      expect(all).toContain(want);
    expect(sec('init', 'ip.NS.route6.all')).toContain('via fd00:200::2 dev veth0 table 100');
    expect(sec('init', 'ip.NS.nexthop')).toMatch(/id 20 group 10,2\/11/);
    expect(sec('init', 'ip.NS.rule')).toContain('fwmark 0x7/0xff lookup 100');
    expect(sec('init', 'ip.NS.rule6')).toContain('lookup 1000');
  });

  it('has learned PMTU exceptions (IPv4 frag-needed, IPv6 packet-too-big)', () => {
    expect(sec('init', 'ip.NS.route.cache')).toMatch(/10\.250\.0\.9 via 10\.200\.0\.2 dev veth0[\s\S]*mtu 1300/);
    expect(sec('init', 'ip.NS.route6.cache')).toMatch(/fd00:250::9 via fd00:200::2 dev veth0.*mtu 1280/);
  });

  it('has static, learned, NOARP and proxy neighbours', () => {
    const all = sec('init', 'ip.NS.neigh.all');
    expect(all).toMatch(/PERMANENT/);
    expect(all).toMatch(/NOARP/);
    expect(all).toMatch(/REACHABLE|STALE|DELAY/);
    expect(sec('init', 'ip.NS.neigh.proxy')).toContain('10.200.0.77 dev veth0 proxy');
    expect(sec('ns1', 'ip.NS.neigh.proxy')).toContain('10.200.0.88 dev veth1 proxy');
  });

  it('has a qdisc with queued and dropped packets, mq children and an ingress qdisc', () => {
    const q = parseTcQdisc(sec('init', 'tc.NS.qdisc'));
    const tbf = q.find((r) => r.kind === 'tbf' && r.dev === 'dummy4')!;
    expect(tbf.drops).toBeGreaterThan(0);
    expect(tbf.backlogPackets).toBeGreaterThan(0);
    expect(q.filter((r) => r.dev === 'dummy3' && r.parent.startsWith('1:')).length).toBe(4);
    expect(q.some((r) => r.kind === 'ingress' && r.dev === 'eth0')).toBe(true);
  });

  it('has drops to explain: listen overflows, syncookies, UDP receive-buffer errors', () => {
    const init = initNetns(t);
    expect(init.netstat.get('TcpExt')!.get('ListenOverflows')).toBeGreaterThan(0);
    expect(init.netstat.get('TcpExt')!.get('SyncookiesSent')).toBeGreaterThan(0);
    expect(init.snmp.get('Udp')!.get('RcvbufErrors')).toBeGreaterThan(0);
    expect(parseSoftnetStat(sec('init', 'net.NS.softnet_stat')).length).toBe(t.cpus);
  });

  it('tracks TCP, UDP and ICMP flows, one NATed, in both namespaces', () => {
    const ct = parseNfConntrack(sec('init', 'net.NS.nf_conntrack'));
    for (const p of ['tcp', 'udp', 'icmp']) expect(ct.some((r) => r.l4 === p)).toBe(true);
    const nat = ct.find((r) => r.orig.dst === '10.123.0.1')!;
    expect(nat.reply).toMatchObject({ src: '10.200.0.2', dst: '10.200.0.1', sport: '7080' });
    expect(nat.orig.packets).toBeDefined(); // nf_conntrack_acct=1
    expect(Number(sec('init', 'conntrack.NS.count'))).toBeGreaterThan(0);
    expect(parseNfConntrack(sec('ns1', 'net.NS.nf_conntrack')).some((r) => r.reply.sport === '7080')).toBe(true);
  });

  it('has an nftables ruleset with sets, NAT, counters, a netdev chain; legacy iptables rules', () => {
    const nft = sec('init', 'nft.NS.ruleset');
    for (const want of ['set blocked4', 'dnat to 10.200.0.2:7080', 'snat to 10.200.0.1', 'masquerade', 'comment "web"', 'limit rate', 'log prefix', 'reject with tcp reset', 'type filter hook ingress device "eth0"'])
      expect(nft).toContain(want);
    expect(nft).toMatch(/counter packets [1-9]/);
    expect(sec('ns1', 'nft.NS.ruleset')).toContain('table inet nsfw');
    for (const want of ['*filter', '*nat', '*mangle', 'MASQUERADE']) expect(sec('init', 'iptables.NS.save')).toContain(want);
  });

  it('has the kernel log with raw levels, the reject log line and the SYN flood warning', () => {
    const k = parseKmsg(t.sections.get('kmsg'));
    expect(k.length).toBeGreaterThan(100);
    expect(k.some((r) => r.text.includes('xps-reject: '))).toBe(true);
    expect(k.some((r) => /Possible SYN flooding on port .*9100/.test(r.text))).toBe(true);
    expect(t.sections.get('dmesg')).toMatch(/^<\d>\[/);
  });
});
