// The pcap view: the data sockets had queued at the crash, as packets. Each packet's headers
// are rebuilt from the socket (addresses, ports) and the skb (sequence numbers, flags), so
// that they describe exactly the bytes it carries — the kernel coalesces received segments
// and builds no headers for data it has not sent yet. RAW sockets' packets are written as
// they arrived. A listener contributes its accept-queue children's data.

import type { Session } from './session.js';
import type { SocketRow } from '../net/socket-row.js';
import { socketPackets, type QueuedSegment, type SocketPackets, type Endpoint } from '../net/socket-packets.js';
import { acceptQueue } from '../net/queues.js';
import type { WalkProblem } from '../kernel/walk.js';
import type { RowSpec } from './table.js';
import { hex } from './table.js';

export interface PcapPacket {
  /** Wall-clock time, ns since the epoch. */
  timeNs: bigint;
  v6: boolean;
  proto: 'tcp' | 'udp' | 'raw';
  src: Endpoint;
  dst: Endpoint;
  seq?: number;
  ack?: number;
  fin?: boolean;
  syn?: boolean;
  window?: number;
  payload: Buffer;
  /** RAW: the IP packet as queued. */
  ipPacket?: Buffer;
  sock: bigint;
  queue: string;
}

/** What was written for one socket (the command's summary table). */
export interface PcapSocketRow {
  row: SocketRow;
  /** The listener whose accept queue held it. */
  via?: bigint;
  packets: number;
  /** Payload bytes per queue. */
  bytes: Record<string, number>;
  rxQueue: number;
  txQueue: number;
  /** Why nothing could be written (UNIX, netlink, packet sockets). */
  skipped?: string;
}

export interface PcapResult {
  packets: PcapPacket[];
  sockets: PcapSocketRow[];
  problems: WalkProblem[];
}

/** Why a socket's queue has no pcap form. */
export function pcapUnsupported(r: SocketRow): string | undefined {
  if (r.proto === 'unix') return 'UNIX messages carry no link-layer or IP header: no pcap link type fits (use -vv or the skb view for their bytes)';
  if (r.proto === 'netlink') return 'netlink queues are not written yet (LINKTYPE_NETLINK would need a file of their own)';
  if (r.proto === 'packet') return 'packet sockets are not written (their frames would need LINKTYPE_ETHERNET in a file of their own)';
  if (r.kind === 'timewait' || r.kind === 'request') return `a ${r.kind === 'timewait' ? 'TIME_WAIT' : 'request'} sock holds no data`;
  return undefined;
}

/** skb->tstamp → wall-clock ns: real time when it looks like one, else CLOCK_MONOTONIC (TCP's
 *  EDT stamps, tcp_clock_ns) placed on the crash's timeline; unset: the crash time. */
function wallNs(s: Session, tstamp: bigint): bigint {
  const c = s.tables.clock();
  const crashNs = c.wallTime ? BigInt(c.wallTime.getTime()) * 1_000_000n : 0n;
  if (tstamp > 100_000_000_000_000_000n) return tstamp; // after 1973: CLOCK_REALTIME
  if (tstamp > 0n && Number.isFinite(c.uptimeSec)) return crashNs - BigInt(Math.round(c.uptimeSec * 1e9)) + tstamp;
  return crashNs;
}

function packetsOf(s: Session, p: SocketPackets): PcapPacket[] {
  const r = p.row;
  const v6 = r.family === 10;
  const local: Endpoint = { addr: r.localAddr, port: r.localPort };
  const remote: Endpoint = { addr: r.remoteAddr, port: r.remotePort };
  return p.segments.map((g: QueuedSegment): PcapPacket => {
    const base = { timeNs: wallNs(s, g.tstamp), v6, sock: r.sock, queue: g.queue, payload: g.payload };
    if (g.ipPacket) return { ...base, proto: 'raw', src: remote, dst: local, ipPacket: g.ipPacket, v6: (g.ipPacket[0] >> 4) === 6 };
    if (p.tcp) {
      const inbound = g.direction === 'in';
      // what the other side had acknowledged: our rcv_nxt for ours, snd_una for theirs
      return { ...base, proto: 'tcp', src: inbound ? remote : local, dst: inbound ? local : remote, seq: g.seq, ack: inbound ? p.tcp.sndUna : p.tcp.rcvNxt, fin: g.fin, syn: g.syn };
    }
    return { ...base, proto: 'udp', src: g.src ?? remote, dst: g.dst ?? local, v6: g.src ? g.src.addr.includes(':') : v6 };
  });
}

