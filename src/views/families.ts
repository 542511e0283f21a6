// The one registry of socket families: each family's name, the option that selects it, its
// walker, which table layout shows it and whether `-a` lists it. Adding a family is one entry
// here (plus its walker in src/net/ and, for a new layout, its columns in socket-columns.ts).

import type { Kernel } from '../kernel/kernel.js';
import type { NetNs } from '../net/netns.js';
import type { SocketTable } from '../net/socket-row.js';
import { tcpSockets } from '../net/tcp.js';
import { udpSockets } from '../net/udp.js';
import { rawSockets } from '../net/raw.js';
import { unixSockets } from '../net/unix.js';
import { packetSockets } from '../net/packet.js';
import { netlinkSockets } from '../net/netlink.js';

export type Family = 'tcp' | 'udp' | 'raw' | 'unix' | 'packet' | 'netlink';
/** Which table layout lists a family's rows (inet families share netstat's one table). */
export type Layout = 'inet' | 'unix' | 'packet' | 'netlink';

export interface SocketFamily {
  name: Family;
  /** The seed's option: `-t`/`--tcp`, …; `short` only where the seed has one. */
  option: string;
  short?: string;
  help: string;
  layout: Layout;
  /** Listed by `-a` without a family option (netlink only when asked, as ss -f netlink). */
  inAll: boolean;
  /** Listening/connected filters apply (packet and netlink sockets are neither). */
  hasListenState: boolean;
  walk(k: Kernel, nets: NetNs[]): SocketTable;
}

export const SOCKET_FAMILIES: readonly SocketFamily[] = [
  { name: 'tcp', option: 'tcp', short: 't', help: 'print TCP info', layout: 'inet', inAll: true, hasListenState: true, walk: tcpSockets },
  { name: 'udp', option: 'udp', short: 'u', help: 'print UDP info', layout: 'inet', inAll: true, hasListenState: true, walk: udpSockets },
  { name: 'raw', option: 'raw', short: 'w', help: 'print RAW info', layout: 'inet', inAll: true, hasListenState: true, walk: (k) => rawSockets(k) },
  { name: 'unix', option: 'unix', short: 'x', help: 'print UNIX info', layout: 'unix', inAll: true, hasListenState: true, walk: unixSockets },
  { name: 'packet', option: 'packet', help: 'print AF_PACKET sockets', layout: 'packet', inAll: true, hasListenState: false, walk: packetSockets },
  { name: 'netlink', option: 'netlink', help: 'print netlink sockets', layout: 'netlink', inAll: false, hasListenState: false, walk: (k) => netlinkSockets(k) },
];

/** What `-a` lists without a family option. */
export const DEFAULT_FAMILIES: Family[] = SOCKET_FAMILIES.filter((f) => f.inAll).map((f) => f.name);
export const ALL_FAMILIES: Family[] = SOCKET_FAMILIES.map((f) => f.name);
/** The options that select a family (`--tcp` … `--netlink`), for the commands that take them. */
export const FAMILY_OPTIONS: string[] = SOCKET_FAMILIES.map((f) => f.option);

export function socketFamily(name: Family): SocketFamily {
  return SOCKET_FAMILIES.find((f) => f.name === name)!;
}
