// What `-v` shows about one socket: windows, buffers, timers, retransmits (TCP), listen-queue
// counters, TIME_WAIT timer, UDP cork state, sk_user_data. Mirrors what ss -i and
// pykdump's xportshow print, read from include/net/sock.h, include/linux/tcp.h,
// include/net/inet_connection_sock.h, include/net/inet_timewait_sock.h, include/linux/udp.h.

import type { Kernel } from '../kernel/kernel.js';
import { secondsAgo, type KernelClock } from '../kernel/time.js';
import type { SocketRow } from './socket-row.js';
import { tcpTimer, ssTimerText } from './tcp-timer.js';
import { GAP } from '../kernel/walk.js';

/** An ordered set of name → value pairs, printed "name=value" and returned as JSON. */
export type Fields = Record<string, string | number | boolean>;

function opt(k: Kernel, addr: bigint, type: string, path: string): number | undefined {
  const f = k.tryField(type, path);
  return f ? k.num(addr, f) : undefined;
}

function put(out: Fields, name: string, v: string | number | boolean | undefined): void {
  if (v !== undefined) out[name] = v;
}

/** Buffer accounting every full socket has (struct sock). */
export function sockBuffers(k: Kernel, sk: bigint): Fields {
  const S = 'struct sock';
  const out: Fields = {};
  put(out, 'rmem_alloc', opt(k, sk, S, 'sk_backlog.rmem_alloc.counter'));
  put(out, 'wmem_alloc', opt(k, sk, S, 'sk_wmem_alloc.refs.counter'));
  put(out, 'wmem_queued', opt(k, sk, S, 'sk_wmem_queued'));
  put(out, 'rcvbuf', opt(k, sk, S, 'sk_rcvbuf'));
  put(out, 'sndbuf', opt(k, sk, S, 'sk_sndbuf'));
  put(out, 'rcvq_len', opt(k, sk, S, 'sk_receive_queue.qlen'));
  put(out, 'writeq_len', opt(k, sk, S, 'sk_write_queue.qlen'));
  put(out, 'drops', opt(k, sk, S, 'sk_drops.counter'));
  put(out, 'err', opt(k, sk, S, 'sk_err'));
  put(out, 'shutdown', opt(k, sk, S, 'sk_shutdown'));
  return out;
}

// include/net/tcp.h: enum tcp_ca_state
const CA_STATES = ['Open', 'Disorder', 'CWR', 'Recovery', 'Loss'];

/** TCP connection details (full sockets other than LISTEN). */
export function tcpInfo(k: Kernel, sk: bigint, clock: KernelClock): Fields {
  const T = 'struct tcp_sock';
  const I = 'struct inet_connection_sock';
  const n = (p: string) => opt(k, sk, T, p);
  const out: Fields = {};
  put(out, 'rcv_wnd', n('rcv_wnd'));
  put(out, 'snd_wnd', n('snd_wnd'));
  put(out, 'advmss', n('advmss'));
  put(out, 'mss_cache', n('mss_cache'));
  put(out, 'rcv_ws', n('rx_opt.rcv_wscale'));
  put(out, 'snd_ws', n('rx_opt.snd_wscale'));
  put(out, 'nonagle', n('nonagle'));
  put(out, 'sack_ok', n('rx_opt.sack_ok'));
  put(out, 'tstamp_ok', n('rx_opt.tstamp_ok'));
  put(out, 'snd_cwnd', n('snd_cwnd'));
  put(out, 'snd_ssthresh', n('snd_ssthresh'));
  const srtt = n('srtt_us');
  if (srtt !== undefined) out.srtt_ms = Math.round(srtt / 8) / 1000; // srtt_us is <<3
  const rto = opt(k, sk, I, 'icsk_rto');
  if (rto !== undefined) out.rto_ms = Math.round((rto * 1000) / clock.hz);
  put(out, 'retransmits', opt(k, sk, I, 'icsk_retransmits'));
  put(out, 'total_retrans', n('total_retrans'));
  put(out, 'packets_out', n('packets_out'));
  put(out, 'retrans_out', n('retrans_out'));
  put(out, 'lost_out', n('lost_out'));
  const ca = opt(k, sk, I, 'icsk_ca_state');
  if (ca !== undefined) out.ca_state = CA_STATES[ca] ?? String(ca);
  put(out, 'probes_out', opt(k, sk, I, 'icsk_probes_out'));
  // u32 tcp_jiffies32 stamps (include/linux/tcp.h); 0 = never: 'never' rather than a negative age.
  const ago = (stamp: number) => {
    const s = secondsAgo(clock, stamp);
    return s === undefined ? 'never' : round1(s);
  };
  const rcvTs = n('rcv_tstamp');
  if (rcvTs !== undefined) out.rcv_tstamp_ago_s = ago(rcvTs);
  const lsnd = n('lsndtime');
  if (lsnd !== undefined) out.lsndtime_ago_s = ago(lsnd);
  return out;
}

