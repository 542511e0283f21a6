// Everything known about one socket, as -v/-vv blocks and as the drill-down detail view:
// details, owners (selectable → process), queues (selectable → skb), accept and SYN queues
// (selectable → socket), sk_user_data, the UNIX peer.

import type { Session } from './session.js';
import type { SocketRow } from '../net/socket-row.js';
import { localText, remoteText } from '../net/socket-row.js';
import { socketDetails, userData } from '../net/sock-info.js';
import { sockProto } from '../net/sock-proto.js';
import { socketQueues, acceptQueue, synQueue, unixPeer, type QueueView } from '../net/queues.js';
import { clock, owners, socketTable, findSocket } from './tables.js';
import { socketHeader, socketLine, socketJson, ownerText, verboseLines } from '../report/sockets.js';
import { hex, problemLine, type Output, type Row, type TableOutput } from '../report/model.js';

/** The -v block of one socket (and -vv: its queues' contents). */
export function verboseBlock(s: Session, r: SocketRow, level: number): { lines: string[]; data: unknown } {
  const k = s.kernel;
  const proto = r.kind === 'sock' ? sockProto(k, r.sock) : undefined;
  const lines = [socketHeader(r, proto), socketLine(r)];
  const os = owners(s).bySock.get(r.sock) ?? [];
  const data: Record<string, unknown> = socketJson(r, os);
  if (proto) Object.assign(data, { protoName: proto.name, struct: proto.struct ?? null });
  try {
    const d = socketDetails(k, r, clock(s));
    for (const l of verboseLines(r, d)) lines.push(...wrapFields(l));
    data.details = d;
    if (r.kind === 'sock') {
      const ud = userData(k, r.sock);
      if (ud) {
        const via = ud.encapRcv ? `encap_rcv=${ud.encapRcv}` : `sk_data_ready=${ud.dataReady}`;
        lines.push(`user_data ${hex(ud.address)} -> ${ud.type ? `'${ud.type}'` : '?'} (${via})`);
        data.userData = { address: hex(ud.address), type: ud.type ?? null, dataReady: ud.dataReady, encapRcv: ud.encapRcv ?? null };
      }
    }
    if (os.length) lines.push(`owners: ${os.map((o) => `pid ${o.pid} (${o.comm}) fd ${o.fd}`).join(', ')}`);
    if (level >= 2 && r.kind === 'sock') {
      for (const q of queuesOf(s, r)) {
        lines.push(`--- ${q.name} (${q.entries.length}${q.qlen !== undefined ? ` of qlen ${q.qlen}` : ''})`);
        for (const e of q.entries) lines.push(`  skb ${hex(e.skb)} len=${e.len}${e.seq !== undefined ? ` seq=${e.seq}-${e.endSeq}` : ''}`);
        for (const p of q.problems) lines.push(`  ${problemLine(p)}`);
      }
      if (r.state === 'LISTEN' && r.proto.startsWith('tcp')) {
        const aq = acceptQueue(k, r.sock);
        lines.push(`--- Accept Queue (${aq.entries.length})`);
        for (const e of aq.entries) lines.push(`  ${e.row ? `laddr=${localText(e.row)} raddr=${remoteText(e.row)}` : ''} sock=${hex(e.child)}`);
        const sq = synQueue(k, r.sock, socketTable(s, 'tcp').rows);
        lines.push(`--- SYN-Queue (${sq.length})`);
        for (const e of sq) lines.push(`  laddr=${localText(e)} raddr=${remoteText(e)} req=${hex(e.sock)}`);
      }
      if (r.proto === 'unix') {
        const peer = unixPeer(k, r.sock);
        if (peer) lines.push(`peer ${hex(peer)}`);
      }
    }
  } catch (e) {
    lines.push(`!! could not read all of this socket: ${(e as Error).message}`);
  }
  return { lines, data };
}

function wrapFields(text: string, width = 78): string[] {
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  return out;
}

function queuesOf(s: Session, r: SocketRow): QueueView[] {
  return socketQueues(s.kernel, r.sock, r.proto.startsWith('tcp'));
}

