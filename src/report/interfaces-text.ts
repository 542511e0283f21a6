// Interface rows (src/net/interfaces.ts) as text: the seed's ifconfig-like `-i`/`-iv` block,
// `ip link`/`ip addr` lines, a /proc/net/dev line and `tc -s qdisc` lines. Rows in, strings out.

import type { NetInterface } from '../net/interfaces.js';
import type { QdiscRow } from '../net/qdisc.js';
import { iffNames } from '../net/if-names.js';

/** "veth0@veth1", "veth0@if8" (the link is in another netns, as iproute2 prints it), "eth0". */
export function linkedName(r: NetInterface): string {
  if (!r.link) return r.name;
  return r.link.netns === r.netns ? `${r.name}@${r.link.name}` : `${r.name}@if${r.link.ifindex}`;
}

// iproute2/busybox ip/ipaddress.c print_linkinfo (without state/mode/group, as busybox).
export function ipLinkLines(r: NetInterface): string[] {
  const master = r.master ? ` master ${r.master.name}` : '';
  return [
    `${r.ifindex}: ${linkedName(r)}: <${r.flagNames.join(',')}> mtu ${r.mtu} qdisc ${r.qdisc ?? 'none'}${master} qlen ${r.txQueueLen}`,
    `    link/${r.typeName}${r.mac ? ` ${r.mac}` : ''}${r.broadcast ? ` brd ${r.broadcast}` : ''}`,
  ];
}

// ip/ipaddress.c print_addrinfo: one line per address (lifetimes are left out).
export function ipAddrLines(r: NetInterface): string[] {
  const out = ipLinkLines(r);
  for (const a of r.ipv4) {
    const addr = a.address !== a.local ? `${a.local} peer ${a.address}/${a.prefixLen}` : `${a.local}/${a.prefixLen}`;
    const flags = a.flagNames.length ? ` ${a.flagNames.join(' ')}` : '';
    out.push(`    inet ${addr}${a.broadcast ? ` brd ${a.broadcast}` : ''} scope ${a.scopeName}${flags} ${a.label}`);
  }
  for (const a of r.ipv6) {
    const flags = a.flagNames.length ? ` ${a.flagNames.join(' ')}` : '';
    out.push(`    inet6 ${a.address}/${a.prefixLen} scope ${a.scopeName}${flags}`);
  }
  return out;
}

/** net/core/net-procfs.c dev_seq_printf_stats; a device whose counters the dump cannot give
 *  says why instead of printing zeros. */
export function procNetDevLine(r: NetInterface): string {
  const name = r.name.padStart(6);
  if (!r.stats.ok) return `${name}: (${r.stats.gap})`;
  const s = r.stats.counters;
  const cols: [number, number][] = [
    [s.rx_bytes, 7], [s.rx_packets, 7], [s.rx_errors, 4], [s.rx_dropped + s.rx_missed_errors, 4],
    [s.rx_fifo_errors, 4], [s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors, 5],
    [s.rx_compressed, 10], [s.multicast, 9], [s.tx_bytes, 8], [s.tx_packets, 7], [s.tx_errors, 4],
    [s.tx_dropped, 4], [s.tx_fifo_errors, 4], [s.collisions, 5],
    [s.tx_carrier_errors + s.tx_aborted_errors + s.tx_window_errors + s.tx_heartbeat_errors, 7], [s.tx_compressed, 10],
  ];
  return `${name}: ${cols.map(([v, w]) => String(v).padStart(w)).join(' ')}`;
}

/** The 16 numbers of a /proc/net/dev line, or undefined for a gap. */
export function procNetDevCounters(r: NetInterface): number[] | undefined {
  if (!r.stats.ok) return undefined;
  return procNetDevLine(r).split(':').pop()!.trim().split(/\s+/).map(Number);
}

// tc/tc_qdisc.c print_qdisc + tc/tc_util.c print_tcstats_attr (generic part only: the
// per-kind options live in each qdisc's private data).
export function tcQdiscLines(dev: string, q: QdiscRow): string[] {
  const where = q.parent === 'root' ? 'root' : `parent ${q.parent}`;
  const refcnt = q.refcnt !== null && q.role === 'root' ? ` refcnt ${q.refcnt}` : '';
  const hidden = q.tcHidden ? ' (tc hides it: builtin/invisible)' : '';
  return [
    `qdisc ${q.kind} ${q.handle} dev ${dev} ${where}${refcnt}${hidden}`,
    ` Sent ${q.bytes} bytes ${q.packets} pkt (dropped ${q.drops}, overlimits ${q.overlimits} requeues ${q.requeues})${q.summedFromChildren ? ' [sum of children]' : ''}`,
    ` backlog ${q.backlog}b ${q.qlen}p requeues ${q.requeues}`,
  ];
}

