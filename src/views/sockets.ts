// The socket view: which rows a query selects (families, listening or not, port, TCP state,
// retransmitting, netns), each row paired with the processes that hold it.

import type { Session } from './session.js';
import type { SocketRow } from '../net/socket-row.js';
export type { SocketRow };
import type { Owner, OwnerLookup, OwnerRef } from '../net/owners.js';
import { TCP_CLOSE } from '../net/constants.js';
import type { Tables } from './tables.js';
import { socketFamily, type Family } from './families.js';
import { filterRow, type SocketFilter } from './socket-filter.js';
import { tcpTimer, type TcpTimer } from '../net/tcp-timer.js';
import { readInAddressOrder } from '../kernel/walk.js';
import type { TcpInternals } from '../net/tcp-info.js';

export interface SocketQuery {
  families: Family[];
  /** Listening and non-listening sockets (netstat -a). */
  all: boolean;
  listening: boolean;
  port?: number;
  tcpState?: string;
  retransOnly: boolean;
  netns?: number;
  /** ss's filter words (`state established '( dport = :80 )'`): its states replace -a/-l. */
  filter?: SocketFilter;
}

/** A socket row with its owners (the net layer's rows stay as the walker made them). */
export interface SocketView {
  row: SocketRow;
  readonly owners: Owner[];
  /** The TCP timer pending at the crash (-o); null when it could not be read. */
  timer?: TcpTimer | null;
  /** --info: the TCP internals (undefined: not asked; null: could not be read or none). */
  info?: TcpInternals | null;
}

/** netstat's notion of "listening": LISTEN for streams, unconnected for datagrams. */
export function isListening(r: SocketRow): boolean {
  if (r.proto === 'unix') return r.state === 'LISTEN' || (r.type === 'DGRAM' && r.state === 'UNCONNECTED' && !!r.path);
  if (r.proto.startsWith('tcp')) return r.state === 'LISTEN';
  return r.stateNum === TCP_CLOSE; // an unconnected UDP/RAW socket
}

export function selectSockets(s: Session, q: SocketQuery, f: Family): SocketRow[] {
  const k = s.kernel;
  const t = s.tables;
  let rows = t.sockets(f).rows;
  if (q.netns !== undefined) rows = rows.filter((r) => r.netns === q.netns);
  if (socketFamily(f).hasListenState && !q.filter?.states) {
    if (q.listening) rows = rows.filter(isListening);
    else if (!q.all) rows = rows.filter((r) => !isListening(r));
  }
  if (q.port !== undefined) rows = rows.filter((r) => (f === 'tcp' || f === 'udp') && (r.localPort === q.port || r.remotePort === q.port));
  if (q.tcpState) rows = rows.filter((r) => f === 'tcp' && (r.state === q.tcpState || (q.tcpState === 'NEW_SYN_RECV' && r.kind === 'request')));
  if (q.retransOnly) {
    const rf = k.tryField('struct inet_connection_sock', 'icsk_retransmits');
    // Read in address order (after -at the pages are mostly cached and each page is decoded
    // once), then decide in table order so the first unreadable socket in table order still
    // fails the view, as a table-order filter would.
    const full = rf ? rows.filter((r) => f === 'tcp' && r.kind === 'sock') : [];
    const n = rf ? readInAddressOrder(k.mem, full.map((r) => r.sock), (sk): number | { error: unknown } => {
      try { return k.num(sk, rf); } catch (error) { return { error }; }
    }, rf.offset + rf.size) : [];
    const hot = new Set(full.filter((_r, i) => { const x = n[i]!; if (typeof x !== 'number') throw x.error; return x > 0; }));
    rows = rows.filter((r) => hot.has(r));
  }
  const filter = q.filter;
  if (filter) rows = rows.filter((r) => filterRow(filter, r));
  return rows;
}

/** The TCP timer of each TCP row (-o); other protocols have none (netstat prints them off). */
export function withTimers(s: Session, views: SocketView[]): SocketView[] {
  const c = s.tables.clock();
  // a timer reads a few fields spread over the tcp_sock
  eachInSockOrder(s, views.filter((v) => v.row.proto.startsWith('tcp')), (v) => {
    try {
      v.timer = tcpTimer(s.kernel, v.row, c.jiffies, c.hz);
    } catch {
      v.timer = null;
    }
  });
  return views;
}

/** fn for each view, in the address order of their socks: table order jumps between pages and,
 *  once the table outgrew the page cache, decodes each socket's pages again (100,000 sockets:
 *  `--info` 142,860 page decodes after the walk, `-ato` 116,664); address order, each once. */
export function eachInSockOrder(s: Session, views: SocketView[], fn: (v: SocketView) => void): void {
  readInAddressOrder(s.kernel.mem, views.map((v) => v.row.sock), (_sk, i) => fn(views[i]!), s.kernel.sizeof('struct tcp_sock'));
}

/** The owners of none (shared: nothing changes an owner list). Made as a list of objects
 *  emptied, not as `[]` (a list of small integers to V8): the same kind of array as the owner
 *  lists, so the optimized code that reads a row's owners (socketJson, ownerText) is not thrown
 *  away at the first socket without one (10,041 sockets: one deoptimization at row 1,211). */
const NO_OWNERS: Owner[] = noOwners();

function noOwners(): Owner[] {
  const a = [{} as Owner];
  a.pop();
  return a;
}

/** A row whose owners are made when a column asks for them: a view a session keeps (its
 *  cached output) holds the row and where its owners are in the index (looked up once, here:
 *  a Map keyed by bigint is slow to ask 100,000 times at every rendering), not an owner list
 *  per row. */
class OwnedRow implements SocketView {
  declare timer?: TcpTimer | null;
  declare info?: TcpInternals | null;
  private readonly ref: OwnerRef;
  constructor(
    readonly row: SocketRow,
    private readonly idx: OwnerLookup<bigint>,
  ) {
    this.ref = idx.ref(row.sock);
  }

  get owners(): Owner[] {
    return this.ref === undefined ? NO_OWNERS : this.idx.at(this.ref)!;
  }
}

export function withOwners(t: Tables, rows: SocketRow[]): SocketView[] {
  const idx = t.owners().bySock;
  return rows.map((row) => new OwnedRow(row, idx));
}

export { TCP_STATE_NAMES } from '../net/constants.js';

/** Local ports of TCP and UDP sockets, for completion. */
export function socketPorts(t: Tables): number[] {
  const ports = new Set<number>();
  for (const f of ['tcp', 'udp'] as Family[]) for (const r of t.sockets(f).rows) ports.add(r.localPort);
  return [...ports].sort((a, b) => a - b);
}