/** Listener details: backlog N(M) and the accept queue counters (request_sock_queue). */
export function listenInfo(k: Kernel, sk: bigint): Fields {
  const S = 'struct sock';
  const I = 'struct inet_connection_sock';
  const out: Fields = {};
  put(out, 'ack_backlog', opt(k, sk, S, 'sk_ack_backlog'));
  put(out, 'max_ack_backlog', opt(k, sk, S, 'sk_max_ack_backlog'));
  put(out, 'qlen', opt(k, sk, I, 'icsk_accept_queue.qlen.counter'));
  put(out, 'qlen_young', opt(k, sk, I, 'icsk_accept_queue.young.counter'));
  return out;
}

/** TIME_WAIT: the timer that will free it (inet_timewait_sock.tw_timer). */
export function timewaitInfo(k: Kernel, tw: bigint, clock: KernelClock): Fields {
  const W = 'struct inet_timewait_sock';
  const out: Fields = {};
  const expires = k.tryField(W, 'tw_timer.expires');
  if (expires) {
    const left = Number(BigInt.asIntN(64, k.big(tw, expires) - clock.jiffies));
    out.ttd_s = round1(left / clock.hz);
  }
  put(out, 'substate', opt(k, tw, W, 'tw_substate'));
  put(out, 'tw_rcv_wscale', opt(k, tw, 'struct tcp_timewait_sock', 'tw_rcv_wscale'));
  return out;
}