/** The drill-down view of a socket: its -vv block, then selectable owners, queue entries, and connections. */
export function socketDetailView(s: Session, sock: bigint): { title: string; output: Output } {
  const r = findSocket(s, sock);
  if (!r) throw new Error(`${hex(sock)} is not a socket in any table of this dump`);
  const k = s.kernel;
  const block = verboseBlock(s, r, 1);
  const parts: Output[] = [{ kind: 'text', lines: block.lines, data: block.data }];
  const os = owners(s).bySock.get(r.sock) ?? [];
  if (os.length) {
    parts.push({
      kind: 'table',
      title: 'Owners',
      columns: [{ key: 'pid', title: 'PID', align: 'right' }, { key: 'comm', title: 'Command' }, { key: 'fd', title: 'FD', align: 'right' }, { key: 'file', title: 'File' }],
      rows: os.map((o) => ({ cells: { pid: String(o.pid), comm: o.comm, fd: String(o.fd), file: hex(o.file) }, data: { pid: o.pid, comm: o.comm, fd: o.fd }, ref: { kind: 'task', pid: o.pid } })),
    });
  }
  if (r.kind === 'sock') {
    const ud = userData(k, r.sock);
    if (ud?.type && k.typeRef(ud.type)) {
      parts.push({
        kind: 'table',
        title: 'sk_user_data',
        columns: [{ key: 'type', title: 'Type' }, { key: 'addr', title: 'Address' }],
        rows: [{ cells: { type: ud.type, addr: hex(ud.address) }, data: { type: ud.type, address: hex(ud.address) },
          ref: { kind: 'struct', type: ud.type, address: ud.address } }],
      });
    }
    for (const q of queuesOf(s, r)) {
      const t: TableOutput = {
        kind: 'table',
        title: `${q.name}: ${q.entries.length} skb${q.qlen !== undefined ? ` (qlen ${q.qlen})` : ''}`,
        columns: [{ key: 'skb', title: 'sk_buff' }, { key: 'len', title: 'len', align: 'right' }, { key: 'seq', title: 'seq' }],
        rows: q.entries.map((e) => ({
          cells: { skb: hex(e.skb), len: String(e.len), seq: e.seq !== undefined ? `${e.seq}-${e.endSeq}` : '' },
          data: { skb: hex(e.skb), len: e.len, seq: e.seq, endSeq: e.endSeq },
          ref: { kind: 'skb', address: e.skb },
        })),
        notes: q.problems.map(problemLine),
      };
      if (t.rows.length || t.notes?.length) parts.push(t);
    }
    if (r.state === 'LISTEN' && r.proto.startsWith('tcp')) {
      const aq = acceptQueue(k, r.sock);
      parts.push(connTable(s, `Accept queue: ${aq.entries.length}`, aq.entries.flatMap((e) => (e.row ? [e.row] : []))));
      parts.push(connTable(s, 'SYN queue', synQueue(k, r.sock, socketTable(s, 'tcp').rows)));
    }
    if (r.proto === 'unix') {
      const peer = unixPeer(k, r.sock);
      const pr = peer ? findSocket(s, peer) : undefined;
      if (pr) parts.push(connTable(s, 'Peer', [pr]));
    }
  }
  const title = r.proto === 'unix' ? `unix ${r.path || r.inode}` : r.proto === 'packet' ? `packet ${r.inode}` : `${localText(r)} → ${remoteText(r)}`;
  return { title, output: { kind: 'group', parts } };
}

function connTable(s: Session, title: string, rows: SocketRow[]): TableOutput {
  return {
    kind: 'table',
    title: `${title}${rows.length ? '' : ' (empty)'}`,
    columns: [{ key: 'line', title: 'Socket' }, { key: 'owner', title: 'PID/Program' }],
    rows: rows.map((r): Row => {
      const os = owners(s).bySock.get(r.sock) ?? [];
      return { cells: { line: socketLine(r), owner: ownerText(os) }, data: socketJson(r, os), ref: { kind: 'sock', address: r.sock } };
    }),
  };
}
