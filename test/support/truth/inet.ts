// /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6,icmp,icmp6}
// (net/ipv4/tcp_ipv4.c get_tcp4_sock, net/ipv4/udp.c udp4_format_sock, ... and their v6 twins).

import { decodeHexEndpoint } from './addr.js';
import { dataLines } from './lines.js';

/** One row of /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6,icmp,icmp6}. */
export interface ProcNetInetRow {
  /** hash-slot number ("sl") */
  sl: number;
  family: 'inet' | 'inet6';
  /** "127.0.0.1:8080" or "[::1]:8443" */
  local: string;
  remote: string;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  /** kernel state number (the "st" column) */
  stateCode: number;
  /** kernel name: ESTABLISHED, LISTEN, TIME_WAIT, SYN_RECV, CLOSE, ... */
  state: string;
  txQueue: number;
  rxQueue: number;
  /** timer kind (the "tr" column): 0 none, 1 retransmit/probe, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe */
  timerActive: number;
  /** jiffies until the timer fires (tm->when, hex in the file) */
  timerJiffies: number;
  retransmits: number;
  uid: number;
  timeout: number;
  /** socket inode, 0 for TIME_WAIT / SYN_RECV mini-sockets and not yet accepted ones */
  inode: number;
  /** columns after the inode (refcount, hashed pointer, rto/ato/... for TCP, drops for UDP/RAW) */
  extra: string[];
  /** drops column (UDP, RAW, ICMP) when present */
  drops?: number;
  /** raw hex of the address columns, e.g. "0100007F:1F90" */
  rawLocal: string;
  rawRemote: string;
  /** the whole line */
  raw: string;
}

export const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2',
  6: 'TIME_WAIT', 7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN',
  11: 'CLOSING', 12: 'NEW_SYN_RECV', 13: 'BOUND_INACTIVE',
};

/** /proc/net/{tcp,udp,raw,...}[6]; every protocol prints the TCP state numbers. */
export function parseProcNetInet(text: string | undefined): ProcNetInetRow[] {
  const rows: ProcNetInetRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 10 || !/^\d+:$/.test(t[0]!)) continue;
    const local = decodeHexEndpoint(t[1]!);
    const remote = decodeHexEndpoint(t[2]!);
    const stateCode = Number.parseInt(t[3]!, 16);
    const [tx, rx] = t[4]!.split(':');
    const [tr, when] = t[5]!.split(':');
    const extra = t.slice(10);
    rows.push({
      sl: Number.parseInt(t[0]!, 10),
      family: local.family,
      local: local.text,
      remote: remote.text,
      localAddr: local.addr,
      localPort: local.port,
      remoteAddr: remote.addr,
      remotePort: remote.port,
      stateCode,
      state: TCP_STATES[stateCode] ?? `STATE_${stateCode}`,
      txQueue: Number.parseInt(tx ?? '0', 16),
      rxQueue: Number.parseInt(rx ?? '0', 16),
      timerActive: Number.parseInt(tr ?? '0', 16),
      timerJiffies: Number.parseInt(when ?? '0', 16),
      retransmits: Number.parseInt(t[6]!, 16),
      uid: Number.parseInt(t[7]!, 10),
      timeout: Number.parseInt(t[8]!, 10),
      inode: Number.parseInt(t[9]!, 10),
      extra,
      rawLocal: t[1]!,
      rawRemote: t[2]!,
      raw: line,
    });
  }
  return rows;
}

/** UDP, RAW and ICMP rows: fill `drops` from the column after refcount and pointer. */
export function withDrops(rows: ProcNetInetRow[]): ProcNetInetRow[] {
  for (const r of rows) {
    if (r.extra.length >= 3) {
      const d = Number.parseInt(r.extra[2]!, 10);
      if (Number.isFinite(d)) r.drops = d;
    }
  }
  return rows;
}
