// The conntrack view: the connection tracking entries of the selected namespaces, filtered
// by protocol, state, address and port, with count/max per netns; and the check --summary
// uses to say the table is near full.

import type { ConntrackRow, CtTuple } from '../net/conntrack.js';
import type { Tables } from './tables.js';
import type { SocketRow } from '../net/socket-row.js';
import type { RowSpec } from './table.js';
import { GAP } from './table.js';

export type { ConntrackRow, CtTuple };

export interface ConntrackQuery {
  netns: number[];
  proto?: string;
  state?: string;
  address?: string;
  port?: number;
}

const PROTOS = ['tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'sctp', 'dccp', 'gre'];
const STATES = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'];

/** Words the conntrack command takes: a protocol, a TCP state, an address. */
export function conntrackWord(q: ConntrackQuery, word: string): boolean {
  const w = word.toLowerCase();
  if (PROTOS.includes(w)) q.proto = w;
  else if (STATES.includes(word.toUpperCase())) q.state = word.toUpperCase();
  else if (/^[0-9.]+$/.test(word) && word.split('.').length === 4) q.address = word;
  else if (/^[0-9a-f:]+$/i.test(word) && word.includes(':')) q.address = word.toLowerCase();
  else return false;
  return true;
}

export const CONNTRACK_WORDS = [...PROTOS, ...STATES];

function matches(r: ConntrackRow, q: ConntrackQuery): boolean {
  if (!q.netns.includes(r.netns)) return false;
  if (q.proto !== undefined && r.proto !== q.proto) return false;
  if (q.state !== undefined && r.state !== q.state) return false;
  const ends = [r.original, r.reply];
  if (q.address !== undefined && !ends.some((t) => t.src === q.address || t.dst === q.address)) return false;
  if (q.port !== undefined && !ends.some((t) => t.sport === q.port || t.dport === q.port)) return false;
  return true;
}

/** A conntrack entry with the socket it belongs to, when one in its netns has its tuple. */
export type ConntrackViewRow = ConntrackRow & { sock?: bigint };

export function conntrackRows(t: Tables, q: ConntrackQuery): ConntrackViewRow[] {
  const idx = socketIndex(t);
  return t.conntrack().rows.filter((r) => matches(r, q)).map((r) => {
    const s = sockOfEntry(idx, r);
    return s ? { ...r, sock: s.sock } : r;
  });
}

// ---- sockets and conntrack entries -----------------------------------------------------------
// A socket's 4-tuple is its entry's ORIGINAL tuple when it opened the connection (src = local),
// or its REPLY tuple when it accepted it (the reply's src is the local end after any DNAT: the
// host's 10.1.0.1 → 10.123.0.1:80 is DNATed to 10.200.0.2:7080, whose server socket sees
// 10.200.0.1 → 10.200.0.2:7080 in its own netns after the SNAT). Both in the socket's netns.

const PROTONUM: Record<string, number> = { tcp: 6, tcp6: 6, udp: 17, udp6: 17, udplite: 136, udplite6: 136 };

/** An IPv4-mapped IPv6 address as the IPv4 address conntrack tracks (a v6 socket reached over v4). */
const plain = (a: string) => (a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a);

const tupleKey = (ns: number, proto: number, src: string, sport: number | null, dst: string, dport: number | null) =>
  `${ns}|${proto}|${plain(src)}|${sport}|${plain(dst)}|${dport}`;

const sockKey = (r: SocketRow) => {
  const p = PROTONUM[r.proto];
  return p === undefined || r.remotePort === 0 ? undefined : tupleKey(r.netns, p, r.localAddr, r.localPort, r.remoteAddr, r.remotePort);
};

const SOCKET_FAMILIES = ['tcp', 'udp'] as const;

interface SocketIndex { byTuple: Map<string, SocketRow> }
const socketIndexes = new WeakMap<Tables, SocketIndex>();

function socketIndex(t: Tables): SocketIndex {
  let idx = socketIndexes.get(t);
  if (!idx) {
    const byTuple = new Map<string, SocketRow>();
    for (const f of SOCKET_FAMILIES) {
      for (const r of t.sockets(f).rows) {
        const key = sockKey(r);
        if (key !== undefined && !byTuple.has(key)) byTuple.set(key, r);
      }
    }
    socketIndexes.set(t, (idx = { byTuple }));
  }
  return idx;
}

function sockOfEntry(idx: SocketIndex, r: ConntrackRow): SocketRow | undefined {
  const o = r.original, p = r.reply;
  if (o.sport === null || p.sport === null) return undefined;
  return idx.byTuple.get(tupleKey(r.netns, r.protonum, o.src, o.sport, o.dst, o.dport)) ??
    idx.byTuple.get(tupleKey(r.netns, r.protonum, p.src, p.sport, p.dst, p.dport));
}

const entryIndexes = new WeakMap<Tables, Map<string, ConntrackRow>>();

/** The conntrack entry of a socket (by its 4-tuple, in its netns, either direction), if tracked. */
export function conntrackOfSocket(t: Tables, s: SocketRow): ConntrackRow | undefined {
  const key = sockKey(s);
  if (key === undefined) return undefined;
  let m = entryIndexes.get(t);
  if (!m) {
    m = new Map();
    for (const r of t.conntrack().rows) {
      for (const u of [r.original, r.reply]) {
        if (u.sport === null) continue;
        const k = tupleKey(r.netns, r.protonum, u.src, u.sport, u.dst, u.dport);
        if (!m.has(k)) m.set(k, r);
      }
    }
    entryIndexes.set(t, m);
  }
  return m.get(key);
}

export interface ConntrackFill {
  netns: number;
  count: number | null;
  max: number | null;
  /** count/max ≥ 90 %: new connections are about to be dropped ("table full, dropping packet"). */
  nearFull: boolean;
}

export const NEAR_FULL = 0.9;

/** For --summary: each netns's count against nf_conntrack_max, and whether it is near full. */
export function conntrackFill(t: Tables, netns: number[]): ConntrackFill[] {
  const ct = t.conntrack();
  return netns.map((ns) => {
    const count = ct.counts.find((c) => c.netns === ns)?.count ?? null;
    const max = ct.max;
    return { netns: ns, count, max, nearFull: count !== null && max !== null && max > 0 && count >= NEAR_FULL * max };
  });
}

export function tupleJson(t: CtTuple): Record<string, unknown> {
  return t.icmp
    ? { src: t.src, dst: t.dst, type: t.icmp.type, code: t.icmp.code, id: t.icmp.id }
    : { src: t.src, dst: t.dst, sport: t.sport, dport: t.dport };
}

const num = (v: bigint) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());

