// The TCP timer pending on a socket at the crash: what /proc/net/tcp's `tr`, `tm->when` and
// `retrnsmt` columns print and ss -o shows as timer:(NAME,EXPIRES,RETRANS).
// Mirrors net/ipv4/tcp_ipv4.c get_tcp4_sock (full sockets: icsk_pending, icsk_timeout or the
// retransmit timer's expiry, the keepalive timer), get_timewait4_sock (tw_timer) and
// get_openreq4 (request socks: rsk_timer, num_timeout); net/ipv4/inet_diag.c for ss's names.

import type { Kernel, Field } from '../kernel/kernel.js';
import type { SocketRow } from './socket-row.js';

/** /proc/net/tcp's `tr` codes and ss's names for them (misc/ss.c tmr_name). */
export const TIMER_NAMES = ['off', 'on', 'keepalive', 'timewait', 'persist'] as const;
export type TimerName = (typeof TIMER_NAMES)[number];

export interface TcpTimer {
  /** The `tr` column: 0 none, 1 retransmit (also RACK reorder and loss probe), 2 keepalive
   *  (or FIN_WAIT2/SYN-ACK housekeeping on sk_timer), 3 TIME_WAIT, 4 zero-window probe. */
  code: number;
  name: TimerName;
  /** Jiffies until it fires, from the crash (0 when overdue, as jiffies_delta_to_clock_t clamps). */
  jiffies: number;
  /** Milliseconds until it fires. */
  expiresMs: number;
  /** icsk_retransmits (request socks: num_timeout, the SYN-ACKs resent). */
  retrans: number;
  /** icsk_probes_out: the column /proc calls `timeout` (netstat's third number). */
  probes: number;
}

// include/net/inet_connection_sock.h
const ICSK_TIME_RETRANS = 1;
const ICSK_TIME_PROBE0 = 3;
const ICSK_TIME_LOSS_PROBE = 5;
const ICSK_TIME_REO_TIMEOUT = 6;

interface TimerFields {
  pending: Field;
  /** The retransmit/probe0 expiry: icsk_timeout (≤ 6.x), else the retransmit timer's own
   *  expiry (7.x: sk->tcp_retransmit_timer, sharing sk_timer's place). */
  retransExpires: Field;
  /** The keepalive timer: sk->sk_timer until the retransmit timer took its place, then
   *  icsk_keepalive_timer (commit "tcp: move icsk_keepalive_timer…", 6.16+). */
  keepalive: Field;
  retransmits: Field;
  probesOut: Field;
  twExpires: Field;
  rskExpires: Field;
  numTimeout: Field;
  entryPprev: number;
}

const cache = new WeakMap<Kernel, TimerFields | string>();

function fields(k: Kernel): TimerFields {
  let f = cache.get(k);
  if (f === undefined) {
    try {
      const I = 'struct inet_connection_sock';
      const newLayout = k.tryField('struct sock', 'tcp_retransmit_timer');
      f = {
        pending: k.field(I, 'icsk_pending'),
        retransExpires: newLayout ? k.field('struct sock', 'tcp_retransmit_timer.expires') : (k.tryField(I, 'icsk_timeout') ?? k.field(I, 'icsk_retransmit_timer.expires')),
        keepalive: newLayout ? k.field(I, 'icsk_keepalive_timer') : k.field('struct sock', 'sk_timer'),
        retransmits: k.field(I, 'icsk_retransmits'),
        probesOut: k.field(I, 'icsk_probes_out'),
        twExpires: k.field('struct inet_timewait_sock', 'tw_timer.expires'),
        rskExpires: k.field('struct request_sock', 'rsk_timer.expires'),
        numTimeout: k.field('struct request_sock', 'num_timeout'),
        entryPprev: k.field('struct timer_list', 'entry.pprev').offset,
      };
    } catch (e) {
      f = (e as Error).message;
    }
    cache.set(k, f);
  }
  if (typeof f === 'string') throw new Error(`TCP timers: ${f}`);
  return f;
}

/** The timer /proc/net/tcp would print for a TCP row, at the crash's `jiffies`. */
export function tcpTimer(k: Kernel, r: SocketRow, now: bigint, hz: number): TcpTimer {
  const f = fields(k);
  const make = (code: number, expires: bigint | undefined, retrans: number, probes: number): TcpTimer => {
    const left = expires === undefined ? 0 : Math.max(0, Number(BigInt.asIntN(64, expires - now)));
    return { code, name: TIMER_NAMES[code], jiffies: left, expiresMs: Math.round((left * 1000) / hz), retrans, probes };
  };
  // get_timewait4_sock: always 3, tw_timer.expires
  if (r.kind === 'timewait') return make(3, k.big(r.sock, f.twExpires), 0, 0);
  // get_openreq4: always 1, rsk_timer.expires, req->num_timeout
  if (r.kind === 'request') return make(1, k.big(r.sock, f.rskExpires), k.num(r.sock, f.numTimeout), 0);
  const pending = k.num(r.sock, f.pending);
  const retrans = k.num(r.sock, f.retransmits);
  const probes = k.num(r.sock, f.probesOut);
  if (pending === ICSK_TIME_RETRANS || pending === ICSK_TIME_REO_TIMEOUT || pending === ICSK_TIME_LOSS_PROBE) {
    return make(1, k.big(r.sock, f.retransExpires), retrans, probes);
  }
  if (pending === ICSK_TIME_PROBE0) return make(4, k.big(r.sock, f.retransExpires), retrans, probes);
  // timer_pending(): the timer is on a wheel list (entry.pprev set)
  const ka = r.sock + f.keepalive.offsetN;
  if (k.mem.u64(ka + BigInt(f.entryPprev)) !== 0n) {
    return make(2, k.mem.u64(ka + k.off('struct timer_list', 'expires')), retrans, probes);
  }
  return make(0, undefined, retrans, probes);
}

/** netstat -o's column: `keepalive (7179.81/0/0)` (seconds, retransmits, probes). */
export function netstatTimerText(t: TcpTimer): string {
  const name = t.code === 4 ? 'probe' : t.name;
  return `${name} (${(t.expiresMs / 1000).toFixed(2)}/${t.retrans}/${t.probes})`;
}

/** misc/ss.c print_ms_timer: 1min20sec, 9.876sec, 200ms. */
export function ssTimerText(ms: number): string {
  let secs = Math.floor(ms / 1000);
  const minutes = Math.floor(secs / 60);
  secs %= 60;
  let msecs = ms % 1000;
  let out = '';
  if (minutes) {
    msecs = 0;
    out += `${minutes}min`;
    if (minutes > 9) secs = 0;
  }
  if (secs) {
    if (secs > 9) msecs = 0;
    out += `${secs}${msecs ? '.' : 'sec'}`;
  }
  if (msecs) out += `${String(msecs).padStart(3, '0')}ms`;
  return out;
}

/** ss -o: ` timer:(keepalive,9min59sec,0)`; nothing for `off`. */
export function ssTimer(t: TcpTimer): string {
  return t.code === 0 ? '' : `timer:(${t.name},${ssTimerText(t.expiresMs)},${t.retrans})`;
}
