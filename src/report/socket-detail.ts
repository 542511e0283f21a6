// One socket's details as the seed's -v/-vv block and as the shell's drill-down view
// (details, then selectable owners, sk_user_data, queue entries, accept/SYN queues, peer).

import { localText, remoteText, type SocketRow } from '../net/socket-row.js';
import type { SocketDetail } from '../views/socket-detail.js';
import { socketJson, ownerText } from '../views/socket-columns.js';
import { socketHeader, socketLine, verboseLines } from './sockets.js';
import { conntrackLine } from './netfilter-text.js';
import { CONNTRACK_SPEC } from '../views/conntrack.js';
import { rowJson } from '../views/table.js';
import { hex, problemLine, type Output, type Row, type TableOutput } from './model.js';
import { GAP } from '../views/table.js';

/** The -v block of one socket (and -vv: its queues' contents). */
export function verboseBlock(d: SocketDetail, level: number): { lines: string[]; data: unknown } {
  const r = d.row;
  const lines = [socketHeader(r, d.proto), socketLine(r)];
  const data: Record<string, unknown> = socketJson(r, d.owners);
  if (d.proto) Object.assign(data, { protoName: d.proto.name, struct: d.proto.struct ?? null });
  if (d.fields) {
    for (const l of verboseLines(r, d.fields)) lines.push(...wrapFields(l));
    data.details = d.fields;
    const ud = d.userData;
    if (ud) {
      const via = ud.encapRcv ? `encap_rcv=${ud.encapRcv}` : `sk_data_ready=${ud.dataReady}`;
      lines.push(`user_data ${hex(ud.address)} -> ${ud.type ? `'${ud.type}'` : GAP} (${via})`);
      data.userData = { address: hex(ud.address), type: ud.type ?? null, dataReady: ud.dataReady, encapRcv: ud.encapRcv ?? null };
    }
    if (d.owners.length) lines.push(`owners: ${d.owners.map((o) => `pid ${o.pid} (${o.comm}) fd ${o.fd}`).join(', ')}`);
    if (level >= 2) {
      for (const q of d.queues) {
        lines.push(`--- ${q.name} (${q.entries.length}${q.qlen !== undefined ? ` of qlen ${q.qlen}` : ''})`);
        for (const e of q.entries) lines.push(`  skb ${hex(e.skb)} len=${e.len}${e.seq !== undefined ? ` seq=${e.seq}-${e.endSeq}` : ''}`);
        for (const p of q.problems) lines.push(`  ${problemLine(p)}`);
      }
      if (d.accept) {
        lines.push(`--- Accept Queue (${d.accept.entries.length})`);
        for (const e of d.accept.entries) lines.push(`  ${e.row ? `laddr=${localText(e.row)} raddr=${remoteText(e.row)}` : ''} sock=${hex(e.child)}`);
      }
      if (d.syn) {
        lines.push(`--- SYN-Queue (${d.syn.length})`);
        for (const e of d.syn) lines.push(`  laddr=${localText(e)} raddr=${remoteText(e)} req=${hex(e.sock)}`);
      }
      if (d.peer) lines.push(`peer ${hex(d.peer)}`);
      if (d.conntrack) {
        lines.push(`conntrack ${conntrackLine(d.conntrack)}`);
        data.conntrack = rowJson(CONNTRACK_SPEC, d.conntrack);
      }
    }
  }
  if (d.error) lines.push(`!! could not read all of this socket: ${d.error}`);
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

/** The drill-down view of a socket: its -v block, then selectable owners, queue entries, connections.
 *  `ownersOf` gives the owners of the sockets listed in its connection tables. */
export function socketDetailOutput(d: SocketDetail, ownersOf: (r: SocketRow) => SocketDetail['owners']): { title: string; output: Output } {
  const r = d.row;
  const block = verboseBlock(d, 1);
  const parts: Output[] = [{ kind: 'text', lines: block.lines, data: block.data }];
  if (d.owners.length) {
    parts.push({
      kind: 'table',
      title: 'Owners',
      columns: [{ key: 'pid', title: 'PID', align: 'right' }, { key: 'comm', title: 'Command' }, { key: 'fd', title: 'FD', align: 'right' }, { key: 'file', title: 'File' }],
      rows: d.owners.map((o) => ({ cells: { pid: String(o.pid), comm: o.comm, fd: String(o.fd), file: hex(o.file) }, data: { pid: o.pid, comm: o.comm, fd: o.fd }, ref: { kind: 'task', pid: o.pid } })),
    });
  }
  const ud = d.userData;
  if (ud?.type && d.userDataOpenable) {
    parts.push({
      kind: 'table',
      title: 'sk_user_data',
      columns: [{ key: 'type', title: 'Type' }, { key: 'addr', title: 'Address' }],
      rows: [{ cells: { type: ud.type, addr: hex(ud.address) }, data: { type: ud.type, address: hex(ud.address) }, ref: { kind: 'struct', type: ud.type, address: ud.address } }],
    });
  }
  for (const q of d.queues) {
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
  if (d.accept) parts.push(connTable(`Accept queue: ${d.accept.entries.length}`, d.accept.rows, ownersOf));
  if (d.syn) parts.push(connTable('SYN queue', d.syn, ownersOf));
  if (d.peerRow) parts.push(connTable('Peer', [d.peerRow], ownersOf));
  const ct = d.conntrack;
  if (ct) {
    parts.push({
      kind: 'table',
      title: 'Conntrack entry',
      columns: [{ key: 'line', title: 'Entry' }],
      rows: [{ cells: { line: conntrackLine(ct) }, data: rowJson(CONNTRACK_SPEC, ct), ref: { kind: 'struct', type: 'struct nf_conn', address: ct.address } }],
    });
  }
  const title = r.proto === 'unix' ? `unix ${r.path || r.inode}` : r.proto === 'packet' ? `packet ${r.inode}` : `${localText(r)} → ${remoteText(r)}`;
  return { title, output: { kind: 'group', parts } };
}

function connTable(title: string, rows: SocketRow[], ownersOf: (r: SocketRow) => SocketDetail['owners']): TableOutput {
  return {
    kind: 'table',
    title: `${title}${rows.length ? '' : ' (empty)'}`,
    columns: [{ key: 'line', title: 'Socket' }, { key: 'owner', title: 'PID/Program' }],
    rows: rows.map((r): Row => {
      const os = ownersOf(r);
      return { cells: { line: socketLine(r), owner: ownerText(os) }, data: socketJson(r, os), ref: { kind: 'sock', address: r.sock } };
    }),
  };
}