const round2 = (x: number) => (Math.round(x * 100) / 100).toFixed(2);

/** The seed's `-i` block (and `-iv` with verbose). */
export function interfaceBlock(r: NetInterface, verbose = false): string[] {
  const out: string[] = [];
  const title = ` ${r.name} `;
  out.push('='.repeat(32) + title + '='.repeat(Math.max(4, 46 - title.length)));
  const v4 = r.ipv4.map((a) => `${a.local}/${a.prefixLen}${a.secondary ? ' (secondary)' : ''}`).join(' ');
  out.push(`${linkedName(r)}${v4 ? ' ' + v4 : ''} mtu=${r.mtu}${r.mac && r.typeName !== 'loopback' ? ' ' + r.mac : ''} ${r.typeName.toUpperCase()}`);
  for (const a of r.ipv6) {
    const extra = a.flagNames.filter((f) => f !== 'dynamic');
    out.push(`inet6 addr: ${a.address}/${a.prefixLen} scope ${a.scopeName}${extra.length ? ' ' + extra.join(' ') : ''}`);
  }
  out.push(`flags=<${iffNames(r.flags).join('|')}>`);
  if (r.features.length) out.push(`features=<${r.features.join('|')}>`);
  const rel: string[] = [];
  if (r.master) rel.push(`master=${r.master.name}`);
  if (r.link) rel.push(`link=${r.link.name} (ifindex ${r.link.ifindex}${r.link.netns !== r.netns ? `, netns ${r.link.netns}` : ''})`);
  else if (r.linkGap) rel.push(`link=? (${r.linkGap})`);
  if (r.vlan) rel.push(`vlan id=${r.vlan.id} proto=${r.vlan.protocol} on ${r.vlan.realDev.name}`);
  if (r.bridgePort) rel.push(`bridge port ${r.bridgePort.portNo} of ${r.bridgePort.bridge} (${r.bridgePort.state})`);
  if (rel.length) out.push(rel.join(', '));
  if (!verbose) return out;
  out.push(`LINK_STATE (${r.linkState.join('|')}) operstate=${r.operstate}`);
  out.push(`open=<${r.handlers.open ?? 'None'}>, stats=<${r.handlers.stats64 ?? r.handlers.stats ?? 'None'}> mtu=${r.mtu} promisc=${r.promiscuity} txqueuelen=${r.txQueueLen}`);
  for (const q of r.txQueues) out.push(`txq ${q.index}: trans_start ${q.transStartAgo === undefined ? 'never' : `${round2(q.transStartAgo)} s ago`}${q.state ? ` state=0x${q.state.toString(16)}` : ''}`);
  out.push(...statsLines(r));
  out.push('.'.repeat(61));
  for (const q of r.qdiscs) {
    out.push(`<struct Qdisc 0x${q.address.toString(16)}> ${q.kind} ${q.handle} ${q.parent === 'root' ? 'root' : 'parent ' + q.parent}${q.role === 'ingress' ? ' (ingress)' : ''} qlen=${q.qlen}`);
    out.push(`qlen=${q.qlen} backlog=${q.backlog} drops=${q.drops} requeues=${q.requeues} overlimits=${q.overlimits} bytes=${q.bytes} packets=${q.packets}${q.summedFromChildren ? ' (sum of children)' : ''}`);
  }
  return out;
}

function statsLines(r: NetInterface): string[] {
  if (!r.stats.ok) return [`!!! counters: ${r.stats.gap}`];
  const s = r.stats.counters;
  const pair = (a: string, x: number, b: string, y: number) => `${a.padEnd(14)}${String(x).padStart(10)}   ${b.padEnd(14)}${String(y).padStart(10)}`;
  const out = [`RX -= Stats (${r.stats.source}) =- TX`, '------------------------ ------------------------'];
  for (const c of r.stats.perCpu ?? []) {
    out.push(`--CPU ${c.cpu}`, pair('rx_packets', c.rx_packets, 'tx_packets', c.tx_packets), pair('rx_bytes', c.rx_bytes, 'tx_bytes', c.tx_bytes));
  }
  out.push('--total', pair('rx_packets', s.rx_packets, 'tx_packets', s.tx_packets), pair('rx_bytes', s.rx_bytes, 'tx_bytes', s.tx_bytes));
  out.push(pair('rx_errors', s.rx_errors, 'tx_errors', s.tx_errors), pair('rx_dropped', s.rx_dropped, 'tx_dropped', s.tx_dropped));
  return out;
}
