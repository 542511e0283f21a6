// The `bind` view: the TCP bind hash, one row per (port bucket, bound socket), filtered by
// port and netns; its columns declared once for text, JSON and browsing.

import { localText, remoteText, type SocketRow } from '../net/socket-row.js';
import type { BindBucket } from '../net/bind.js';
import type { Owner } from '../net/owners.js';
import type { Tables } from './tables.js';
import { ownerText } from './socket-columns.js';
import type { RowSpec } from './table.js';
import { numText } from './table.js';
import { hex } from './table.js';

export interface BindRow {
  bucket: BindBucket;
  /** The bound socket (undefined: a bucket with no owner left). */
  sock?: SocketRow;
  owners: Owner[];
  /** Not the bucket's first socket: its port/netns/reuse cells stay empty in text. */
  continued: boolean;
}

export function bindRows(t: Tables, q: { port?: number; netns?: number }): BindRow[] {
  return t.bind().rows
    .filter((b) => q.port === undefined || b.port === q.port)
    .filter((b) => q.netns === undefined || b.netns === q.netns)
    .flatMap((b) => (b.owners.length ? b.owners : [undefined]).map((r, i) => ({
      bucket: b, sock: r, owners: r ? t.ownersOf(r.sock) : [], continued: i > 0,
    })));
}

const first = (r: BindRow, s: string) => (r.continued ? '' : s);

export const BIND_SPEC: RowSpec<BindRow> = {
  columns: [
    { key: 'port', title: 'Port', align: 'right', text: (r) => first(r, String(r.bucket.port)), json: (r) => r.bucket.port },
    { key: 'netns', title: 'Netns', align: 'right', text: (r) => first(r, numText(r.bucket.netns)), json: (r) => r.bucket.netns },
    { key: 'reuse', title: 'Reuse/Port', text: (r) => first(r, `${r.bucket.fastreuse}/${r.bucket.fastreuseport}`), json: false },
    { key: 'local', title: 'Bound socket', text: (r) => (r.sock ? localText(r.sock) : '-'), json: (r) => (r.sock ? localText(r.sock) : null) },
    { key: 'remote', title: 'Foreign Address', text: (r) => (r.sock ? remoteText(r.sock) : ''), json: false },
    { key: 'state', title: 'State', text: (r) => r.sock?.state ?? '', json: (r) => r.sock?.state ?? null },
    { key: 'owner', title: 'PID/Program name', text: (r) => (r.sock ? ownerText(r.owners) : ''), json: false },
  ],
  extra: (r) => ({
    bucket: hex(r.bucket.address), fastreuse: r.bucket.fastreuse, fastreuseport: r.bucket.fastreuseport, sock: r.sock ? hex(r.sock.sock) : null,
  }),
  ref: (r) => (r.sock ? { kind: 'sock', address: r.sock.sock } : undefined),
};
