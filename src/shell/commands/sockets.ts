// The socket views: `-a -t -u -w -x --packet -l --port --tcpstate --retransonly --netns`,
// with -v/-vv blocks, and the words `tcp`, `udp`, `raw`, `unix`, `packet`, `listen`.

import type { Session } from '../session.js';
import type { SocketRow } from '../../net/socket-row.js';
import { TCP_STATE_NAMES } from '../../net/sock.js';
import { socketTable, owners, namespaces, ifName, devices, FAMILIES, type Family } from '../tables.js';
import { inetTable, unixTable, packetTable, netlinkTable, type RowContext } from '../../report/sockets.js';
import { verboseBlock } from '../socket-view.js';
import { problemLines, type Output } from '../../report/model.js';
import { UsageError, type Command, type Invocation } from '../command.js';
import type { ParsedOptions } from '../options.js';

export interface SocketQuery {
  families: Family[];
  all: boolean;
  listening: boolean;
  port?: number;
  tcpState?: string;
  retransOnly: boolean;
  netns?: number;
}

export function queryFromOptions(o: ParsedOptions): SocketQuery {
  // In the seed --interface limits the interface view (-i), which this version does not have.
  if (o.interface !== undefined) throw new UsageError('--interface limits the interface view (-i), which is not available yet');
  const fam: Family[] = [];
  if (o.tcp) fam.push('tcp');
  if (o.udp) fam.push('udp');
  if (o.raw) fam.push('raw');
  if (o.unix) fam.push('unix');
  if (o.packet) fam.push('packet');
  if (o.netlink) fam.push('netlink');
  let port: number | undefined;
  if (o.port !== undefined) {
    port = Number(o.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: '${o.port}' is not a port number`);
  }
  let tcpState: string | undefined;
  if (o.tcpstate !== undefined) {
    tcpState = String(o.tcpstate).toUpperCase().replace(/-/g, '_');
    if (!TCP_STATE_NAMES.includes(tcpState)) throw new UsageError(`--tcpstate: '${o.tcpstate}' is not a TCP state (${TCP_STATE_NAMES.join(', ')})`);
  }
  let netns: number | undefined;
  if (o.netns !== undefined && o.netns !== 'all') {
    netns = Number(o.netns);
    if (!Number.isInteger(netns)) throw new UsageError(`--netns: '${o.netns}' is not a netns inode (or 'all')`);
  }
  return {
    families: fam.length ? fam : FAMILIES,
    all: o.all === true || port !== undefined || tcpState !== undefined || o.retransonly === true,
    listening: o.listening === true,
    port,
    tcpState,
    retransOnly: o.retransonly === true,
    netns,
  };
}

/** netstat's notion of "listening": LISTEN for streams, unconnected for datagrams. */
function isListening(r: SocketRow): boolean {
  if (r.proto === 'unix') return r.state === 'LISTEN' || (r.type === 'DGRAM' && r.state === 'UNCONNECTED' && !!r.path);
  if (r.proto.startsWith('tcp')) return r.state === 'LISTEN';
  return r.stateNum === 7; // TCP_CLOSE: an unconnected UDP/RAW socket
}

export function selectSockets(s: Session, q: SocketQuery, f: Family): SocketRow[] {
  let rows = socketTable(s, f).rows;
  if (q.netns !== undefined) rows = rows.filter((r) => r.netns === q.netns);
  // packet and netlink sockets are neither listening nor connected: -a/-l do not filter them
  if (f === 'packet' || f === 'netlink') {
    // shown as they are
  } else if (q.listening) rows = rows.filter(isListening);
  else if (!q.all) rows = rows.filter((r) => !isListening(r));
  if (q.port !== undefined) rows = rows.filter((r) => (f === 'tcp' || f === 'udp') && (r.localPort === q.port || r.remotePort === q.port));
  if (q.tcpState) rows = rows.filter((r) => f === 'tcp' && (r.state === q.tcpState || (q.tcpState === 'NEW_SYN_RECV' && r.kind === 'request')));
  if (q.retransOnly) {
    const k = s.kernel;
    const rf = k.tryField('struct inet_connection_sock', 'icsk_retransmits');
    rows = rows.filter((r) => f === 'tcp' && r.kind === 'sock' && rf !== undefined && k.num(r.sock, rf) > 0);
  }
  return rows;
}

export function rowContext(s: Session): RowContext {
  const idx = owners(s);
  return {
    // looked up once per row and kept on it: a Map keyed by bigint is slow to ask 20,000 times
    owners: (r) => (r.owners ??= idx.bySock.get(r.sock) ?? []),
    ifName: (ns, i) => ifName(s, ns, i),
    showNetns: namespaces(s).length > 1,
  };
}

/** A namespace asked for by inode must exist: else say so, with the ones there are. */
export function checkNetns(s: Session, inode: number | undefined, what = '--netns'): void {
  if (inode === undefined) return;
  const nets = namespaces(s);
  if (nets.some((n) => n.inode === inode)) return;
  const list = nets.map((n) => `${n.inode}${n.isInit ? ' (init_net)' : ''}`).join(', ');
  throw new UsageError(`${what} ${inode}: no network namespace with this inode in the dump (there are: ${list || 'none readable'})`);
}

export function showSockets(s: Session, q: SocketQuery, verbose: number): Output {
  checkNetns(s, q.netns);
  const ctx = rowContext(s);
  const parts: Output[] = [];
  const inet: SocketRow[] = [];
  const problems: string[] = [];
  const note = (f: Family) =>
    problems.push(...problemLines(socketTable(s, f).problems));
  for (const f of q.families) note(f);
  if (verbose > 0) {
    const blocks = q.families.flatMap((f) => selectSockets(s, q, f)).map((r) => ({ ...verboseBlock(s, r, verbose), ref: { kind: 'sock' as const, address: r.sock } }));
    return { kind: 'blocks', blocks, notes: problems };
  }
  for (const f of q.families) if (f === 'tcp' || f === 'udp' || f === 'raw') inet.push(...selectSockets(s, q, f));
  if (q.families.some((f) => f === 'tcp' || f === 'udp' || f === 'raw')) parts.push(inetTable(inet, ctx));
  if (q.families.includes('unix')) parts.push(unixTable(selectSockets(s, q, 'unix'), ctx));
  if (q.families.includes('packet')) parts.push(packetTable(selectSockets(s, q, 'packet'), ctx));
  if (q.families.includes('netlink')) parts.push(netlinkTable(selectSockets(s, q, 'netlink'), ctx));
  if (problems.length) parts.push({ kind: 'text', lines: problems });
  return parts.length === 1 ? parts[0] : { kind: 'group', parts };
}

export const socketsCommand: Command = {
  name: 'sockets',
  synopsis: 'sockets [-atuwxl] [--packet] [--port N] [--tcpstate S] [--retransonly] [--netns I] [-v[v]]',
  summary: 'list sockets like netstat (the same as the seed options -a, -t, ...)',
  details: [
    'Without -a only non-listening sockets are shown, with -l only listening ones.',
    '-v prints each socket as a block with windows, buffers and timers; -vv adds queue contents.',
  ],
  examples: ['-at', '-atv', '-ux', '--port 8080 -tavv', '--tcpstate TIME_WAIT', 'sockets --netns 4026532152 -a'],
  run: (s, inv) => showSockets(s, queryFromOptions(inv.line.options), inv.verbose),
};

/** `tcp`, `udp`, … : all sockets of one family (the same as -at, -au, ...). */
function familyWord(name: Family, aliases: string[] = []): Command {
  return {
    name,
    aliases,
    synopsis: `${name} [-l] [--port N] [-v[v]]`,
    summary: `all ${name.toUpperCase()} sockets (same as -a --${name === 'packet' ? 'packet' : name})`,
    examples: [name, `${name} -v`],
    run: (s, inv: Invocation) =>
      showSockets(s, { ...queryFromOptions(inv.line.options), families: [name], all: !inv.line.options.listening }, inv.verbose),
  };
}

export const familyCommands: Command[] = [
  familyWord('tcp'), familyWord('udp'), familyWord('raw'), familyWord('unix'), familyWord('packet'), familyWord('netlink'),
];

export const listenCommand: Command = {
  name: 'listen',
  synopsis: 'listen [-t|-u|-x] [-v[v]]',
  summary: 'listening sockets only (same as -l)',
  examples: ['listen', 'listen -t -vv'],
  run: (s, inv) => showSockets(s, { ...queryFromOptions(inv.line.options), listening: true }, inv.verbose),
};

/** Completion helpers other modules plug in. */
export function socketPorts(s: Session): string[] {
  const ports = new Set<number>();
  for (const f of ['tcp', 'udp'] as Family[]) for (const r of socketTable(s, f).rows) ports.add(r.localPort);
  return [...ports].sort((a, b) => a - b).map(String);
}

export function interfaceNames(s: Session): string[] {
  return [...new Set(devices(s).map((d) => d.name))];
}
