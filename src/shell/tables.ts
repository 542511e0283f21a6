// The session's parsed tables: each built on first use and kept until `reload`.

import type { Session } from './session.js';
import { netNamespaces, type NetNs } from '../net/netns.js';
import { tcpSockets } from '../net/tcp.js';
import { udpSockets } from '../net/udp.js';
import { rawSockets } from '../net/raw.js';
import { unixSockets } from '../net/unix.js';
import { packetSockets } from '../net/packet.js';
import { netlinkSockets } from '../net/netlink.js';
import { ownerIndex, type OwnerIndex } from '../net/owners.js';
import type { SocketRow, SocketTable } from '../net/socket-row.js';
import { kernelClock, type KernelClock } from '../kernel/time.js';
import { netDevices, type NetDevice } from '../net/devices.js';

export type Family = 'tcp' | 'udp' | 'raw' | 'unix' | 'packet' | 'netlink';
/** What `-a` lists without a family option, as netstat (netlink only when asked, as ss -f). */
export const FAMILIES: Family[] = ['tcp', 'udp', 'raw', 'unix', 'packet'];
export const ALL_FAMILIES: Family[] = [...FAMILIES, 'netlink'];

export function namespaces(s: Session): NetNs[] {
  return s.cached('netns', () => netNamespaces(s.kernel));
}

export function socketTable(s: Session, f: Family): SocketTable {
  return s.cached(`sockets:${f}`, () => {
    try {
      return buildTable(s, f);
    } catch (e) {
      // The table's head itself is unreadable (e.g. a page missing from the dump): say so.
      return { rows: [], problems: [{ where: `${f} tables`, address: 0n, kind: 'unreadable' as const, detail: (e as Error).message }] };
    }
  });
}

function buildTable(s: Session, f: Family): SocketTable {
  const k = s.kernel;
  const nets = namespaces(s);
  switch (f) {
    case 'tcp':
      return tcpSockets(k, nets);
    case 'udp':
      return udpSockets(k, nets);
    case 'raw':
      return rawSockets(k);
    case 'unix':
      return unixSockets(k, nets);
    case 'packet':
      return packetSockets(k, nets);
    case 'netlink':
      return netlinkSockets(k);
  }
}

export function owners(s: Session): OwnerIndex {
  return s.cached('owners', () => {
    try {
      return ownerIndex(s.kernel);
    } catch (e) {
      const problems = [{ where: 'tasks', address: 0n, kind: 'unreadable' as const, detail: (e as Error).message }];
      return { bySock: new Map(), byPid: new Map(), tasks: [], problems };
    }
  });
}

export function clock(s: Session): KernelClock {
  return s.cached('clock', () => kernelClock(s.kernel));
}

/** Find a socket row by its kernel address in any table (an index built once per session:
 *  a process view asks once per fd, and a process may hold tens of thousands). */
export function findSocket(s: Session, sock: bigint): SocketRow | undefined {
  const index = s.cached('sockets:index', () => {
    const m = new Map<bigint, SocketRow>();
    for (const f of ALL_FAMILIES) for (const r of socketTable(s, f).rows) if (!m.has(r.sock)) m.set(r.sock, r);
    return m;
  });
  return index.get(sock);
}

export function devices(s: Session): NetDevice[] {
  return s.cached('devices', () => netDevices(s.kernel, namespaces(s)));
}

/** Interface name of ifindex in a netns ("*" for 0, the index itself if unknown). */
export function ifName(s: Session, netns: number, ifindex: number): string {
  if (ifindex === 0) return '*';
  return devices(s).find((d) => d.netns === netns && d.ifindex === ifindex)?.name ?? String(ifindex);
}
