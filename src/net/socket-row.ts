// One socket as the tables list it: what /proc/net/{tcp,udp,raw,unix,packet} print, plus the
// kernel address to drill into. Every protocol walker returns these.

import type { WalkProblem } from '../kernel/walk.js';
import type { Owner } from './owners.js';

export type Proto =
  | 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'udplite' | 'udplite6' | 'raw' | 'raw6' | 'icmp' | 'icmp6' | 'unix' | 'packet' | 'netlink';

export interface SocketRow {
  proto: Proto;
  /** struct sock * (or inet_timewait_sock * / request_sock *, see `kind`). */
  sock: bigint;
  kind: 'sock' | 'timewait' | 'request';
  family: number;
  /** Kernel state name: ESTABLISHED, LISTEN, TIME_WAIT, NEW_SYN_RECV; for UNIX too (LISTEN, ESTABLISHED, CLOSE). */
  state: string;
  stateNum: number;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  /** sock_i_ino: 0 for sockets without a file (TIME_WAIT, request socks, kernel sockets). */
  inode: number;
  /** Inode number of the socket's network namespace. */
  netns: number;
  rxQueue: number;
  txQueue: number;
  uid: number;
  /** UNIX: bound path ('@name' for abstract), socket type. */
  path?: string;
  type?: string;
  /** Protocol-specific extras (packet: proto/ifindex; unix: peer). */
  extra?: Record<string, string | number>;
  /** The processes holding it, once the session has looked them up. */
  owners?: Owner[];
}

/** Rows of one table plus the problems met while walking it (shown as marked lines). */
export interface SocketTable {
  rows: SocketRow[];
  problems: WalkProblem[];
}

/** "addr:port" as the JSON and netstat columns show it; IPv6 in brackets; port 0 → "*". */
export function localText(r: SocketRow): string {
  return endpointText(r.localAddr, r.localPort, r.family === 10, false);
}

/** netstat's form: an unset remote port prints as "*" ("0.0.0.0:*"). */
export function remoteText(r: SocketRow): string {
  return endpointText(r.remoteAddr, r.remotePort, r.family === 10, true);
}

/** The data form for JSON: the port as a number even when 0 ("0.0.0.0:0"). */
export function remoteData(r: SocketRow): string {
  return endpointText(r.remoteAddr, r.remotePort, r.family === 10, false);
}

function endpointText(addr: string, port: number, v6: boolean, star: boolean): string {
  const p = port === 0 && star ? '*' : String(port);
  return v6 ? `[${addr}]:${p}` : `${addr}:${p}`;
}

export { SOCK_TYPES } from './constants.js';
