// The neighbour view (--arp): ARP and NDP entries and proxy entries of the selected
// namespaces, the NOARP ones /proc/net/arp hides included and marked.

import type { NeighbourRow } from '../net/neighbours.js';
import type { Tables } from './tables.js';
import type { RowSpec } from './table.js';
import { hex } from './table.js';

export type { NeighbourRow };

export function neighbourRows(t: Tables, q: { netns: number[]; iface?: string }): NeighbourRow[] {
  return t.neighbours().rows.filter((r) => r.netns !== null && q.netns.includes(r.netns) && (q.iface === undefined || r.device === q.iface));
}


export const NEIGHBOUR_SPEC: RowSpec<NeighbourRow> = {
  columns: [
    { key: 'ip', title: 'Address', text: (r) => r.ip },
    { key: 'hwType', title: 'HWtype', text: (r) => r.hwType },
    { key: 'hwAddress', title: 'HWaddress', text: (r) => r.hwAddress || '-' , json: (r) => r.hwAddress },
    { key: 'device', title: 'Iface', text: (r) => r.device },
    { key: 'state', title: 'State', text: (r) => (r.proxy ? 'PROXY' : r.state), json: (r) => r.state },
    { key: 'flags', title: 'Flags', text: (r) => r.flags.join(',') || '', json: (r) => r.flags },
    { key: 'table', title: 'Table', text: (r) => r.table },
    { key: 'note', title: '', text: (r) => (r.hidden ? '(hidden by /proc/net/arp)' : ''), json: false },
  ],
  extra: (r) => ({ netns: r.netns, family: r.family, proxy: r.proxy, hidden: r.hidden, type: r.type, neighbour: hex(r.address) }),
  ref: (r) => (r.ifindex ? { kind: 'iface', netns: r.netns!, ifindex: r.ifindex } : undefined),
};
