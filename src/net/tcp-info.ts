// What `ss -tinm` prints about one TCP socket, read from the socket itself: congestion window,
// RTT, RTO, MSS, retransmits, bytes acked/received, unacked and lost segments, delivery rate
// and the skmem counters. Mirrors net/ipv4/tcp.c tcp_get_info() and net/core/sock.c
// sk_get_meminfo() (the SK_MEMINFO_* order ss prints as skmem:(r,rb,t,tb,f,w,o,bl,d)).

import type { Kernel, Field } from '../kernel/kernel.js';
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

/** The members read, resolved once per kernel (by name for each socket, they were 27 lookups
 *  a socket: 0.7 s of `--info` at 100,000 sockets). */
const S = 'struct sock';
const T = 'struct tcp_sock';
const I = 'struct inet_connection_sock';
const MEMBERS = {
  wmem: [S, 'sk_wmem_alloc.refs.counter'],
  r: [S, 'sk_backlog.rmem_alloc.counter'],
  rb: [S, 'sk_rcvbuf'],
  tb: [S, 'sk_sndbuf'],
  f: [S, 'sk_forward_alloc'],
  w: [S, 'sk_wmem_queued'],
  o: [S, 'sk_omem_alloc.counter'],
  bl: [S, 'sk_backlog.len'],
  d: [S, 'sk_drops.counter'],
  cwnd: [T, 'snd_cwnd'],
  ssthresh: [T, 'snd_ssthresh'],
  srtt: [T, 'srtt_us'],
  mdev: [T, 'mdev_us'],
  rto: [I, 'icsk_rto'],
  ato: [I, 'icsk_ack.ato'],
  mss: [T, 'mss_cache'],
  advmss: [T, 'advmss'],
  rcvmss: [I, 'icsk_ack.rcv_mss'],
  retrans: [T, 'retrans_out'],
  totalRetrans: [T, 'total_retrans'],
  bytesAcked: [T, 'bytes_acked'],
  bytesReceived: [T, 'bytes_received'],
  unacked: [T, 'packets_out'],
  sacked: [T, 'sacked_out'],
  lost: [T, 'lost_out'],
  delivered: [T, 'rate_delivered'],
  interval: [T, 'rate_interval_us'],
} as const;
type Members = { [K in keyof typeof MEMBERS]: Field | undefined };
const resolved = new WeakMap<Kernel, Members>();

function members(k: Kernel): Members {
  let m = resolved.get(k);
  if (!m) {
    m = Object.fromEntries(Object.entries(MEMBERS).map(([name, [type, path]]) => [name, k.tryField(type, path)])) as Members;
    resolved.set(k, m);
  }
  return m;
}

/** A member of the socket at `addr`: undefined when this kernel lacks it or it cannot be read. */
function reader(k: Kernel, addr: bigint) {
  return (f: Field | undefined): number | undefined => {
    if (!f) return undefined;
    try {
      return k.num(addr, f);
    } catch {
      return undefined;
    }
  };
}

/** net/core/sock.c sk_get_meminfo(): what ss -m prints. */
export function skmem(k: Kernel, sk: bigint): Skmem {
  const n = reader(k, sk);
  const m = members(k);
  const wmem = n(m.wmem);
  return {
    r: n(m.r),
    rb: n(m.rb),
    // sk_wmem_alloc_get(): the refcount starts at 1
    t: wmem === undefined ? undefined : wmem - 1,
    tb: n(m.tb),
    f: n(m.f),
    w: n(m.w),
    o: n(m.o),
    bl: n(m.bl),
    d: n(m.d),
  };
}

/** net/ipv4/tcp.c tcp_get_info() for a full TCP socket (struct tcp_sock). */
export function tcpInternals(k: Kernel, sk: bigint, clock: KernelClock): TcpInternals {
  const n = reader(k, sk);
  const m = members(k);
  const out: TcpInternals = { skmem: skmem(k, sk) };
  const ms = (us: number | undefined, shift: number) => (us === undefined ? undefined : (us >>> shift) / 1000);
  const jms = (j: number | undefined) => (j === undefined ? undefined : Math.round((j * 1000) / clock.hz));
  out.cwnd = n(m.cwnd);
  const ss = n(m.ssthresh);
  if (ss !== undefined) {
    out.initialSlowStart = ss >>> 0 >= TCP_INFINITE_SSTHRESH;
    if (!out.initialSlowStart) out.ssthresh = ss >>> 0;
  }
  out.rttMs = ms(n(m.srtt), 3); // tcpi_rtt = srtt_us >> 3
  out.rttvarMs = ms(n(m.mdev), 2); // tcpi_rttvar = mdev_us >> 2
  out.rtoMs = jms(n(m.rto));
  out.atoMs = jms(n(m.ato));
  out.mss = n(m.mss);
  out.advmss = n(m.advmss);
  out.rcvmss = n(m.rcvmss);
  out.retrans = n(m.retrans);
  out.totalRetrans = n(m.totalRetrans);
  out.bytesAcked = n(m.bytesAcked);
  out.bytesReceived = n(m.bytesReceived);
  out.unacked = n(m.unacked);
  out.sacked = n(m.sacked);
  out.lost = n(m.lost);
  // net/ipv4/tcp.c tcp_compute_delivery_rate()
  const delivered = n(m.delivered);
  const interval = n(m.interval);
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
