// The data a socket had queued at the crash, skb by skb, with what is needed to write each as
// a packet: TCP's receive queue (trimmed at copied_seq: what the reader has not read), its
// out-of-order rb-tree, its write queue (not sent) and retransmit rb-tree (sent, not acked,
// trimmed at snd_una); UDP's receive and reader queues and RAW's receive queue (datagrams with
// their own headers); a listener's accept-queue children, each its own socket.
// Mirrors net/ipv4/tcp.c (tcp_recvmsg_locked: copied_seq), tcp_input.c (tcp_data_queue,
// tcp_data_queue_ofo: out_of_order_queue), tcp_output.c (tcp_write_queue / tcp_rtx_queue),
// net/ipv4/udp.c (__udp_enqueue_schedule_skb, reader_queue), net/ipv4/raw.c (raw_rcv_skb).

import type { Kernel } from '../kernel/kernel.js';
import { listEntries, rbtreeNodes, type WalkProblem } from '../kernel/walk.js';
import { skbBytes, skbLayout } from './skb-bytes.js';
import { ipv4FromLE, ipv6 } from './addr.js';
import type { SocketRow } from './socket-row.js';

export type QueueName = 'receive' | 'out-of-order' | 'write' | 'retransmit';

export interface Endpoint {
  addr: string;
  port: number;
}

export interface QueuedSegment {
  queue: QueueName;
  skb: bigint;
  /** in: the peer sent it to us; out: we send it to the peer. */
  direction: 'in' | 'out';
  /** TCP: the sequence number of the first payload byte; flags from the control block. */
  seq?: number;
  fin?: boolean;
  syn?: boolean;
  /** The bytes it carries (TCP/UDP payload; RAW: the whole IP packet in `ipPacket`). */
  payload: Buffer;
  /** UDP: the datagram's own addresses, from its IP/UDP headers. */
  src?: Endpoint;
  dst?: Endpoint;
  ipPacket?: Buffer;
  /** skb->tstamp, ns (0: not set). */
  tstamp: bigint;
}

export interface SocketPackets {
  row: SocketRow;
  segments: QueuedSegment[];
  problems: WalkProblem[];
  /** TCP sequence state (full sockets): what rx_queue and tx_queue are made of. */
  tcp?: { rcvNxt: number; copiedSeq: number; sndUna: number; sndNxt: number; writeSeq: number };
}

// include/net/tcp.h: TCPHDR_*
const TCPHDR_FIN = 0x01;
const TCPHDR_SYN = 0x02;
const SKB_LIMIT = 100_000;

function u32(k: Kernel, sk: bigint, path: string): number {
  return k.num(sk, k.field('struct tcp_sock', path)) >>> 0;
}

