// Socket rows → netstat-style tables (inet, UNIX, packet) and the seed's -v blocks.

import type { SocketRow } from '../net/socket-row.js';
import { localText, remoteText, remoteData } from '../net/socket-row.js';
import type { Owner } from '../net/owners.js';
import { hex, type Column, type Row, type TableOutput } from './model.js';

export interface RowContext {
  /** The processes holding a row's socket. */
  owners: (r: SocketRow) => Owner[];
  ifName: (netns: number, ifindex: number) => string;
  showNetns: boolean;
}

export function ownerText(os: Owner[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const o of os) {
    const t = `${o.pid}/${o.comm}`;
    if (!seen.has(t)) parts.push(t);
    seen.add(t);
  }
  return parts.join(',') || '-';
}

/** The JSON object of a socket row (issue: proto, local, remote, state, inode, netns, queues, sock, owners). */
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

/** A table row; its JSON object is built only if asked for (a 20,000-row table shown as
 *  text never needs them). */
function row(r: SocketRow, cells: Record<string, string>, ctx: RowContext): Row {
  return {
    cells,
    get data() {
      return socketJson(r, ctx.owners(r));
    },
    ref: { kind: 'sock', address: r.sock },
  };
}

const netnsCol: Column = { key: 'netns', title: 'Netns', align: 'right' };

/** netstat's leading queue columns and trailing inode/netns/owner columns, around `middle`. */
function socketColumns(ctx: RowContext, middle: Column[]): Column[] {
  return [
    { key: 'proto', title: 'Proto' },
    { key: 'recvq', title: 'Recv-Q', align: 'right' },
    { key: 'sendq', title: 'Send-Q', align: 'right' },
    ...middle,
    { key: 'inode', title: 'Inode', align: 'right' },
    ...(ctx.showNetns ? [netnsCol] : []),
    { key: 'owner', title: 'PID/Program name' },
  ];
}

export function inetTable(rows: SocketRow[], ctx: RowContext, title?: string): TableOutput {
  const columns = socketColumns(ctx, [
    { key: 'local', title: 'Local Address' },
    { key: 'remote', title: 'Foreign Address' },
    { key: 'state', title: 'State' },
  ]);
  return {
    kind: 'table',
    title,
    columns,
    rows: rows.map((r) =>
      row(r, {
        proto: r.proto,
        recvq: String(r.rxQueue),
        sendq: String(r.txQueue),
        local: localText(r),
        remote: remoteText(r),
        state: r.proto.startsWith('tcp') ? r.state : r.stateNum === 7 ? '' : r.state,
        inode: String(r.inode),
        netns: String(r.netns),
        owner: ownerText(ctx.owners(r)),
      }, ctx),
    ),
  };
}

export function unixTable(rows: SocketRow[], ctx: RowContext): TableOutput {
  const columns: Column[] = [
    { key: 'proto', title: 'Proto' },
    { key: 'recvq', title: 'Recv-Q', align: 'right' },
    { key: 'type', title: 'Type' },
    { key: 'state', title: 'State' },
    { key: 'inode', title: 'I-Node', align: 'right' },
    { key: 'peer', title: 'Peer', align: 'right' },
    ...(ctx.showNetns ? [netnsCol] : []),
    { key: 'owner', title: 'PID/Program name' },
    { key: 'path', title: 'Path' },
  ];
  return {
    kind: 'table',
    columns,
    rows: rows.map((r) =>
      row(r, {
        proto: 'unix',
        recvq: String(r.rxQueue),
        type: r.type ?? '',
        state: r.state === 'UNCONNECTED' ? '' : r.state,
        inode: String(r.inode),
        peer: r.extra?.peerInode ? String(r.extra.peerInode) : '-',
        netns: String(r.netns),
        owner: ownerText(ctx.owners(r)),
        path: r.path ?? '',
      }, ctx),
    ),
  };
}

export function packetTable(rows: SocketRow[], ctx: RowContext): TableOutput {
  const columns: Column[] = [
    { key: 'proto', title: 'Proto' },
    { key: 'type', title: 'Type' },
    { key: 'ethertype', title: 'Protocol' },
    { key: 'iface', title: 'Iface' },
    { key: 'state', title: 'State' },
    { key: 'rmem', title: 'Rmem', align: 'right' },
    { key: 'inode', title: 'Inode', align: 'right' },
    ...(ctx.showNetns ? [netnsCol] : []),
    { key: 'owner', title: 'PID/Program name' },
  ];
  return {
    kind: 'table',
    columns,
    rows: rows.map((r) =>
      row(r, {
        proto: 'packet',
        type: r.type ?? '',
        ethertype: r.localAddr,
        iface: ctx.ifName(r.netns, Number(r.extra?.ifindex ?? 0)),
        state: r.state,
        rmem: String(r.rxQueue),
        inode: String(r.inode),
        netns: String(r.netns),
        owner: ownerText(ctx.owners(r)),
      }, ctx),
    ),
  };
}

/** The seed's one-line socket summary ("tcp 127.0.0.1:9165 127.0.0.1:47939 ESTABLISHED"). */
export function socketLine(r: SocketRow): string {
  if (r.proto === 'unix') return `unix ${r.type ?? ''} ${r.state} ${r.inode} ${r.path ?? ''}`.trimEnd();
  if (r.proto === 'packet') return `packet ${r.type ?? ''} proto=${r.localAddr} ifindex=${r.extra?.ifindex ?? 0} ${r.state}`;
  if (r.proto === 'netlink') return `netlink ${r.localAddr}:${r.localPort}`;
  const st = r.proto.startsWith('tcp') ? r.state : `st=${r.stateNum}`;
  return `${r.proto.padEnd(5)} ${localText(r).padEnd(22)} ${remoteText(r).padEnd(22)} ${st}`;
}

