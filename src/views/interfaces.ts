// The interface view (-i/-iv, --interface IF): every device of the selected namespaces with
// its addresses, flags, counters and qdiscs; JSON as the README's contract names it.

import type { NetInterface } from '../net/interfaces.js';
import type { Tables } from './tables.js';
import { hex } from './table.js';

export type { NetInterface };

export function interfaceRows(t: Tables, q: { netns: number[]; iface?: string }): NetInterface[] {
  return t.interfaces().rows.filter((r) => q.netns.includes(r.netns) && (q.iface === undefined || r.name === q.iface));
}

/** Names of every device in the dump, for completion and for checking --interface. */
export function interfaceNames(t: Tables): string[] {
  return [...new Set(t.devices().rows.map((d) => d.name))];
}


export function interfaceJson(r: NetInterface): Record<string, unknown> {
  return {
    netns: r.netns, name: r.name, ifindex: r.ifindex, mtu: r.mtu, mac: r.mac, broadcast: r.broadcast, type: r.typeName,
    flags: r.flagNames, operstate: r.operstate, linkState: r.linkState, features: r.features,
    ipv4: r.ipv4.map((a) => `${a.local}/${a.prefixLen}`), ipv6: r.ipv6.map((a) => `${a.address}/${a.prefixLen}`),
    addresses: { ipv4: r.ipv4.map((a) => ({ address: a.local, prefixLen: a.prefixLen, broadcast: a.broadcast || null, scope: a.scopeName, flags: a.flagNames, label: a.label })),
      ipv6: r.ipv6.map((a) => ({ address: a.address, prefixLen: a.prefixLen, scope: a.scopeName, flags: a.flagNames })) },
    master: r.master?.name ?? null, link: r.link ? { name: r.link.name, ifindex: r.link.ifindex, netns: r.link.netns } : null,
    vlan: r.vlan ?? null, bridgePort: r.bridgePort ?? null,
    qdisc: r.qdiscs.length ? r.qdiscs.map((q) => ({ ...q })) : null, txQueueLen: r.txQueueLen, promiscuity: r.promiscuity,
    // counters the dump does not hold (driver-computed) are null, the reason in `gaps`
    stats: r.stats.ok ? { source: r.stats.source, ...r.stats.counters } : null,
    handlers: r.handlers, device: hex(r.address),
    ...(r.stats.ok ? {} : { gaps: { stats: `${r.stats.source}: ${r.stats.gap}` } }),
  };
}
