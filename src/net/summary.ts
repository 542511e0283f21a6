// The seed's --summary: counts per state and the unusual situations worth a WARNING
// (pykdump xportshow's summary checks, with its double receive-window test fixed: the send
// window is tested too). Reads include/linux/tcp.h (nonagle: TCP_NAGLE_OFF = 1,
// rcv_wnd, snd_wnd), include/net/inet_connection_sock.h (icsk_retransmits),
// include/net/sock.h (sk_ack_backlog, sk_max_ack_backlog, sk_user_data, sk_protocol).

import type { Kernel, Field } from '../kernel/kernel.js';
import { readInAddressOrder } from '../kernel/walk.js';
import type { SocketRow } from './socket-row.js';

/** What the checks read of one TCP socket (each false/0 where its check does not apply or the
 *  read failed, as the checks count it). */
interface TcpSeen {
  nagleOff: boolean;
  userData: boolean;
  ackQueued: boolean;
  ackFull: boolean;
  rcvClosed: boolean;
  sndClosed: boolean;
  retrans: number;
  notTcp: boolean;
}

interface UdpSeen {
  userData: boolean;
  bufFull: boolean;
}

export interface SummaryCheck {
  name: string;
  count: number;
  warning: boolean;
  detail?: string;
  socks: bigint[];
}

export interface Summary {
  tcpStates: Record<string, number>;
  udp: { total: number; established: number };
  unixStates: Record<string, number>;
  rawStates: Record<string, number>;
  packet: number;
  checks: SummaryCheck[];
}

const IPPROTO_TCP = 6;
const TCP_NAGLE_OFF = 1;

function countBy(rows: SocketRow[], key: (r: SocketRow) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
}