/** Every skb the socket holds, in sequence order per queue. */
export function socketPackets(k: Kernel, row: SocketRow): SocketPackets {
  const out: SocketPackets = { row, segments: [], problems: [] };
  if (row.kind !== 'sock') return out;
  const S = 'struct sock';
  const sk = row.sock;
  const where = (q: string) => `${q} queue of 0x${sk.toString(16)}`;
  const onProblem = (p: WalkProblem) => out.problems.push(p);
  const list = (head: bigint, q: string) => [...listEntries(k.mem, head, { where: where(q), limit: SKB_LIMIT, onProblem })];
  const tree = (root: bigint, q: string) => {
    const rbOff = k.off('struct sk_buff', 'rbnode');
    return [...rbtreeNodes(k.mem, k.mem.ptr(root), { where: where(q), limit: SKB_LIMIT, onProblem })].map((n) => n - rbOff);
  };
  const each = (skbs: bigint[], q: QueueName, make: (skb: bigint) => QueuedSegment | undefined) => {
    for (const skb of skbs) {
      try {
        const s = make(skb);
        if (s) out.segments.push(s);
      } catch (e) {
        out.problems.push({ where: where(q), address: skb, kind: 'unreadable', detail: (e as Error).message });
      }
    }
  };

  if (row.proto === 'tcp' || row.proto === 'tcp6') {
    if (row.state === 'LISTEN') return out;
    const t = { rcvNxt: u32(k, sk, 'rcv_nxt'), copiedSeq: u32(k, sk, 'copied_seq'), sndUna: u32(k, sk, 'snd_una'), sndNxt: u32(k, sk, 'snd_nxt'), writeSeq: u32(k, sk, 'write_seq') };
    out.tcp = t;
    // Trim a segment to the bytes at or after `from` (sequence arithmetic is mod 2^32).
    const tcpSeg = (skb: bigint, q: QueueName, dir: 'in' | 'out', from: number): QueuedSegment | undefined => {
      const l = skbLayout(k, skb);
      const cut = (from - l.seq) | 0;
      const fin = (l.tcpFlags & TCPHDR_FIN) !== 0;
      if (cut >= l.len && !fin && !(l.tcpFlags & TCPHDR_SYN)) return undefined; // all of it read (or acked)
      const bytes = skbBytes(k, skb);
      const skip = Math.max(0, Math.min(cut, bytes.length));
      return { queue: q, skb, direction: dir, seq: (l.seq + skip) >>> 0, fin, syn: (l.tcpFlags & TCPHDR_SYN) !== 0, payload: bytes.subarray(skip), tstamp: l.tstamp };
    };
    each(list(sk + k.off(S, 'sk_receive_queue'), 'receive'), 'receive', (skb) => tcpSeg(skb, 'receive', 'in', t.copiedSeq));
    const ooo = k.tryField('struct tcp_sock', 'out_of_order_queue');
    if (ooo) each(tree(sk + ooo.offsetN, 'out-of-order'), 'out-of-order', (skb) => tcpSeg(skb, 'out-of-order', 'in', t.rcvNxt));
    const rtx = k.tryField(S, 'tcp_rtx_queue');
    if (rtx) each(tree(sk + rtx.offsetN, 'retransmit'), 'retransmit', (skb) => tcpSeg(skb, 'retransmit', 'out', t.sndUna));
    // before 4.15 the write queue held sent skbs too (tcp_send_head marked the first unsent)
    each(list(sk + k.off(S, 'sk_write_queue'), 'write'), 'write', (skb) => tcpSeg(skb, 'write', 'out', t.sndUna));
    return out;
  }

  const udp = row.proto.startsWith('udp');
  const raw = row.proto.startsWith('raw') || row.proto.startsWith('icmp');
  if (!udp && !raw) return out;
  const heads = [sk + k.off(S, 'sk_receive_queue')];
  // 4.13+ (commit "udp: use a separate rx queue for packet reception"): recvmsg splices the
  // receive queue into reader_queue; both hold unread datagrams
  const rq = udp ? k.tryField('struct udp_sock', 'reader_queue') : undefined;
  if (rq) heads.unshift(sk + rq.offsetN);
  for (const head of heads) {
    each(list(head, 'receive'), 'receive', (skb) => {
      const l = skbLayout(k, skb);
      const bytes = skbBytes(k, skb);
      if (raw) {
        // raw_rcv: skb->data is back at the IP header; the packet as it arrived
        const nhOff = l.networkHeader === undefined ? 0 : Number(l.head + BigInt(l.networkHeader) - l.data);
        const ip = nhOff < 0 ? Buffer.concat([k.mem.read(l.head + BigInt(l.networkHeader!), -nhOff), bytes]) : bytes.subarray(nhOff);
        return { queue: 'receive', skb, direction: 'in', payload: ip, ipPacket: ip, tstamp: l.tstamp };
      }
      const seg: QueuedSegment = { queue: 'receive', skb, direction: 'in', payload: bytes, tstamp: l.tstamp };
      if (l.transportHeader !== undefined) {
        const th = l.head + BigInt(l.transportHeader);
        const start = Number(th - l.data) + 8; // the payload follows the 8-byte UDP header
        seg.payload = bytes.subarray(Math.max(0, Math.min(start, bytes.length)));
        const uh = k.mem.read(th, 4);
        if (l.networkHeader !== undefined) {
          const ip = k.mem.read(l.head + BigInt(l.networkHeader), 40);
          const v6 = ip[0] >> 4 === 6;
          seg.src = { addr: v6 ? ipv6(ip, 8) : ipv4FromLE(ip.readUInt32LE(12)), port: uh.readUInt16BE(0) };
          seg.dst = { addr: v6 ? ipv6(ip, 24) : ipv4FromLE(ip.readUInt32LE(16)), port: uh.readUInt16BE(2) };
        }
      }
      return seg;
    });
  }
  return out;
}
