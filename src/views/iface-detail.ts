// One device and what hangs off it, for the shell's drill-down from an interface: its block
// (addresses, flags, qdiscs, counters), the routes with a next hop through it, its neighbours,
// the nexthop objects using it and the sockets bound to it (sk_bound_dev_if / packet ifindex).

import type { NetInterface } from '../net/interfaces.js';
import type { NeighbourRow } from '../net/neighbours.js';
import type { NexthopObjectRow } from '../net/nexthop-objects.js';
import type { RouteRow } from '../net/route-row.js';
import { localText, remoteText, type SocketRow } from '../net/socket-row.js';
import { ALL_FAMILIES } from './families.js';
import { interfaceRows } from './interfaces.js';
import { neighbourRows } from './neighbours.js';
import { nexthopRows, routeRows } from './routes.js';
import type { Tables } from './tables.js';
import type { RowSpec } from './table.js';
import { hex } from './table.js';

export interface InterfaceDetail {
  dev: NetInterface;
  routes: RouteRow[];
  neighbours: NeighbourRow[];
  nexthops: NexthopObjectRow[];
  sockets: SocketRow[];
}

export function interfaceDetail(t: Tables, netns: number, ifindex: number): InterfaceDetail | undefined {
  const dev = interfaceRows(t, { netns: [netns] }).find((d) => d.ifindex === ifindex);
  if (!dev) return undefined;
  const bound = t.boundDevices();
  return {
    dev,
    routes: routeRows(t, { netns: [netns], mainOnly: false, iface: dev.name }),
    neighbours: neighbourRows(t, { netns: [netns], iface: dev.name }),
    nexthops: nexthopRows(t, [netns], dev.name),
    sockets: ALL_FAMILIES.flatMap((f) => t.sockets(f).rows).filter((r) => r.netns === netns && bound.get(r.sock) === ifindex),
  };
}


/** Sockets bound to a device, as rows to open. */
export const BOUND_SOCKET_SPEC: RowSpec<SocketRow> = {
  columns: [
    { key: 'proto', title: 'Proto', text: (r) => r.proto },
    { key: 'local', title: 'Local Address', text: (r) => (r.proto === 'packet' ? r.localAddr : localText(r)) },
    { key: 'remote', title: 'Foreign Address', text: (r) => (r.proto === 'packet' ? '' : remoteText(r)) },
    { key: 'state', title: 'State', text: (r) => r.state },
    { key: 'inode', title: 'Inode', align: 'right', text: (r) => String(r.inode), json: (r) => r.inode },
  ],
  extra: (r) => ({ netns: r.netns, sock: hex(r.sock) }),
  ref: (r) => ({ kind: 'sock', address: r.sock }),
};
