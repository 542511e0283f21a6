// The socket tables' columns, declared once (netstat's layout for inet, UNIX and packet
// sockets, ss -f netlink's for netlink): each column's text, JSON key and value.

import { localText, remoteText, type SocketRow } from '../net/socket-row.js';
import type { Owner } from '../net/owners.js';
import { TCP_CLOSE } from '../net/constants.js';
import type { ColumnSpec, RowSpec } from './table.js';
import { numText } from './table.js';
import type { SocketView } from './sockets.js';
import type { Layout } from './families.js';
import { netstatTimerText } from '../net/tcp-timer.js';
import { GAP } from './table.js';

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
 *  inode, netns, rxQueue, txQueue, uid, sock, kind, owners; UNIX path and type). Made for every
 *  row `--json` writes (100,000 at a time, mostly before V8 has optimized it): the addresses
 *  and owners made here, not through localText, remoteData and a map callback. */
export function socketJson(r: SocketRow, owners: Owner[]): Record<string, unknown> {
  const p = r.proto;
  const named = p === 'unix' || p === 'packet';
  const inet = !named && p !== 'netlink';
  const v6 = r.family === 10;
  const j: Record<string, unknown> = {
    proto: p,
    // localText and remoteData: "addr:port", IPv6 in brackets, the port a number even when 0
    local: inet ? (v6 ? '[' + r.localAddr + ']:' + r.localPort : r.localAddr + ':' + r.localPort) : named ? r.localAddr : `${r.localAddr}:${r.localPort}`,
    remote: inet ? (v6 ? '[' + r.remoteAddr + ']:' + r.remotePort : r.remoteAddr + ':' + r.remotePort) : named ? r.remoteAddr : String(r.remotePort),
    state: r.state,
    inode: r.inode,
    netns: r.netns,
    rxQueue: r.rxQueue,
    txQueue: r.txQueue,
    uid: r.uid,
    sock: '0x' + r.sock.toString(16),
    kind: r.kind,
    owners: ownersJson(owners),
  };
  if (r.path !== undefined || p === 'unix') j.path = r.path ?? '';
  if (r.type !== undefined) j.type = r.type;
  if (r.extra) Object.assign(j, r.extra);
  return j;
}

/** The owners as JSON: pid, comm, fd (most sockets have none or one). */
function ownersJson(os: Owner[]): { pid: number; comm: string; fd: number }[] {
  if (os.length === 0) return [];
  if (os.length === 1) {
    const o = os[0]!;
    return [{ pid: o.pid, comm: o.comm, fd: o.fd }];
  }
  const out = [];
  for (const o of os) out.push({ pid: o.pid, comm: o.comm, fd: o.fd });
  return out;
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
