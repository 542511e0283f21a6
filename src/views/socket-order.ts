// `--sort FIELD` (`-FIELD` descending) on the socket tables, and `--count port|state|remote|proto`:
// the groupings people make by hand with `ss -tan | awk … | sort | uniq -c`.

import type { SocketView } from './sockets.js';
import type { SocketRow } from '../net/socket-row.js';
import { parseIp } from './socket-filter.js';
import { INFO_SORT_KEYS } from './socket-info.js';
import type { RowSpec } from './table.js';

type Key = number | string | number[];

/** The fields every socket table sorts by: a key of each row. */
const ROW_KEYS: Record<string, (v: SocketView) => Key> = {
  'recv-q': (v) => v.row.rxQueue,
  'send-q': (v) => v.row.txQueue,
  local: (v) => addrKey(v.row.localAddr, v.row.localPort, v.row),
  remote: (v) => addrKey(v.row.remoteAddr, v.row.remotePort, v.row),
  port: (v) => v.row.localPort,
  state: (v) => v.row.state,
  pid: (v) => (v.owners.length ? Math.min(...v.owners.map((o) => o.pid)) : Number.POSITIVE_INFINITY),
  inode: (v) => v.row.inode,
  netns: (v) => v.row.netns,
  proto: (v) => v.row.proto,
};

/** Addresses in numeric order (10.0.0.9 before 10.0.0.10), IPv4 before IPv6, then the port. */
function addrKey(addr: string, port: number, r: SocketRow): number[] {
  const ip = parseIp(addr);
  if (!ip) return [r.family, ...[...addr].map((c) => c.charCodeAt(0)), port];
  return [ip.length, ...ip, port];
}

export const SORT_FIELDS = Object.keys(ROW_KEYS);
export const INFO_SORT_FIELDS = Object.keys(INFO_SORT_KEYS);

export class SortError extends Error {}

function cmp(a: Key, b: Key): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Rows in the order `--sort` asks (a stable sort: equal keys keep the walk's order). A field
 *  of --info (`cwnd`, `rtt`, …) needs the rows' internals; a gap sorts last either way. */
export function sortViews(views: SocketView[], field: string, withInfo = false): SocketView[] {
  const desc = field.startsWith('-');
  const name = (desc ? field.slice(1) : field).toLowerCase();
  const rowKey = ROW_KEYS[name] ?? ROW_KEYS[name.replace(/q$/, '-q')];
  const infoKey = INFO_SORT_KEYS[name];
  if (!rowKey && !infoKey) {
    throw new SortError(`--sort: '${field}' is not a field (${SORT_FIELDS.join(', ')}; with --info also ${INFO_SORT_FIELDS.join(', ')}); -FIELD sorts descending`);
  }
  if (!rowKey && !withInfo) throw new SortError(`--sort ${name}: a field of --info, which this table does not show`);
  const key = (v: SocketView): Key | undefined => {
    if (rowKey) return rowKey(v);
    return v.info ? infoKey(v.info) : undefined;
  };
  const keyed = views.map((v, i) => ({ v, i, k: key(v) }));
  keyed.sort((a, b) => {
    if (a.k === undefined || b.k === undefined) return a.k === b.k ? a.i - b.i : a.k === undefined ? 1 : -1;
    const c = cmp(a.k, b.k);
    return c === 0 ? a.i - b.i : desc ? -c : c;
  });
  return keyed.map((x) => x.v);
}

/** What `--count` groups by. */
const COUNT_KEYS: Record<string, { title: string; key: (r: SocketRow) => string }> = {
  port: { title: 'Port', key: (r) => String(r.localPort) },
  state: { title: 'State', key: (r) => r.state },
  remote: { title: 'Remote', key: (r) => (r.family === 10 ? `[${r.remoteAddr}]` : r.remoteAddr) },
  proto: { title: 'Proto', key: (r) => r.proto },
};
export const COUNT_FIELDS = Object.keys(COUNT_KEYS);

export interface CountRow {
  value: string;
  count: number;
}

/** Sockets per value of one field, most first (ties in the value's order). */
export function countRows(rows: SocketRow[], by: string): { title: string; rows: CountRow[] } {
  const c = COUNT_KEYS[by.toLowerCase()];
  if (!c) throw new SortError(`--count: '${by}' is not a grouping (${COUNT_FIELDS.join(', ')}, or summary as ss -s)`);
  const m = new Map<string, number>();
  for (const r of rows) m.set(c.key(r), (m.get(c.key(r)) ?? 0) + 1);
  const numeric = by === 'port';
  const out = [...m].map(([value, count]) => ({ value, count }));
  out.sort((a, b) => b.count - a.count || (numeric ? Number(a.value) - Number(b.value) : a.value < b.value ? -1 : 1));
  return { title: c.title, rows: out };
}

export function countSpec(title: string, by: string): RowSpec<CountRow> {
  return {
    columns: [
      { key: 'count', title: 'Count', align: 'right', text: (r) => String(r.count), json: (r) => r.count },
      { key: by, title, text: (r) => r.value, json: (r) => (by === 'port' ? Number(r.value) : r.value) },
    ],
  };
}
