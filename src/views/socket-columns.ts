// The socket tables' columns, declared once (netstat's layout for inet, UNIX and packet
// sockets, ss -f netlink's for netlink): each column's text, JSON key and value.

import { localText, remoteText, remoteData, type SocketRow } from '../net/socket-row.js';
import type { Owner } from '../net/owners.js';
import { TCP_CLOSE } from '../net/constants.js';
import type { ColumnSpec, RowSpec } from './table.js';
import { numText } from './table.js';
import type { SocketView } from './sockets.js';
import type { Layout } from './families.js';
import { netstatTimerText } from '../net/tcp-timer.js';
import { GAP } from './table.js';
import { hex } from './table.js';

/** Columns the netstat modifiers add: -e the User column, -o the Timer column. */
export interface SocketColumnsOptions {
  user?: boolean;
  timer?: boolean;
}

/** netstat's PID/Program column: "pid/comm", each process once, '-' for none. */
export function ownerText(os: Owner[]): string {
  // most sockets have no owner or one (no Set, no array for them)
  if (os.length === 0) return '-';
  if (os.length === 1) return `${os[0].pid}/${os[0].comm}`;
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const o of os) {
    const t = `${o.pid}/${o.comm}`;
    if (!seen.has(t)) parts.push(t);
    seen.add(t);
  }
  return parts.join(',') || '-';
}


/** The JSON object of a socket row (the README's contract: proto, local, remote, state,
 *  inode, netns, rxQueue, txQueue, uid, sock, kind, owners; UNIX path and type). */
export function socketJson(r: SocketRow, owners: Owner[]): Record<string, unknown> {
  const j: Record<string, unknown> = {
    proto: r.proto,
    local: r.proto === 'unix' || r.proto === 'packet' ? r.localAddr : r.proto === 'netlink' ? `${r.localAddr}:${r.localPort}` : localText(r),
    remote: r.proto === 'unix' || r.proto === 'packet' ? r.remoteAddr : r.proto === 'netlink' ? String(r.remotePort) : remoteData(r),
    state: r.state,
    inode: r.inode,
    netns: r.netns,
    rxQueue: r.rxQueue,
    txQueue: r.txQueue,
    uid: r.uid,
    sock: hex(r.sock),
    kind: r.kind,
    owners: owners.map((o) => ({ pid: o.pid, comm: o.comm, fd: o.fd })),
  };
  if (r.path !== undefined || r.proto === 'unix') j.path = r.path ?? '';
  if (r.type !== undefined) j.type = r.type;
  if (r.extra) Object.assign(j, r.extra);
  return j;
}

type Col = ColumnSpec<SocketView>;
const text = (key: string, title: string, get: (r: SocketRow) => string, align?: 'right', shrink?: number): Col =>
  ({ key, title, align, text: (v) => get(v.row), json: false, ...(shrink ? { shrink } : {}) });

/** At 80 columns these give way (cut from the left, the port kept) so PID/Program stays whole. */
export const SHRINK_ADDRESS = 9;
export const SHRINK_NETNS = 5;

const proto = (get: (r: SocketRow) => string = (r) => r.proto): Col => text('proto', 'Proto', get);
const recvq = text('recvq', 'Recv-Q', (r) => String(r.rxQueue), 'right');
const sendq = text('sendq', 'Send-Q', (r) => String(r.txQueue), 'right');
const inode = (title = 'Inode'): Col => text('inode', title, (r) => String(r.inode), 'right');
const netns = text('netns', 'Netns', (r) => numText(r.netns), 'right', SHRINK_NETNS);
const owner: Col = { key: 'owner', title: 'PID/Program name', text: (v) => ownerText(v.owners), json: false };

/** How one socket layout is shown; `ifName` names a packet socket's device. */
export function socketSpec(layout: Layout, ifName: (netns: number, ifindex: number) => string, o: SocketColumnsOptions = {}): RowSpec<SocketView> {
  const base = {
    extra: (v: SocketView) => {
      const j = socketJson(v.row, v.owners);
      if (v.timer !== undefined) j.timer = v.timer ? { name: v.timer.name, expiresMs: v.timer.expiresMs, retrans: v.timer.retrans } : null;
      return j;
    },
    ref: (v: SocketView) => ({ kind: 'sock' as const, address: v.row.sock }),
  };
  const user: Col[] = o.user ? [text('user', 'User', (r) => String(r.uid), 'right')] : [];
  const timer: Col[] = o.timer ? [{ key: 'timer', title: 'Timer', text: (v) => (v.timer === null ? GAP : v.timer ? netstatTimerText(v.timer) : 'off (0.00/0/0)'), json: false }] : [];
  switch (layout) {
    case 'inet':
      return { ...base, columns: [proto(), recvq, sendq,
        text('local', 'Local Address', localText, undefined, SHRINK_ADDRESS), text('remote', 'Foreign Address', remoteText, undefined, SHRINK_ADDRESS),
        text('state', 'State', (r) => (r.proto.startsWith('tcp') ? r.state : r.stateNum === TCP_CLOSE ? '' : r.state)),
        ...user, inode(), netns, owner, ...timer] };
    case 'unix':
      return { ...base, columns: [proto(() => 'unix'), recvq,
        text('type', 'Type', (r) => r.type ?? ''), text('state', 'State', (r) => (r.state === 'UNCONNECTED' ? '' : r.state)),
        inode('I-Node'), text('peer', 'Peer', (r) => (r.extra?.peerInode ? String(r.extra.peerInode) : '-'), 'right'),
        netns, owner, text('path', 'Path', (r) => r.path ?? '')] };
    case 'packet':
      return { ...base, columns: [proto(() => 'packet'), text('type', 'Type', (r) => r.type ?? ''),
        text('ethertype', 'Protocol', (r) => r.localAddr), text('iface', 'Iface', (r) => ifName(r.netns, Number(r.extra?.ifindex ?? 0))),
        text('state', 'State', (r) => r.state), text('rmem', 'Rmem', (r) => String(r.rxQueue), 'right'), inode(), netns, owner] };
    case 'netlink':
      return { ...base, columns: [proto(() => 'nl'), recvq, sendq,
        text('local', 'Local Address:Port', (r) => `${r.localAddr}:${r.localPort}`), text('peer', 'Peer', (r) => (r.remotePort ? String(r.remotePort) : '*')),
        text('groups', 'Groups', (r) => (Number(r.extra?.groups ?? 0) >>> 0).toString(16).padStart(8, '0')), inode(), netns, owner] };
  }
}