/** UDP: pending frames and corking (struct udp_sock). */
export function udpInfo(k: Kernel, sk: bigint): Fields {
  const U = 'struct udp_sock';
  const out: Fields = {};
  put(out, 'pending', opt(k, sk, U, 'pending'));
  const flags = k.tryField(U, 'udp_flags');
  const corkBit = k.btf.findEnumerator('UDP_FLAGS_CORK')?.value;
  // corkflag became bit UDP_FLAGS_CORK of udp_flags (commit "udp: add UDP_FLAGS_CORK", 6.7; in Debian's 6.1 too)
  if (flags && corkBit !== undefined) out.corkflag = Number((k.big(sk, flags) >> corkBit) & 1n);
  else put(out, 'corkflag', opt(k, sk, U, 'corkflag'));
  put(out, 'len', opt(k, sk, U, 'len'));
  return out;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

// sk_user_data: who set it, told by the callback they installed (net/sunrpc/svcsock.c sets
// svc_*_data_ready with a struct svc_sock; xprtsock.c sets xs_*data_ready with a sock_xprt;
// kTLS, RDS, l2tp, iscsi and others likewise). The low bits are flags (SK_USER_DATA_NOCOPY …).
const USER_DATA_OWNERS: [RegExp, string][] = [
  [/^svc_(tcp|udp)_data_ready|^svc_tcp_listen_data_ready/, 'struct svc_sock'],
  [/^xs_(tcp_|udp_)?data_ready|^xs_data_ready/, 'struct sock_xprt'],
  [/^tls_data_ready|^tls_/, 'struct tls_context'],
  [/^sk_psock_|^sk_msg_/, 'struct sk_psock'],
  [/^iscsi_/, 'iSCSI connection'],
  [/^o2net_/, 'struct o2net_sock_container'],
  [/^rds_tcp_/, 'struct rds_tcp_connection'],
  [/^l2tp_/, 'struct l2tp_tunnel'],
  [/^nvmet?_tcp_/, 'NVMe/TCP queue'],
  [/^ceph_|^con_sock_/, 'struct ceph_connection'],
  [/^dlm_|^lowcomms_/, 'DLM connection'],
];

// UDP tunnels set sk_user_data and receive through udp_sk(sk)->encap_rcv instead
// (drivers/net/vxlan, geneve.c, net/l2tp/l2tp_core.c, wireguard/socket.c, net/ipv4/fou.c, gtp.c).
const ENCAP_OWNERS: [RegExp, string][] = [
  [/^vxlan_rcv/, 'struct vxlan_sock'],
  [/^geneve_udp_encap_recv/, 'struct geneve_sock'],
  [/^l2tp_udp_encap_recv/, 'struct l2tp_tunnel'],
  [/^wg_receive/, 'struct wg_device'],
  [/^fou_udp_recv|^gue_udp_recv/, 'struct fou'],
  [/^gtp_encap_recv/, 'struct gtp_dev'],
  [/^bareudp_udp_encap_recv/, 'struct bareudp_dev'],
  [/^tipc_udp_recv/, 'struct udp_bearer'],
];

export interface UserData {
  address: bigint;
  /** What it points to, where the callbacks tell us; undefined otherwise. */
  type?: string;
  dataReady: string;
  /** UDP tunnels: the encap_rcv callback that told us. */
  encapRcv?: string;
}

export function userData(k: Kernel, sk: bigint): UserData | undefined {
  const f = k.tryField('struct sock', 'sk_user_data');
  if (!f) return undefined;
  const raw = k.ptr(sk, f);
  if (raw === 0n) return undefined;
  const address = raw & ~7n;
  const cb = k.tryField('struct sock', 'sk_data_ready');
  const dataReady = cb ? k.symbolize(k.ptr(sk, cb)) : GAP;
  let type = USER_DATA_OWNERS.find(([re]) => re.test(dataReady))?.[1];
  let encapRcv: string | undefined;
  const encap = k.num(sk, k.field('struct sock', 'sk_protocol')) === 17 ? k.tryField('struct udp_sock', 'encap_rcv') : undefined;
  if (encap) {
    const fn = k.ptr(sk, encap);
    if (fn) {
      encapRcv = k.symbolize(fn);
      type ??= ENCAP_OWNERS.find(([re]) => re.test(encapRcv!))?.[1];
    }
  }
  return { address, type, dataReady, encapRcv };
}

/** A SYN_RECV request sock (struct request_sock): the SYN-ACKs sent again and when the
 *  next one goes (net/ipv4/inet_connection_sock.c reqsk_timer_handler). */
export function requestInfo(k: Kernel, req: bigint, clock: KernelClock): Fields {
  const R = 'struct request_sock';
  const out: Fields = {};
  put(out, 'synack_retrans', opt(k, req, R, 'num_retrans'));
  put(out, 'num_timeout', opt(k, req, R, 'num_timeout'));
  const exp = k.tryField(R, 'rsk_timer.expires');
  if (exp) out.expires_s = round1(Number(BigInt.asIntN(64, k.big(req, exp) - clock.jiffies)) / clock.hz);
  return out;
}

/** ss -o's timer:(NAME,EXPIRES,RETRANS) without the wrapper, for the -v block. */
function timerField(k: Kernel, r: SocketRow, clock: KernelClock): Fields {
  try {
    const t = tcpTimer(k, r, clock.jiffies, clock.hz);
    return { timer: `${t.name},${ssTimerText(t.expiresMs)},${t.retrans}` };
  } catch {
    return {};
  }
}

/** The row's kind says which details apply. */
export function socketDetails(k: Kernel, r: SocketRow, clock: KernelClock): Fields {
  if (r.kind === 'timewait') return { ...timerField(k, r, clock), ...timewaitInfo(k, r.sock, clock) };
  if (r.kind === 'request') return { ...timerField(k, r, clock), ...requestInfo(k, r.sock, clock) };
  const out: Fields = r.proto.startsWith('tcp') ? timerField(k, r, clock) : {};
  if (r.proto.startsWith('tcp')) Object.assign(out, r.state === 'LISTEN' ? listenInfo(k, r.sock) : tcpInfo(k, r.sock, clock));
  if (r.proto.startsWith('udp')) Object.assign(out, udpInfo(k, r.sock));
  Object.assign(out, sockBuffers(k, r.sock));
  return out;
}
