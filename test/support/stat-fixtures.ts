// The fixtures whose truth has /proc/net/snmp, netstat, snmp6 and `sysctl -a` per netns.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_NAMES } from './fixtures.js';
import { fixtureDir } from './truth.js';

export const STAT_FIXTURES = [...FIXTURE_NAMES, 'bookworm-6.1-vxlan', 'bullseye-5.10-host', 'bookworm-6.1-host', 'trixie-6.12-host', 'sid-7.2-host']
  .filter((n) => existsSync(join(fixtureDir(n), 'vmcore.kdump')));

/** Truth counters as "Group.Name" → value (snmp6's "Ip6InReceives" split at its group prefix). */
export function truthCounters(ns: { snmp: Map<string, Map<string, number>>; netstat: Map<string, Map<string, number>>; snmp6: Map<string, number> }): Map<string, number> {
  const out = new Map<string, number>();
  for (const [g, m] of [...ns.snmp, ...ns.netstat]) for (const [n, v] of m) out.set(`${g}.${n}`, v);
  for (const [n, v] of ns.snmp6) {
    const g = /^(Ip6|Icmp6|UdpLite6|Udp6)/.exec(n)?.[1];
    if (g) out.set(`${g}.${n.slice(g.length)}`, v);
  }
  return out;
}