/** "<struct tcp_sock 0x…> TCP" as the seed heads each verbose block. `proto`: the sock's own
 *  sk_prot name and struct (src/net/sock-proto.ts), which the guess from the table replaces. */
export function socketHeader(r: SocketRow, proto?: { name: string; struct?: string }): string {
  if (proto && r.kind === 'sock' && proto.name !== '?') {
    return `<${proto.struct ?? 'struct sock'} ${hex(r.sock)}> ${proto.name}${r.netns ? `  netns ${r.netns}` : ''}`;
  }
  const type =
    r.kind === 'timewait' ? 'inet_timewait_sock'
      : r.kind === 'request' ? 'request_sock'
        : r.proto.startsWith('tcp') ? 'tcp_sock'
          : r.proto.startsWith('udp') ? 'udp_sock'
            : r.proto.startsWith('raw') ? 'raw_sock'
              : r.proto === 'unix' ? 'unix_sock' : r.proto === 'netlink' ? 'netlink_sock' : 'packet_sock';
  return `<struct ${type} ${hex(r.sock)}> ${r.proto.replace(/6$/, '').toUpperCase()}${r.netns ? `  netns ${r.netns}` : ''}`;
}

type Details = Record<string, string | number | boolean>;

/** The seed's -v lines for one socket, grouped as pykdump prints them; unknown keys at the end. */
export function verboseLines(r: SocketRow, d: Details): string[] {
  const used = new Set<string>();
  const v = (k: string, unit = ''): string => {
    used.add(k);
    return d[k] === undefined ? '?' : `${d[k]}${unit}`;
  };
  const has = (...ks: string[]) => ks.some((k) => d[k] !== undefined);
  const lines: string[] = [];
  const family = r.family === 10 ? 'PF_INET6' : r.family === 2 ? 'PF_INET' : r.family === 1 ? 'PF_UNIX' : `PF_${r.family}`;
  if (r.kind === 'timewait') {
    lines.push(`substate=${v('substate')} ttd=${v('ttd_s', ' s')}`);
  } else if (r.proto.startsWith('tcp') && r.state === 'LISTEN') {
    lines.push(`family=${family} backlog=${v('ack_backlog')}(${v('max_ack_backlog')}) qlen=${v('qlen')} qlen_young=${v('qlen_young')}`);
  } else if (r.proto.startsWith('tcp') && r.kind === 'sock') {
    lines.push(`windows: rcv=${v('rcv_wnd')}, snd=${v('snd_wnd')} advmss=${v('advmss')} rcv_ws=${v('rcv_ws')} snd_ws=${v('snd_ws')}`);
    lines.push(`nonagle=${v('nonagle')} sack_ok=${v('sack_ok')} tstamp_ok=${v('tstamp_ok')}`);
  }
  if (r.kind === 'sock' && r.proto !== 'unix' && r.proto !== 'packet') {
    lines.push(`rmem_alloc=${v('rmem_alloc')}, wmem_alloc=${v('wmem_alloc')}`);
    lines.push(`rx_queue=${r.rxQueue}, tx_queue=${r.txQueue}`);
    lines.push(`rcvbuf=${v('rcvbuf')}, sndbuf=${v('sndbuf')}`);
  }
  const ago = (k: string) => (d[k] === 'never' ? (used.add(k), 'never') : `${v(k, ' s')} ago`);
  if (has('rcv_tstamp_ago_s')) lines.push(`rcv_tstamp=${ago('rcv_tstamp_ago_s')}, lsndtime=${ago('lsndtime_ago_s')}`);
  if (has('rto_ms')) {
    lines.push(`rto=${v('rto_ms', 'ms')} retransmits=${v('retransmits')} total_retrans=${v('total_retrans')} ca_state=${v('ca_state')}` +
      ` cwnd=${v('snd_cwnd')} ssthresh=${v('snd_ssthresh')} srtt=${v('srtt_ms', 'ms')}`);
  }
  if (has('pending', 'corkflag')) lines.push(`pending=${v('pending')}, corkflag=${v('corkflag')}, len=${v('len')}`);
  const rest = Object.entries(d).filter(([k]) => !used.has(k));
  if (rest.length) lines.push(rest.map(([k, x]) => `${k}=${x}`).join(' '));
  return lines;
}

/** Netlink sockets as ss -f netlink lists them: protocol:portid, the peer, the owner. */
export function netlinkTable(rows: SocketRow[], ctx: RowContext): TableOutput {
  const columns = socketColumns(ctx, [
    { key: 'local', title: 'Local Address:Port' },
    { key: 'peer', title: 'Peer' },
    { key: 'groups', title: 'Groups' },
  ]);
  return {
    kind: 'table',
    columns,
    rows: rows.map((r) =>
      row(r, {
        proto: 'nl',
        recvq: String(r.rxQueue),
        sendq: String(r.txQueue),
        local: `${r.localAddr}:${r.localPort}`,
        peer: r.remotePort ? String(r.remotePort) : '*',
        groups: (Number(r.extra?.groups ?? 0) >>> 0).toString(16).padStart(8, '0'),
        inode: String(r.inode),
        netns: String(r.netns),
        owner: ownerText(ctx.owners(r)),
      }, ctx),
    ),
  };
}
