// A socket's one-line summary, its -v block header and the seed's -v lines (the tables'
// columns are declared in src/views/socket-columns.ts).

import { localText, remoteText, type SocketRow } from '../net/socket-row.js';
import { hex } from './model.js';
import { GAP } from '../views/table.js';

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
  if (proto && r.kind === 'sock' && proto.name !== GAP) {
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
    return d[k] === undefined ? GAP : `${d[k]}${unit}`;
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
