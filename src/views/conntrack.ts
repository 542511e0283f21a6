// The conntrack view: the connection tracking entries of the selected namespaces, filtered
// by protocol, state, address and port, with count/max per netns; and the check --summary
// uses to say the table is near full.

import type { ConntrackRow, CtTuple } from '../net/conntrack.js';
import type { Tables } from './tables.js';
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

export function conntrackRows(t: Tables, q: ConntrackQuery): ConntrackRow[] {
  return t.conntrack().rows.filter((r) => matches(r, q));
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

export const CONNTRACK_SPEC: RowSpec<ConntrackRow> = {
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
  }),
  ref: (r) => ({ kind: 'struct', type: 'struct nf_conn', address: r.address }),
};

export function tupleText(t: CtTuple): string {
  return t.icmp ? `${t.src} > ${t.dst} type=${t.icmp.type} code=${t.icmp.code} id=${t.icmp.id}` : `${t.src}:${t.sport} > ${t.dst}:${t.dport}`;
}