export function summarize(k: Kernel, t: { tcp: SocketRow[]; udp: SocketRow[]; raw: SocketRow[]; unix: SocketRow[]; packet: SocketRow[] }): Summary {
  const T = 'struct tcp_sock';
  const S = 'struct sock';
  const f = (type: string, path: string) => k.tryField(type, path);
  const nonagle = f(T, 'nonagle');
  const rcvWnd = f(T, 'rcv_wnd');
  const sndWnd = f(T, 'snd_wnd');
  const retrans = f('struct inet_connection_sock', 'icsk_retransmits');
  const ack = f(S, 'sk_ack_backlog');
  const maxAck = f(S, 'sk_max_ack_backlog');
  const userData = f(S, 'sk_user_data');
  const protocol = f(S, 'sk_protocol');
  const rmem = f(S, 'sk_backlog.rmem_alloc.counter');
  const rcvbuf = f(S, 'sk_rcvbuf');

  const check = (name: string, warning: boolean, socks: bigint[], detail?: string): SummaryCheck => ({ name, count: socks.length, warning: warning && socks.length > 0, socks, detail });
  const full = t.tcp.filter((r) => r.kind === 'sock');
  const safe = <T>(fn: () => T, dflt: T): T => {
    try {
      return fn();
    } catch {
      return dflt;
    }
  };
  // Every field a check reads of one socket, read together and in address order: one check
  // after another, each over all the sockets in table order, decoded each socket's pages once
  // per check once the table outgrew the page cache (20,000 sockets: 98,842 page decodes).
  const span = (fs: (Field | undefined)[]) => fs.reduce((m, x) => (x ? Math.max(m, x.offset + x.size) : m), 1);
  const tcpSeen = readInAddressOrder(k.mem, full.map((r) => r.sock), (sk, i): TcpSeen => {
    const r = full[i]!;
    const isConn = r.state !== 'LISTEN' && r.state !== 'CLOSE';
    const isListen = r.state === 'LISTEN';
    const isEst = isConn && r.state === 'ESTABLISHED';
    return {
      nagleOff: isConn && nonagle ? safe(() => (k.num(sk, nonagle) & TCP_NAGLE_OFF) !== 0, false) : false,
      userData: userData ? safe(() => k.ptr(sk, userData) !== 0n, false) : false,
      ackQueued: isListen && ack && maxAck ? safe(() => k.num(sk, ack) > 0, false) : false,
      ackFull: isListen && ack && maxAck ? safe(() => k.num(sk, ack) > k.num(sk, maxAck), false) : false,
      rcvClosed: isEst && rcvWnd ? safe(() => k.num(sk, rcvWnd) === 0, false) : false,
      sndClosed: isEst && sndWnd ? safe(() => k.num(sk, sndWnd) === 0, false) : false,
      retrans: isConn && retrans ? safe(() => k.num(sk, retrans), 0) : 0,
      notTcp: protocol ? safe(() => k.num(sk, protocol) !== IPPROTO_TCP, false) : false,
    };
  }, span([nonagle, userData, ack, maxAck, rcvWnd, sndWnd, retrans, protocol]));
  const udpSeen = readInAddressOrder(k.mem, t.udp.map((r) => r.sock), (sk): UdpSeen => ({
    userData: userData ? safe(() => k.ptr(sk, userData) !== 0n, false) : false,
    bufFull: rmem && rcvbuf ? safe(() => k.num(sk, rmem) >= 0.75 * k.num(sk, rcvbuf), false) : false,
  }), span([userData, rmem, rcvbuf]));
  const seen = new Map<SocketRow, TcpSeen>(full.map((r, i) => [r, tcpSeen[i]!]));
  const tcpOf = (r: SocketRow) => seen.get(r)!;
  const conn = full.filter((r) => r.state !== 'LISTEN' && r.state !== 'CLOSE');
  const listen = full.filter((r) => r.state === 'LISTEN');
  const checks: SummaryCheck[] = [];
  if (nonagle) checks.push(check('NAGLE disabled (TCP_NODELAY)', false, conn.filter((r) => tcpOf(r).nagleOff).map((r) => r.sock)));
  if (userData) {
    const socks = [...full.filter((r) => tcpOf(r).userData), ...t.udp.filter((_r, i) => udpSeen[i]!.userData)].map((r) => r.sock);
    checks.push(check('sockets with sk_user_data', false, socks));
  }
  if (ack && maxAck) {
    checks.push(check('listen queue not empty', false, listen.filter((r) => tcpOf(r).ackQueued).map((r) => r.sock)));
    checks.push(check('listen queue full', true, listen.filter((r) => tcpOf(r).ackFull).map((r) => r.sock),
      'sk_ack_backlog > sk_max_ack_backlog: new connections are being dropped'));
  }
  const established = conn.filter((r) => r.state === 'ESTABLISHED');
  if (rcvWnd) checks.push(check('receive window closed', true, established.filter((r) => tcpOf(r).rcvClosed).map((r) => r.sock)));
  if (sndWnd) checks.push(check('send window closed', true, established.filter((r) => tcpOf(r).sndClosed).map((r) => r.sock)));
  if (retrans) {
    const rs = conn.map((r) => ({ r, n: tcpOf(r).retrans })).filter((x) => x.n > 0);
    const max = rs.reduce((m, x) => Math.max(m, x.n), 0);
    checks.push(check('retransmitting', true, rs.map((x) => x.r.sock), rs.length ? `largest icsk_retransmits=${max}` : undefined));
  }
  if (protocol) {
    checks.push(check('non-TCP socket in the TCP hash', true, full.filter((r) => tcpOf(r).notTcp).map((r) => r.sock)));
  }
  if (rmem && rcvbuf) {
    checks.push(check('UDP receive buffer >= 75% full', true, t.udp.filter((_r, i) => udpSeen[i]!.bufFull).map((r) => r.sock)));
  }
  const unixKnown = new Set(['LISTEN', 'CONNECTED', 'UNCONNECTED', 'CONNECTING', 'DISCONNECTING']);
  checks.push(check('bogus UNIX state', true, t.unix.filter((r) => !unixKnown.has(r.state)).map((r) => r.sock)));
  // The seed warned here; a minimal system may really have none, so it is a note, not a warning.
  if (t.udp.length === 0) checks.push({ name: 'UDP hash empty: an idle system, or an incomplete dump', count: 0, warning: false, socks: [] });
  return {
    tcpStates: countBy(t.tcp, (r) => r.state),
    udp: { total: t.udp.length, established: t.udp.filter((r) => r.state === 'ESTABLISHED').length },
    unixStates: countBy(t.unix, (r) => r.state),
    rawStates: countBy(t.raw, (r) => r.state),
    packet: t.packet.length,
    checks,
  };
}
