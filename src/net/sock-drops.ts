// Per-socket signs of dropped packets, for --summary: a listener's SYN queue at its limit
// (include/net/request_sock.h reqsk_queue_len / inet_csk_reqsk_queue_is_full: qlen >=
// sk_max_ack_backlog — new SYNs then get a cookie or are dropped) and a socket's own drop
// counter (include/net/sock.h sk_drops: receive-buffer and backlog drops, as `ss -e`/`netstat`'s
// /proc/net/udp "drops" column print it).

import type { Kernel } from '../kernel/kernel.js';
import type { SocketRow } from './socket-row.js';

export interface SynQueue {
  row: SocketRow;
  qlen: number;
  max: number;
}

/** Listeners whose SYN (request) queue is full. */
export function fullSynQueues(k: Kernel, listeners: SocketRow[]): SynQueue[] {
  const qlenF = k.tryField('struct inet_connection_sock', 'icsk_accept_queue.qlen.counter') ?? k.tryField('struct inet_connection_sock', 'icsk_accept_queue.qlen');
  const maxF = k.tryField('struct sock', 'sk_max_ack_backlog');
  if (!qlenF || !maxF) return [];
  const out: SynQueue[] = [];
  for (const r of listeners) {
    try {
      const qlen = k.num(r.sock, qlenF);
      const max = k.num(r.sock, maxF);
      if (qlen > 0 && qlen >= max) out.push({ row: r, qlen, max });
    } catch {
      // an unreadable socket is already a problem of its table
    }
  }
  return out;
}

/** sk_drops of each socket that has dropped something (atomic_t; 7.x adds per-NUMA counters
 *  behind sk_drop_counters, summed as sk_drops_read does). */
export function socketDrops(k: Kernel, rows: SocketRow[]): { row: SocketRow; drops: number }[] {
  const S = 'struct sock';
  const dropsF = k.tryField(S, 'sk_drops.counter') ?? k.tryField(S, 'sk_drops');
  const numaF = k.tryField(S, 'sk_drop_counters');
  const d0 = numaF ? k.tryField('struct numa_drop_counters', 'drops0.counter') : undefined;
  const d1 = numaF ? k.tryField('struct numa_drop_counters', 'drops1.counter') : undefined;
  const out: { row: SocketRow; drops: number }[] = [];
  for (const r of rows) {
    if (r.kind !== 'sock') continue;
    try {
      let n = dropsF ? k.num(r.sock, dropsF) : 0;
      if (numaF && d0 && d1) {
        const c = k.ptr(r.sock, numaF);
        if (c !== 0n) n += k.num(c, d0) + k.num(c, d1);
      }
      if (n > 0) out.push({ row: r, drops: n });
    } catch {
      // as above
    }
  }
  return out;
}
