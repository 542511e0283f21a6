// What `ss -tinm` prints about one TCP socket, read from the socket itself: congestion window,
// RTT, RTO, MSS, retransmits, bytes acked/received, unacked and lost segments, delivery rate
// and the skmem counters. Mirrors net/ipv4/tcp.c tcp_get_info() and net/core/sock.c
// sk_get_meminfo() (the SK_MEMINFO_* order ss prints as skmem:(r,rb,t,tb,f,w,o,bl,d)).

import type { Kernel } from '../kernel/kernel.js';
import type { KernelClock } from '../kernel/time.js';
import type { SocketRow } from './socket-row.js';

/** One socket's internals; a member this kernel lacks or memory that could not be read is
 *  undefined (a gap), never 0. Times in ms, rates in bytes per second. */
export interface TcpInternals {
  cwnd?: number;
  /** undefined also while in initial slow start (ss leaves it out then: TCP_INFINITE_SSTHRESH). */
  ssthresh?: number;
  initialSlowStart?: boolean;
  rttMs?: number;
  rttvarMs?: number;
  rtoMs?: number;
  atoMs?: number;
  mss?: number;
  advmss?: number;
  rcvmss?: number;
  retrans?: number;
  totalRetrans?: number;
  bytesAcked?: number;
  bytesReceived?: number;
  unacked?: number;
  sacked?: number;
  lost?: number;
  /** tcp_compute_delivery_rate: rate_delivered * mss / rate_interval_us, bytes/s. */
  deliveryRate?: number;
  skmem: Skmem;
}

/** sk_get_meminfo's nine counters, in ss's order and with ss's names. */
export interface Skmem {
  r?: number;
  rb?: number;
  t?: number;
  tb?: number;
  f?: number;
  w?: number;
  o?: number;
  bl?: number;
  d?: number;
}

export const SKMEM_KEYS = ['r', 'rb', 't', 'tb', 'f', 'w', 'o', 'bl', 'd'] as const;

// include/net/tcp.h
const TCP_INFINITE_SSTHRESH = 0x7fffffff;

function reader(k: Kernel, addr: bigint) {
  return (type: string, ...paths: string[]): number | undefined => {
    for (const p of paths) {
      const f = k.tryField(type, p);
      if (!f) continue;
      try {
        return k.num(addr, f);
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
}

/** net/core/sock.c sk_get_meminfo(): what ss -m prints. */
export function skmem(k: Kernel, sk: bigint): Skmem {
  const n = reader(k, sk);
  const S = 'struct sock';
  const wmem = n(S, 'sk_wmem_alloc.refs.counter');
  return {
    r: n(S, 'sk_backlog.rmem_alloc.counter'),
    rb: n(S, 'sk_rcvbuf'),
    // sk_wmem_alloc_get(): the refcount starts at 1
    t: wmem === undefined ? undefined : wmem - 1,
    tb: n(S, 'sk_sndbuf'),
    f: n(S, 'sk_forward_alloc'),
    w: n(S, 'sk_wmem_queued'),
    o: n(S, 'sk_omem_alloc.counter'),
    bl: n(S, 'sk_backlog.len'),
    d: n(S, 'sk_drops.counter'),
  };
}

/** net/ipv4/tcp.c tcp_get_info() for a full TCP socket (struct tcp_sock). */
export function tcpInternals(k: Kernel, sk: bigint, clock: KernelClock): TcpInternals {
  const n = reader(k, sk);
  const T = 'struct tcp_sock';
  const I = 'struct inet_connection_sock';
  const out: TcpInternals = { skmem: skmem(k, sk) };
  const ms = (us: number | undefined, shift: number) => (us === undefined ? undefined : (us >>> shift) / 1000);
  const jms = (j: number | undefined) => (j === undefined ? undefined : Math.round((j * 1000) / clock.hz));
  out.cwnd = n(T, 'snd_cwnd');
  const ss = n(T, 'snd_ssthresh');
  if (ss !== undefined) {
    out.initialSlowStart = ss >>> 0 >= TCP_INFINITE_SSTHRESH;
    if (!out.initialSlowStart) out.ssthresh = ss >>> 0;
  }
  out.rttMs = ms(n(T, 'srtt_us'), 3); // tcpi_rtt = srtt_us >> 3
  out.rttvarMs = ms(n(T, 'mdev_us'), 2); // tcpi_rttvar = mdev_us >> 2
  out.rtoMs = jms(n(I, 'icsk_rto'));
  out.atoMs = jms(n(I, 'icsk_ack.ato'));
  out.mss = n(T, 'mss_cache');
  out.advmss = n(T, 'advmss');
  out.rcvmss = n(I, 'icsk_ack.rcv_mss');
  out.retrans = n(T, 'retrans_out');
  out.totalRetrans = n(T, 'total_retrans');
  out.bytesAcked = n(T, 'bytes_acked');
  out.bytesReceived = n(T, 'bytes_received');
  out.unacked = n(T, 'packets_out');
  out.sacked = n(T, 'sacked_out');
  out.lost = n(T, 'lost_out');
  // net/ipv4/tcp.c tcp_compute_delivery_rate()
  const delivered = n(T, 'rate_delivered');
  const interval = n(T, 'rate_interval_us');
  if (delivered !== undefined && interval !== undefined && out.mss !== undefined) {
    out.deliveryRate = interval > 0 ? Math.floor((delivered * out.mss * 1e6) / interval) : 0;
  }
  return out;
}

/** The internals of a row, where it has them: full TCP sockets (not TIME_WAIT or request socks). */
export function rowInternals(k: Kernel, r: SocketRow, clock: KernelClock): TcpInternals | undefined {
  if (!r.proto.startsWith('tcp') || r.kind !== 'sock') return undefined;
  return tcpInternals(k, r.sock, clock);
}