function summarize(p: SocketPackets, packets: PcapPacket[], via?: bigint): PcapSocketRow {
  const bytes: Record<string, number> = {};
  for (const g of p.segments) bytes[g.queue] = (bytes[g.queue] ?? 0) + g.payload.length;
  return { row: p.row, via, packets: packets.length, bytes, rxQueue: p.row.rxQueue, txQueue: p.row.txQueue };
}

/** The packets of these sockets (a listener: its accept-queue children's). */
export function socketsPcap(s: Session, rows: SocketRow[]): PcapResult {
  const k = s.kernel;
  const res: PcapResult = { packets: [], sockets: [], problems: [] };
  const done = new Set<bigint>();
  const add = (row: SocketRow, via?: bigint) => {
    // an unaccepted child is in the ehash too: once, whichever way it was reached
    if (done.has(row.sock)) return;
    done.add(row.sock);
    const why = pcapUnsupported(row);
    if (why) {
      res.sockets.push({ row, via, packets: 0, bytes: {}, rxQueue: row.rxQueue, txQueue: row.txQueue, skipped: why });
      return;
    }
    try {
      const p = socketPackets(k, row);
      const pk = packetsOf(s, p);
      res.packets.push(...pk);
      res.problems.push(...p.problems);
      res.sockets.push(summarize(p, pk, via));
    } catch (e) {
      res.problems.push({ where: `queues of 0x${row.sock.toString(16)}`, address: row.sock, kind: 'unreadable', detail: (e as Error).message });
    }
  };
  for (const row of rows) {
    if (row.state === 'LISTEN' && row.proto.startsWith('tcp') && row.kind === 'sock') {
      const aq = acceptQueue(k, row.sock);
      res.problems.push(...aq.problems);
      for (const e of aq.entries) if (e.row) add(e.row, row.sock);
      continue;
    }
    add(row);
  }
  return res;
}


/** The summary table the pcap command prints. */
export const PCAP_SPEC: RowSpec<PcapSocketRow> = {
  columns: [
    { key: 'proto', title: 'Proto', text: (r) => r.row.proto },
    { key: 'local', title: 'Local Address', text: (r) => `${r.row.localAddr}:${r.row.localPort}`, json: false },
    { key: 'remote', title: 'Foreign Address', text: (r) => `${r.row.remoteAddr}:${r.row.remotePort}`, json: false },
    { key: 'state', title: 'State', text: (r) => r.row.state },
    { key: 'packets', title: 'Packets', align: 'right', text: (r) => String(r.packets), json: (r) => r.packets },
    { key: 'rxBytes', title: 'Rx bytes', align: 'right', text: (r) => String((r.bytes.receive ?? 0)), json: (r) => r.bytes.receive ?? 0 },
    { key: 'oooBytes', title: 'OOO', align: 'right', text: (r) => String(r.bytes['out-of-order'] ?? 0), json: (r) => r.bytes['out-of-order'] ?? 0 },
    { key: 'txBytes', title: 'Tx bytes', align: 'right', text: (r) => String((r.bytes.write ?? 0) + (r.bytes.retransmit ?? 0)), json: (r) => (r.bytes.write ?? 0) + (r.bytes.retransmit ?? 0) },
    { key: 'recvq', title: 'Recv-Q', align: 'right', text: (r) => String(r.rxQueue), jsonKey: 'rxQueue', json: (r) => r.rxQueue },
    { key: 'sendq', title: 'Send-Q', align: 'right', text: (r) => String(r.txQueue), jsonKey: 'txQueue', json: (r) => r.txQueue },
    { key: 'note', title: 'Note', text: (r) => r.skipped ?? (r.via ? `accept queue of ${hex(r.via)}` : ''), json: false },
  ],
  extra: (r) => ({ local: `${r.row.localAddr}:${r.row.localPort}`, remote: `${r.row.remoteAddr}:${r.row.remotePort}`, sock: hex(r.row.sock), netns: r.row.netns, ...(r.via ? { acceptQueueOf: hex(r.via) } : {}), ...(r.skipped ? { skipped: r.skipped } : {}) }),
  ref: (r) => ({ kind: 'sock', address: r.row.sock }),
};
