// --summary: socket counts per state, the seed's checks, and the checks that explain dropped
// packets — each naming the objects it is about (a socket, an interface, a CPU, a table, a
// netns), with the reference the shell opens on Enter. JSON: {netns, problems, ..., checks}.

import { GAP, hex } from './table.js';
import type { Session } from './session.js';
import type { Ref } from './table.js';
import { numText } from './table.js';
import type { SocketRow } from '../net/socket-row.js';
import { localText, remoteText } from '../net/socket-row.js';
import { fullSynQueues, socketDrops } from '../net/sock-drops.js';
import type { WalkProblem } from '../kernel/walk.js';
import { conntrackFill, NEAR_FULL } from './conntrack.js';

export interface SummaryObject {
  kind: 'sock' | 'iface' | 'cpu' | 'netns' | 'table';
  /** what a user reads: "tcp 127.0.0.1:8081 LISTEN", "dummy4", "cpu 1" */
  label: string;
  netns?: number;
  ref?: Ref;
}

export interface SummaryCheckView {
  name: string;
  warning: boolean;
  count: number;
  detail?: string;
  objects: SummaryObject[];
}

export interface SummaryView {
  netns: number[] | 'all';
  problems: WalkProblem[];
  tcpStates: Record<string, number>;
  udp: { total: number; established: number };
  unixStates: Record<string, number>;
  rawStates: Record<string, number>;
  packet: number;
  checks: SummaryCheckView[];
}


export function sockObject(r: SocketRow): SummaryObject {
  const remote = r.state === 'LISTEN' || r.remotePort === 0 ? '' : ` -> ${remoteText(r)}`;
  const where = r.proto === 'unix' ? (r.path || hex(r.sock)) : `${localText(r)}${remote}`;
  return { kind: 'sock', label: `${r.proto} ${where} ${r.state}`, netns: r.netns, ref: { kind: 'sock', address: r.sock } };
}

const netnsObject = (ns: number): SummaryObject => ({ kind: 'netns', label: `netns ${numText(ns)}`, netns: ns, ref: { kind: 'netns', inode: ns } });

