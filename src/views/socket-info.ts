// `--info`: one line per TCP socket with what `ss -tinm` prints (cwnd, ssthresh, rtt/rttvar,
// rto, mss, retrans, bytes acked/received, unacked, lost, delivery rate, skmem), greppable as
// text and as named fields in JSON.

import type { Session } from './session.js';
import { eachInSockOrder, type SocketView } from './sockets.js';
import { rowInternals, SKMEM_KEYS, type TcpInternals } from '../net/tcp-info.js';
import { localText, remoteText } from '../net/socket-row.js';
import { socketJson, ownerText, SHRINK_ADDRESS, SHRINK_NETNS } from './socket-columns.js';
import { GAP, numText, type ColumnSpec, type RowSpec } from './table.js';

/** The internals of each full TCP row (TIME_WAIT and request socks have none, as in ss:
 *  undefined); null where they could not be read. */
export function withInternals(s: Session, views: SocketView[]): SocketView[] {
  const c = s.tables.clock();
  const one = (v: SocketView) => {
    try {
      v.info = rowInternals(s.kernel, v.row, c);
    } catch {
      v.info = null;
    }
  };
  const isFull = (v: SocketView) => v.row.proto.startsWith('tcp') && v.row.kind === 'sock';
  for (const v of views) if (!isFull(v)) one(v);
  eachInSockOrder(s, views.filter(isFull), one);
  return views;
}

const g = (n: number | undefined) => (n === undefined ? GAP : String(n));

/** ss's sprint_bw(): bits per second, scaled. */
export function bwText(bytesPerSec: number | undefined): string {
  if (bytesPerSec === undefined) return GAP;
  const bits = bytesPerSec * 8;
  if (bits > 1e9) return `${(bits / 1e9).toFixed(1)}Gbps`;
  if (bits > 1e6) return `${(bits / 1e6).toFixed(1)}Mbps`;
  if (bits > 1e3) return `${(bits / 1e3).toFixed(1)}Kbps`;
  return `${bits}bps`;
}

/** The info text of one socket, as ss -i -m prints its fields ("cwnd:10 rtt:0.05/0.025 …"),
 *  every field always present (a gap is '?') so that lines grep and line up alike. */
export function infoText(i: TcpInternals): string {
  const m = i.skmem;
  return [
    `cwnd:${g(i.cwnd)}`,
    `ssthresh:${i.initialSlowStart ? '-' : g(i.ssthresh)}`,
    `rtt:${g(i.rttMs)}/${g(i.rttvarMs)}`,
    `rto:${g(i.rtoMs)}`,
    `ato:${g(i.atoMs)}`,
    `mss:${g(i.mss)}`,
    `advmss:${g(i.advmss)}`,
    `rcvmss:${g(i.rcvmss)}`,
    `retrans:${g(i.retrans)}/${g(i.totalRetrans)}`,
    `bytes_acked:${g(i.bytesAcked)}`,
    `bytes_received:${g(i.bytesReceived)}`,
    `unacked:${g(i.unacked)}`,
    `sacked:${g(i.sacked)}`,
    `lost:${g(i.lost)}`,
    `delivery_rate:${bwText(i.deliveryRate)}`,
    `skmem:(${SKMEM_KEYS.map((k) => k + g(m[k])).join(',')})`,
  ].join(' ');
}

/** JSON of the internals: every field named, null where it could not be read. */
export function infoJson(i: TcpInternals): Record<string, unknown> {
  const nul = (n: number | undefined) => (n === undefined ? null : n);
  return {
    cwnd: nul(i.cwnd),
    ssthresh: i.initialSlowStart ? 'initial' : nul(i.ssthresh),
    rttMs: nul(i.rttMs),
    rttvarMs: nul(i.rttvarMs),
    rtoMs: nul(i.rtoMs),
    atoMs: nul(i.atoMs),
    mss: nul(i.mss),
    advmss: nul(i.advmss),
    rcvmss: nul(i.rcvmss),
    retrans: nul(i.retrans),
    totalRetrans: nul(i.totalRetrans),
    bytesAcked: nul(i.bytesAcked),
    bytesReceived: nul(i.bytesReceived),
    unacked: nul(i.unacked),
    sacked: nul(i.sacked),
    lost: nul(i.lost),
    deliveryRate: nul(i.deliveryRate),
    skmem: Object.fromEntries(SKMEM_KEYS.map((k) => [k, nul(i.skmem[k])])),
  };
}

type Col = ColumnSpec<SocketView>;
const col = (key: string, title: string, text: (v: SocketView) => string, align?: 'right'): Col => ({ key, title, align, text, json: false });

/** The --info table: ss -tinm's first line, then its info fields on the same line. */
export const INFO_SPEC: RowSpec<SocketView> = {
  columns: [
    col('state', 'State', (v) => v.row.state),
    col('recvq', 'Recv-Q', (v) => String(v.row.rxQueue), 'right'),
    col('sendq', 'Send-Q', (v) => String(v.row.txQueue), 'right'),
    { ...col('local', 'Local Address:Port', (v) => localText(v.row)), shrink: SHRINK_ADDRESS },
    { ...col('remote', 'Peer Address:Port', (v) => remoteText(v.row)), shrink: SHRINK_ADDRESS },
    col('inode', 'Inode', (v) => String(v.row.inode), 'right'),
    { ...col('netns', 'Netns', (v) => numText(v.row.netns), 'right'), shrink: SHRINK_NETNS },
    col('owner', 'PID/Program name', (v) => ownerText(v.owners)),
    col('info', 'Info', (v) => (v.info === null ? GAP : v.info ? infoText(v.info) : '')),
  ],
  extra: (v) => {
    const j = socketJson(v.row, v.owners);
    j.info = v.info ? infoJson(v.info) : null;
    return j;
  },
  ref: (v) => ({ kind: 'sock', address: v.row.sock }),
};

/** A field --sort orders --info rows by (numbers; a gap sorts last). */
export const INFO_SORT_KEYS: Record<string, (i: TcpInternals) => number | undefined> = {
  cwnd: (i) => i.cwnd,
  ssthresh: (i) => i.ssthresh,
  rtt: (i) => i.rttMs,
  rto: (i) => i.rtoMs,
  mss: (i) => i.mss,
  retrans: (i) => i.totalRetrans,
  bytes_acked: (i) => i.bytesAcked,
  bytes_received: (i) => i.bytesReceived,
  unacked: (i) => i.unacked,
  lost: (i) => i.lost,
  delivery_rate: (i) => i.deliveryRate,
  rmem: (i) => i.skmem.r,
  wmem: (i) => i.skmem.w,
  drops: (i) => i.skmem.d,
};