export const CONNTRACK_SPEC: RowSpec<ConntrackViewRow> = {
  columns: [
    { key: 'l3', title: 'L3', text: (r) => r.l3 },
    { key: 'proto', title: 'Proto', text: (r) => r.proto },
    { key: 'state', title: 'State', text: (r) => r.state ?? '', json: (r) => r.state },
    { key: 'timeout', title: 'Timeout', align: 'right', text: (r) => String(Math.max(r.timeout, 0)), json: (r) => r.timeout },
    { key: 'original', title: 'Original', text: (r) => tupleText(r.original), json: (r) => tupleJson(r.original) },
    { key: 'reply', title: 'Reply', text: (r) => tupleText(r.reply), json: (r) => tupleJson(r.reply) },
    { key: 'status', title: 'Status', text: (r) => r.status.join(','), json: (r) => r.status },
    { key: 'mark', title: 'Mark', align: 'right', text: (r) => (r.mark === null ? GAP : String(r.mark)), json: (r) => r.mark },
    { key: 'zone', title: 'Zone', align: 'right', text: (r) => (r.zone === null ? GAP : String(r.zone)), json: (r) => r.zone },
    { key: 'use', title: 'Use', align: 'right', text: (r) => String(r.use), json: (r) => r.use },
  ],
  extra: (r) => ({
    netns: r.netns,
    ...(r.packets ? { packets: { original: num(r.packets[0]), reply: num(r.packets[1]) } } : {}),
    ...(r.bytes ? { bytes: { original: num(r.bytes[0]), reply: num(r.bytes[1]) } } : {}),
    expired: r.timeout < 0,
    address: '0x' + r.address.toString(16),
    ...(r.sock !== undefined ? { sock: '0x' + r.sock.toString(16) } : {}),
  }),
  // Enter opens the socket the entry belongs to; an entry of no local socket, its struct nf_conn.
  ref: (r) => (r.sock !== undefined ? { kind: 'sock', address: r.sock } : { kind: 'struct', type: 'struct nf_conn', address: r.address }),
};

export function tupleText(t: CtTuple): string {
  return t.icmp ? `${t.src} > ${t.dst} type=${t.icmp.type} code=${t.icmp.code} id=${t.icmp.id}` : `${t.src}:${t.sport} > ${t.dst}:${t.dport}`;
}
