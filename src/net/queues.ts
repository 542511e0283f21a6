// What `-vv` and the drill-down show inside a socket: its receive and write queues
// (struct sk_buff_head lists; TCP's retransmit queue is an rb-tree, tcp_rtx_queue), a
// listener's accept queue (request_sock list, icsk_accept_queue.rskq_accept_head) and
// SYN queue (NEW_SYN_RECV request socks in the ehash whose rsk_listener is this socket).
// Mirrors include/linux/skbuff.h (skb_queue_walk), net/core/request_sock.c, tcp_ipv4.c.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, listEntries, rbtreeNodes, isKernelPointer, type WalkProblem } from '../kernel/walk.js';
import type { SocketRow } from './socket-row.js';
import { tcpRow } from './tcp.js';

export interface SkbEntry {
  skb: bigint;
  len: number;
  dataLen: number;
  truesize: number;
  /** TCP sequence range from the control block (struct tcp_skb_cb: seq, end_seq). */
  seq?: number;
  endSeq?: number;
}

export interface QueueView {
  name: string;
  entries: SkbEntry[];
  /** The kernel's own count (sk_buff_head.qlen), to compare with what the walk found. */
  qlen?: number;
  problems: WalkProblem[];
}

const B = 'struct sk_buff';

function skbEntry(k: Kernel, skb: bigint, tcp: boolean): SkbEntry {
  const e: SkbEntry = {
    skb,
    len: k.num(skb, k.field(B, 'len')),
    dataLen: k.num(skb, k.field(B, 'data_len')),
    truesize: k.num(skb, k.field(B, 'truesize')),
  };
  if (tcp) {
    const cb = k.off(B, 'cb');
    e.seq = k.mem.u32(skb + cb);
    e.endSeq = k.mem.u32(skb + cb + 4n);
  }
  return e;
}

/** An sk_buff_head list (circular through next; the head is a fake skb). */
export function skbQueue(k: Kernel, head: bigint, name: string, tcp: boolean, limit = 10_000): QueueView {
  const problems: WalkProblem[] = [];
  const entries: SkbEntry[] = [];
  const qlen = k.num(head, k.field('struct sk_buff_head', 'qlen'));
  for (const skb of listEntries(k.mem, head, { where: name, limit, onProblem: (p) => problems.push(p) })) {
    try {
      entries.push(skbEntry(k, skb, tcp));
    } catch (e) {
      problems.push(unreadable(name, skb, e));
      break;
    }
  }
  return { name, entries, qlen, problems };
}

/** The queues of a full socket: receive, write, and for TCP the retransmit tree. */
export function socketQueues(k: Kernel, sk: bigint, tcp: boolean): QueueView[] {
  const S = 'struct sock';
  const out = [
    skbQueue(k, sk + k.off(S, 'sk_receive_queue'), 'receive queue', tcp),
    skbQueue(k, sk + k.off(S, 'sk_write_queue'), 'write queue', tcp),
  ];
  const rtx = k.tryField(S, 'tcp_rtx_queue');
  if (tcp && rtx) {
    const problems: WalkProblem[] = [];
    const entries: SkbEntry[] = [];
    const root = k.ptr(sk, rtx); // struct rb_root { struct rb_node *rb_node; }
    // skb->rbnode shares its place with next/prev at the start of struct sk_buff.
    const rbOff = k.off(B, 'rbnode');
    for (const node of rbtreeNodes(k.mem, root, { where: 'retransmit queue', limit: 100_000, onProblem: (p) => problems.push(p) })) {
      entries.push(skbEntry(k, node - rbOff, true));
    }
    out.push({ name: 'retransmit queue', entries, problems });
  }
  return out;
}

export interface AcceptEntry {
  req: bigint;
  /** The child socket waiting for accept(). */
  child: bigint;
  row?: SocketRow;
}

/** Connections completed but not yet accept()ed (request_sock_queue.rskq_accept_head). */
export function acceptQueue(k: Kernel, listener: bigint, limit = 100_000): { entries: AcceptEntry[]; problems: WalkProblem[] } {
  const problems: WalkProblem[] = [];
  const entries: AcceptEntry[] = [];
  const headF = k.field('struct inet_connection_sock', 'icsk_accept_queue.rskq_accept_head');
  const next = k.field('struct request_sock', 'dl_next');
  const skF = k.field('struct request_sock', 'sk');
  let req = k.ptr(listener, headF);
  const seen = new Set<bigint>();
  while (req !== 0n) {
    if (!isKernelPointer(req) || seen.has(req) || seen.size >= limit) {
      problems.push({ where: 'accept queue', address: req, kind: seen.has(req) ? 'cycle' : 'bad-pointer', detail: '' });
      break;
    }
    seen.add(req);
    try {
      const child = k.ptr(req, skF);
      entries.push({ req, child, row: child ? tcpRow(k, child) : undefined });
      req = k.ptr(req, next);
    } catch (e) {
      problems.push(unreadable('accept queue', req, e));
      break;
    }
  }
  return { entries, problems };
}

/** Half-open connections of a listener: request socks in the ehash pointing back to it. */
export function synQueue(k: Kernel, listener: bigint, tcpRows: SocketRow[]): SocketRow[] {
  const lf = k.field('struct request_sock', '__req_common.skc_listener');
  return tcpRows.filter((r) => r.kind === 'request' && k.ptr(r.sock, lf) === listener);
}

/** The other end of a UNIX socket (unix_sock.peer). */
export function unixPeer(k: Kernel, sk: bigint): bigint {
  return k.ptr(sk, k.field('struct unix_sock', 'peer'));
}

