// Every SNMP counter of every netns against what the guest's /proc/net/snmp, netstat and
// snmp6 printed just before the dump.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { STAT_FIXTURES, truthCounters } from '../support/stat-fixtures.js';
import { netnsStatistics } from '../../src/net/snmp.js';

// Set at boot or by sysctl, not counted: these must be exact.
const FIXED = new Set(['Ip.Forwarding', 'Ip.DefaultTTL', 'Tcp.RtoAlgorithm', 'Tcp.RtoMin', 'Tcp.RtoMax', 'Tcp.MaxConn']);
// A gauge, not a counter: connections may close (or open) between the print and the dump.
const GAUGES = new Set(['Tcp.CurrEstab']);

describe.each(STAT_FIXTURES)('SNMP MIBs of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('has every group and counter the guest printed, named from the kernel tables, in every netns', () => {
    for (const ns of s.tables.namespaces().rows) {
      const t = truth.netns.find((n) => n.inode === ns.inode);
      if (!t) continue;
      const st = netnsStatistics(s.kernel, ns);
      expect(st.problems).toEqual([]);
      const ours = new Map<string, bigint | null>();
      for (const g of st.groups) for (const c of g.counters) ours.set(`${g.name}.${c.name}`, c.value);
      const want = truthCounters(t);
      expect(want.size).toBeGreaterThan(250);
      for (const [key, v] of want) {
        const o = ours.get(key);
        expect(o, `${name} netns ${ns.inode} ${key}`).toBeTypeOf('bigint');
        const n = Number(o);
        if (FIXED.has(key)) expect(n, key).toBe(v);
        else if (GAUGES.has(key)) expect(Math.abs(n - v), key).toBeLessThan(10);
        else {
          // The guest keeps running between its print and the panic (the host scenario's SYN
          // flood and retransmissions go on), so a counter may be at or above what it
          // printed — never below; "a little above": at most 3x + 10000 (octets move most).
          expect(n, `${key} never below the printed value`).toBeGreaterThanOrEqual(v);
          expect(n, `${key} only a little above`).toBeLessThanOrEqual(v * 3 + 10000);
        }
      }
      // Nothing the kernel would not print, except an ICMP type that became non-zero since
      for (const key of ours.keys()) if (!want.has(key)) expect(key).toMatch(/^(IcmpMsg|Icmp6)\.(In|Out)Type\d+$/);
      // Groups in the kernel's order
      const order = ['Ip', 'Icmp', 'IcmpMsg', 'Tcp', 'Udp', 'UdpLite', 'TcpExt', 'IpExt', 'MPTcpExt', 'Ip6', 'Icmp6', 'Udp6', 'UdpLite6'];
      const groups = st.groups.map((g) => g.name);
      expect(groups).toEqual(order.filter((g) => groups.includes(g)));
      expect(groups.includes('UdpLite')).toBe(t.snmp.has('UdpLite'));
      expect(groups.includes('MPTcpExt')).toBe(t.netstat.has('MPTcpExt'));
    }
  });

  it('Tcp MaxConn is signed (-1), as RFC 2012 and the kernel print it', () => {
    const init = s.tables.namespaces().rows.find((n) => n.isInit)!;
    const tcp = netnsStatistics(s.kernel, init).groups.find((g) => g.name === 'Tcp')!;
    expect(tcp.counters.find((c) => c.name === 'MaxConn')!.value).toBe(-1n);
  });
});
