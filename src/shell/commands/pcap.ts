// `pcap SOCK|INODE -w FILE`, `pcap -a [-t|-u] [FILTER] -w FILE`: the data sockets had queued
// at the crash, written as a pcap file Wireshark and tcpdump open; prints what went where.

import { writeFileSync } from 'node:fs';
import { UsageError, type Command } from '../command.js';
import type { Session } from '../../views/session.js';
import type { SocketRow } from '../../views/sockets.js';
import { socketsPcap, PCAP_SPEC } from '../../views/pcap.js';
import { selectSockets } from '../../views/sockets.js';
import { pcapFile } from '../../report/pcap.js';
import { tableOutput } from '../../report/table.js';
import { problemLines, type Output } from '../../report/model.js';
import { queryFromOptions, filterFromWords } from './sockets.js';

/** A socket named by address or inode (`socket:[10735]` as /proc/PID/fd shows it). */
export function socketByWord(s: Session, w: string | undefined): SocketRow {
  const inode = w === undefined ? undefined : /^(?:socket:\[)?(\d{1,10})\]?$/.exec(w)?.[1];
  if (inode !== undefined) {
    const r = s.tables.findSocketByInode(Number(inode));
    if (!r) throw new UsageError(`no socket with inode ${inode} in this dump`);
    return r;
  }
  const a = s.inspect.address(w, 'socket address or inode');
  const r = s.tables.findSocket(a);
  if (!r) throw new UsageError(`0x${a.toString(16)} is not a socket in any table of this dump`);
  return r;
}

/** Write the pcap of these sockets to `file`; the summary says what each contributed. */
export function writePcap(s: Session, rows: SocketRow[], file: string): Output {
  const res = socketsPcap(s, rows);
  const bytes = pcapFile(res.packets);
  try {
    writeFileSync(file, bytes);
  } catch (e) {
    throw new UsageError(`pcap: cannot write ${file}: ${(e as Error).message}`);
  }
  const notes = [
    `wrote ${res.packets.length} queued skb${res.packets.length === 1 ? '' : 's'} (${bytes.length} bytes, LINKTYPE_RAW) to ${file}`,
    'headers rebuilt from each socket and skb: receive queue trimmed at copied_seq (adds up to Recv-Q), write + retransmit queues from snd_una (Send-Q)',
    ...problemLines(res.problems),
  ];
  const out = tableOutput(PCAP_SPEC, res.sockets, { notes });
  return { kind: 'group', parts: [out], data: { file, bytes: bytes.length, packets: res.packets.length, sockets: out.rows.map((r) => r.data), problems: res.problems.map((p) => ({ ...p, address: '0x' + p.address.toString(16) })) } };
}

export const pcapCommand: Command = {
  name: 'pcap',
  options: ['all', 'listening', 'tcp', 'udp', 'port', 'tcpstate', 'netns'],
  ownOptions: [{ name: 'write', short: 'w', type: 'string', arg: 'FILE', help: 'the pcap file to write' }],
  synopsis: 'pcap SOCK|INODE -w FILE | pcap -a [-t|-u] [--port N] [FILTER] -w FILE',
  summary: 'write the data sockets had queued (receive, out-of-order, write, retransmit queues) as a pcap file',
  details: [
    'TCP: the unread receive queue (from copied_seq), the out-of-order queue, the retransmit queue (sent, not acked)',
    'and the write queue (not sent), each skb one packet (split when bigger than an IP packet). A listener: its',
    'accept-queue children. UDP and RAW: the datagrams not read yet. Headers are rebuilt from the socket and the skb',
    '(the kernel coalesces segments and builds no headers before sending), checksums computed; times from skb->tstamp',
    'where set, else the crash time. UNIX, netlink and packet sockets are listed with why they are not written.',
    'In the shell: from a socket\'s view, the key w writes its pcap.',
  ],
  examples: ['pcap 10738 -w /tmp/websrv.pcap', "pcap -at state established '( dport = :5432 )' -w /tmp/db.pcap", 'pcap -a -w /tmp/all.pcap'],
  complete: (s, i) => (i === 0 ? s.recent.sockets : []),
  run(s, inv) {
    const o = inv.line.options;
    const file = o.write;
    if (typeof file !== 'string' || !file) throw new UsageError('pcap: -w FILE is needed (where to write the pcap)');
    const many = o.all === true || o.listening === true || o.tcp === true || o.udp === true || o.port !== undefined || o.tcpstate !== undefined;
    if (!many) {
      if (inv.args.length !== 1) throw new UsageError('pcap: name one socket (address or inode), or select many with -a and filters');
      return writePcap(s, [socketByWord(s, inv.args[0])], file);
    }
    const q = { ...queryFromOptions(o), filter: filterFromWords(inv.args) };
    const fams = o.tcp || o.udp ? q.families.filter((f) => f === 'tcp' || f === 'udp') : (['tcp', 'udp', 'raw'] as const).slice();
    const rows = fams.flatMap((f) => selectSockets(s, { ...q, families: [...fams] }, f));
    return writePcap(s, rows, file);
  },
};

/** The shell's `w` on a socket's view: write its pcap, say where in one line. */
export function pcapKey(s: Session, sock: bigint, file: string): string {
  const row = s.tables.findSocket(sock);
  if (!row) return `0x${sock.toString(16)} is not a socket in any table of this dump`;
  const out = writePcap(s, [row], file);
  const d = (out as { data?: { packets: number; bytes: number } }).data;
  return `wrote ${d?.packets ?? 0} packets (${d?.bytes ?? 0} bytes) to ${file}`;
}