/** The summary of the selected namespaces (all by default, as the socket views). */
export function summaryView(s: Session, nets: number[], all: boolean): SummaryView {
  const t = s.tables;
  const k = s.kernel;
  const inNs = (r: { netns: number }) => nets.includes(r.netns);
  const base = t.summary();
  const sockets = new Map<bigint, SocketRow>();
  for (const f of ['tcp', 'udp', 'raw', 'unix', 'packet'] as const) for (const r of t.sockets(f).rows) sockets.set(r.sock, r);
  // The seed's checks, their sockets named and limited to the selected namespaces.
  const checks: SummaryCheckView[] = base.checks.map((c) => {
    const objects = c.socks.map((a) => sockets.get(a)).filter((r): r is SocketRow => r !== undefined && inNs(r)).map(sockObject);
    return { name: c.name, warning: c.warning && objects.length > 0, count: objects.length, detail: c.detail, objects };
  });
  const add = (name: string, warning: boolean, objects: SummaryObject[], detail?: string) =>
    checks.push({ name, warning: warning && objects.length > 0, count: objects.length, detail, objects });

  const tcp = t.sockets('tcp').rows.filter(inNs);
  const listeners = tcp.filter((r) => r.kind === 'sock' && r.state === 'LISTEN');
  const drops = t.dropCounters();
  const mibs = drops.rows.filter(inNs);
  const counter = (name: string, pick: (d: (typeof mibs)[number]) => number | undefined) => {
    const hit = mibs.filter((d) => (pick(d) ?? 0) > 0);
    return { objects: hit.map((d) => ({ ...netnsObject(d.netns), label: `netns ${d.netns}: ${name}=${pick(d)}` })), total: hit.reduce((s, d) => s + (pick(d) ?? 0), 0) };
  };

  // Listen overflows: connections that completed the handshake but found the accept queue full.
  const ovf = counter('ListenOverflows', (d) => d.tcpExt.ListenOverflows);
  const ldrops = counter('ListenDrops', (d) => d.tcpExt.ListenDrops);
  const maxF = k.tryField('struct sock', 'sk_max_ack_backlog');
  const ackF = k.tryField('struct sock', 'sk_ack_backlog');
  const fullAccept = maxF && ackF ? listeners.filter((r) => {
    try {
      return k.num(r.sock, ackF) >= k.num(r.sock, maxF);
    } catch {
      return false;
    }
  }) : [];
  add('listen overflows (TcpExt ListenOverflows/ListenDrops)', ovf.total + ldrops.total > 0,
    ovf.total + ldrops.total > 0 ? [...ovf.objects, ...ldrops.objects, ...fullAccept.map(sockObject)] : [],
    ovf.total ? `accept queue full: listeners at their backlog are named` : undefined);

  // SYN flood signs: a full SYN queue, syncookies sent.
  const synFull = fullSynQueues(k, listeners);
  add('SYN queue full', true, synFull.map((q) => ({ ...sockObject(q.row), label: `${sockObject(q.row).label} (${q.qlen} requests, backlog ${q.max})` })),
    synFull.length ? 'possible SYN flood: new SYNs get cookies or are dropped' : undefined);
  const cookies = counter('SyncookiesSent', (d) => d.tcpExt.SyncookiesSent);
  add('syncookies sent (TcpExt SyncookiesSent)', true, cookies.objects, cookies.total ? 'the SYN queue overflowed: a SYN flood, or a backlog too small' : undefined);
  const cookieFail = counter('SyncookiesFailed', (d) => d.tcpExt.SyncookiesFailed);
  add('syncookies failed (TcpExt SyncookiesFailed)', true, cookieFail.objects);

  // Receive-queue pruning and backlog drops: sockets over their receive memory.
  const prune = [counter('PruneCalled', (d) => d.tcpExt.PruneCalled), counter('RcvPruned', (d) => d.tcpExt.RcvPruned), counter('OfoPruned', (d) => d.tcpExt.OfoPruned)];
  add('receive queue pruned (TcpExt PruneCalled/RcvPruned/OfoPruned)', true, prune.flatMap((p) => p.objects));
  add('backlog drops (TcpExt TCPBacklogDrop)', true, counter('TCPBacklogDrop', (d) => d.tcpExt.TCPBacklogDrop).objects);
  add('TCP receive queue drops (TcpExt TCPRcvQDrop)', true, counter('TCPRcvQDrop', (d) => d.tcpExt.TCPRcvQDrop).objects);

  // UDP receive-buffer errors, and the sockets that dropped.
  const udpErr = counter('Udp RcvbufErrors', (d) => d.udp.RcvbufErrors);
  const udp6Err = counter('Udp6 RcvbufErrors', (d) => d.udp6.RcvbufErrors);
  const udpRows = [...t.sockets('udp').rows].filter(inNs);
  const dropping = socketDrops(k, udpRows);
  add('UDP receive buffer errors (Udp RcvbufErrors)', true,
    udpErr.total + udp6Err.total > 0 ? [...udpErr.objects, ...udp6Err.objects, ...dropping.map((d) => ({ ...sockObject(d.row), label: `${sockObject(d.row).label} (${d.drops} drops)` }))] : [],
    udpErr.total + udp6Err.total > 0 ? 'datagrams dropped on full receive buffers: the sockets with sk_drops are named' : undefined);

  // Per CPU: softnet drops (backlog full) and flow-limit drops; time squeezes are a note.
  const sn = t.softnet().rows;
  add('softnet backlog drops', true, sn.filter((r) => r.dropped > 0 || r.flowLimitCount > 0).map((r) => cpuObject(r.cpu, `dropped ${r.dropped}, flow limit ${r.flowLimitCount}`)),
    'netdev_max_backlog reached on these CPUs');
  add('softnet time squeezes', false, sn.filter((r) => r.timeSqueeze > 0).map((r) => cpuObject(r.cpu, `time_squeeze ${r.timeSqueeze}`)),
    'net_rx_action ran out of budget or time (netdev_budget); drops only if the backlog also fills');

  // Per device: qdisc drops, device errors (warnings) and device drops (a note).
  const ifs = t.interfaces().rows.filter(inNs);
  const many = nets.length > 1;
  const ifObject = (r: (typeof ifs)[number], what: string): SummaryObject =>
    ({ kind: 'iface', label: `${many ? `netns ${r.netns} ` : ''}${r.name}: ${what}`, netns: r.netns, ref: { kind: 'iface', netns: r.netns, ifindex: r.ifindex } });
  add('qdisc drops', true, ifs.filter((r) => r.qdiscs.some((q) => q.drops > 0)).map((r) =>
    ifObject(r, r.qdiscs.filter((q) => q.drops > 0).map((q) => `${q.kind} ${q.handle} dropped ${q.drops}${q.qlen ? `, ${q.qlen} queued` : ''}`).join('; '))));
  const stat = (r: (typeof ifs)[number], n: 'rx_errors' | 'tx_errors' | 'rx_dropped' | 'tx_dropped') => (r.stats.ok ? r.stats.counters[n] : 0);
  add('device errors', true, ifs.filter((r) => stat(r, 'rx_errors') + stat(r, 'tx_errors') > 0).map((r) => ifObject(r, `rx_errors ${stat(r, 'rx_errors')}, tx_errors ${stat(r, 'tx_errors')}`)));
  add('device drops', false, ifs.filter((r) => stat(r, 'rx_dropped') + stat(r, 'tx_dropped') > 0).map((r) => ifObject(r, `rx_dropped ${stat(r, 'rx_dropped')}, tx_dropped ${stat(r, 'tx_dropped')}`)));

  // Global: orphans, TCP memory, neighbour tables.
  const g = drops.rows[0]?.global;
  if (g) {
    const orphansNear = g.orphans !== null && g.maxOrphans !== null && g.maxOrphans > 0 && g.orphans >= 0.9 * g.maxOrphans;
    add('orphaned TCP sockets near tcp_max_orphans', true, orphansNear ? [{ kind: 'table', label: `tcp_orphan_count ${g.orphans} of tcp_max_orphans ${g.maxOrphans}` }] : [],
      g.orphans === null ? 'tcp_orphan_count unreadable' : `${g.orphans} of ${g.maxOrphans}`);
    const pressure = g.tcpMemoryPressure === true || (g.tcpMemPages !== null && g.tcpMem !== null && g.tcpMemPages > g.tcpMem[1]);
    add('TCP memory pressure', true, pressure ? [{ kind: 'table', label: `tcp_memory_allocated ${g.tcpMemPages} pages, tcp_mem ${g.tcpMem?.join(' ')}${g.tcpMemoryPressure ? ', tcp_memory_pressure set' : ''}` }] : [],
      g.tcpMemPages !== null && g.tcpMem ? `${g.tcpMemPages} pages allocated; tcp_mem ${g.tcpMem.join(' ')}` : undefined);
    add('neighbour table overflow', true, g.neighbourTables.filter((n) => n.tableFulls > 0 || n.entries >= n.gcThresh3).map((n) => ({
      kind: 'table' as const, label: `${n.name}: table_fulls ${n.tableFulls}, ${n.entries} entries (gc_thresh3 ${n.gcThresh3})`,
      ref: { kind: 'struct' as const, type: 'struct neigh_table', address: n.address } })));
  }
  // Conntrack: a table at nf_conntrack_max drops new flows ("nf_conntrack: table full, dropping packet").
  const ct = t.conntrack();
  if (!ct.unavailable) {
    const fills = conntrackFill(t, nets);
    add(`conntrack table near full (≥ ${NEAR_FULL * 100} % of nf_conntrack_max)`, true,
      fills.filter((f) => f.nearFull).map((f) => ({ ...netnsObject(f.netns), label: `netns ${f.netns}: nf_conntrack count ${f.count} of max ${f.max}` })),
      fills.length ? fills.map((f) => `netns ${f.netns}: ${f.count ?? GAP} of ${f.max ?? GAP}`).join('; ') : undefined);
  }
  const problems = [
    ...(['tcp', 'udp', 'raw', 'unix', 'packet'] as const).flatMap((f) => t.sockets(f).problems),
    ...drops.problems, ...t.softnet().problems, ...t.interfaces().problems, ...(ct.unavailable ? [] : ct.problems),
  ];
  const count = (rows: SocketRow[], key: (r: SocketRow) => string) => {
    const o: Record<string, number> = {};
    for (const r of rows) o[key(r)] = (o[key(r)] ?? 0) + 1;
    return o;
  };
  const udp = t.sockets('udp').rows.filter(inNs);
  return {
    netns: all ? 'all' : nets, problems,
    tcpStates: count(tcp, (r) => r.state),
    udp: { total: udp.length, established: udp.filter((r) => r.state === 'ESTABLISHED').length },
    unixStates: count(t.sockets('unix').rows.filter(inNs), (r) => r.state),
    rawStates: count(t.sockets('raw').rows.filter(inNs), (r) => r.state),
    packet: t.sockets('packet').rows.filter(inNs).length,
    checks,
  };
}

function cpuObject(cpu: number, what: string): SummaryObject {
  return { kind: 'cpu', label: `cpu ${cpu}: ${what}`, ref: { kind: 'cpu', cpu } };
}
