// The socket views: `-a -t -u -w -x --packet -l --port --tcpstate --retransonly --netns`,
// with -v/-vv blocks, and the words `tcp`, `udp`, `raw`, `unix`, `packet`, `listen`.

import type { Session } from '../../views/session.js';
import { TCP_STATE_NAMES, selectSockets, withOwners, withTimers, socketPorts, type SocketQuery } from '../../views/sockets.js';
import { parseSocketFilter, startsFilter, FilterError } from '../../views/socket-filter.js';
import { SOCKET_FAMILIES, DEFAULT_FAMILIES, FAMILY_OPTIONS, socketFamily, type Family, type Layout } from '../../views/families.js';
import { socketSpec } from '../../views/socket-columns.js';
import { withInternals, INFO_SPEC } from '../../views/socket-info.js';
import { socketSummary, summaryLines } from '../../views/socket-summary.js';
import { sortViews, countRows, countSpec, SortError } from '../../views/socket-order.js';
import type { SocketView, SocketRow } from '../../views/sockets.js';
import { socketDetail } from '../../views/socket-detail.js';
import { selectNetns } from '../../views/netns.js';
import { tableOutput } from '../../report/table.js';
import { verboseBlock } from '../../report/socket-detail.js';
import { problemLines, type Output } from '../../report/model.js';
import { UsageError, type Command, type Invocation } from '../command.js';
import type { ParsedOptions } from '../options.js';

export type { SocketQuery };

export function queryFromOptions(o: ParsedOptions): SocketQuery {
  // In the seed --interface limits the interface view (-i); here also the routes and neighbours.
  if (o.interface !== undefined) throw new UsageError('--interface limits the interface, route and neighbour views (-i, -r, --arp), not the socket tables');
  const fam = SOCKET_FAMILIES.filter((f) => o[f.option]).map((f) => f.name);
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
    families: fam.length ? fam : DEFAULT_FAMILIES,
    all: o.all === true || port !== undefined || tcpState !== undefined || o.retransonly === true,
    listening: o.listening === true,
    port,
    tcpState,
    retransOnly: o.retransonly === true,
    netns,
  };
}

/** A namespace asked for by inode must exist: else say so, with the ones there are. */
export function checkNetns(s: Session, inode: number | undefined): void {
  if (inode !== undefined) selectNetns(s.tables, String(inode), 'all');
}

/** ss's filter words after the options (`state established '( dport = :80 )'`); none: undefined. */
export function filterFromWords(words: string[]): SocketQuery['filter'] {
  if (words.length === 0) return undefined;
  if (!startsFilter(words[0])) throw new UsageError(`unexpected '${words[0]}': a filter starts with state, exclude, src, dst, sport, dport, not or ( (as in ss)`);
  try {
    return parseSocketFilter(words);
  } catch (e) {
    throw e instanceof FilterError ? new UsageError(e.message) : e;
  }
}

/** The query of a socket command: its options, then the filter words after them. */
export function socketQuery(inv: Invocation): SocketQuery {
  return { ...queryFromOptions(inv.line.options), filter: filterFromWords(inv.args) };
}

/** --info lists TCP sockets only (as ss -ti). */
function infoFamilies(q: SocketQuery, o: ParsedOptions): SocketQuery {
  if (o.info !== true) return q;
  const explicit = SOCKET_FAMILIES.some((f) => o[f.option]);
  if (explicit && !q.families.includes('tcp')) throw new UsageError('--info shows TCP sockets (as ss -ti): add -t');
  return { ...q, families: ['tcp'] };
}

/** -e and -o: the columns the netstat modifiers add. */
function columnOptions(o: ParsedOptions): { user: boolean; timer: boolean } {
  return { user: o.extended === true, timer: o.timers === true };
}

export function showSockets(s: Session, query: SocketQuery, verbose: number, o: ParsedOptions = {}): Output {
  const q = infoFamilies(query, o);
  checkNetns(s, q.netns);
  if (typeof o.count === 'string' && o.count.toLowerCase() === 'summary') {
    // ss -s: every socket of the namespace (or all of them), whatever -a/-l/-t select
    const m = socketSummary(s, q.netns);
    return { kind: 'text', lines: summaryLines(m), data: m };
  }
  const t = s.tables;
  // the one view asked for cannot answer at all when every table's head is unreadable
  const failed = q.families.map((f) => t.sockets(f).failed).filter(Boolean);
  if (failed.length === q.families.length) throw new Error(failed.join('; '));
  const problems = q.families.flatMap((f) => problemLines(t.sockets(f).problems));
  const select = (f: Family) => selectSockets(s, q, f);
  if (verbose > 0) {
    const blocks = q.families.flatMap(select).map((r) => ({ ...verboseBlock(socketDetail(s, r, verbose >= 2), verbose), ref: { kind: 'sock' as const, address: r.sock } }));
    return { kind: 'blocks', blocks, notes: problems };
  }
  const hide = t.namespaces().rows.length > 1 ? [] : ['netns'];
  if (typeof o.count === 'string') return withProblems(countOutput(q.families.flatMap(select), o.count), problems);
  const ifName = (ns: number, i: number) => t.ifName(ns, i);
  const parts: Output[] = [];
  // one table per layout, in the registry's order (tcp, udp and raw share netstat's inet table)
  const layouts = [...new Set(q.families.map((f) => socketFamily(f).layout))];
  for (const layout of layouts as Layout[]) {
    const cols = columnOptions(o);
    const make = () => {
      const rows = q.families.filter((f) => socketFamily(f).layout === layout).flatMap(select);
      let views = withOwners(t, rows);
      if (cols.timer) views = withTimers(s, views);
      if (o.info === true) views = withInternals(s, views);
      if (typeof o.sort === 'string') views = sorted(views, o.sort, o.info === true);
      return tableOutput(o.info === true ? INFO_SPEC : socketSpec(layout, ifName, cols), views, { hide });
    };
    // The same query again (until reload) is the same output: its rows keep their formatted
    // cells, and the text renderer its lines. (ss filter words are not keyed: built each time.)
    const key = `sockets ${JSON.stringify([q, layout, cols, hide, o.info === true, o.sort ?? null])}`;
    parts.push(q.filter ? make() : t.memo(key, make));
  }
  if (problems.length) parts.push({ kind: 'text', lines: problems, data: { problems } });
  // JSON: one flat array of socket rows, each with its proto (the README's contract)
  return parts.length === 1 ? parts[0] : { kind: 'group', parts, flatRows: true };
}

function sorted(views: SocketView[], field: string, info: boolean): SocketView[] {
  try {
    return sortViews(views, field, info);
  } catch (e) {
    throw e instanceof SortError ? new UsageError(e.message) : e;
  }
}

/** --count BY: one row per value, most first; JSON an array of {count, BY}. */
function countOutput(rows: SocketRow[], by: string): Output {
  try {
    const c = countRows(rows, by);
    return tableOutput(countSpec(c.title, by.toLowerCase()), c.rows, { notes: [`${rows.length} sockets`] });
  } catch (e) {
    throw e instanceof SortError ? new UsageError(e.message) : e;
  }
}

function withProblems(out: Output, problems: string[]): Output {
  if (!problems.length) return out;
  const parts: Output[] = [out, { kind: 'text', lines: problems, data: { problems } }];
  return { kind: 'group', parts, flatRows: true };
}

/** netstat's modifiers every socket table takes. */
export const MODIFIERS = ['numeric', 'owners', 'extended', 'timers', 'info', 'sort', 'count'];
const SOCKET_OPTIONS = ['all', 'listening', ...FAMILY_OPTIONS, 'port', 'tcpstate', 'retransonly', 'netns', ...MODIFIERS];

export const socketsCommand: Command = {
  name: 'sockets',
  options: SOCKET_OPTIONS,
  synopsis: 'sockets [-atuwxlnpeo] [--packet] [--port N] [--tcpstate S] [--retransonly] [--netns I] [-v[v]] [FILTER]',
  summary: 'list sockets like netstat (the same as the seed options -a, -t, ...), with ss filters',
  details: [
    'Without -a only non-listening sockets are shown, with -l only listening ones.',
    '-v prints each socket as a block with windows, buffers and timers; -vv adds queue contents.',
    "netstat's -n and -p are accepted (output is always numeric, PID/Program always shown); -e adds User, -o the Timer.",
    "The seed's letters win where netstat's differ: -i interfaces, -s statistics, -r routes (ss's -i is --info, -s --summary).",
    "FILTER, as ss takes it after the options: state STATE|all|connected|synchronized|bucket|big (and exclude STATE),",
    '  then src|dst ADDR[/PREFIX][:PORT], sport|dport [OP] :PORT (OP: = != < > <= >= eq neq lt gt le ge),',
    "  joined by and, or, not and parentheses: -t state established '( dport = :80 or sport = :80 )'.",
  ],
  examples: ['-at', '-atv', '-ux', '-tulpn', '-antpo', '--port 8080 -tavv', '--tcpstate TIME_WAIT', 'sockets --netns 4026532152 -a',
    "-t state established '( dport = :8080 or sport = :8080 )'", '-t state listening src 127.0.0.1', '-at dport gt :1024'],
  run: (s, inv) => showSockets(s, socketQuery(inv), inv.verbose, inv.line.options),
};

/** `tcp`, `udp`, … : all sockets of one family (the same as -at, -au, ...). */
function familyWord(name: Family): Command {
  return {
    name,
    options: ['listening', 'port', 'tcpstate', 'retransonly', 'netns', ...MODIFIERS],
    synopsis: `${name} [-l] [--port N] [-v[v]] [FILTER]`,
    summary: `all ${name.toUpperCase()} sockets (same as -a --${socketFamily(name).option})`,
    examples: [name, `${name} -v`],
    run: (s, inv: Invocation) =>
      showSockets(s, { ...socketQuery(inv), families: [name], all: !inv.line.options.listening }, inv.verbose, inv.line.options),
  };
}

export const familyCommands: Command[] = SOCKET_FAMILIES.map((f) => familyWord(f.name));

export const listenCommand: Command = {
  name: 'listen',
  options: [...FAMILY_OPTIONS, 'port', 'netns', ...MODIFIERS],
  synopsis: 'listen [-t|-u|-x] [-v[v]] [FILTER]',
  summary: 'listening sockets only (same as -l)',
  examples: ['listen', 'listen -t -vv'],
  run: (s, inv) => showSockets(s, { ...socketQuery(inv), listening: true }, inv.verbose, inv.line.options),
};

/** Completion helpers other modules plug in. */
export function portWords(s: Session): string[] {
  return socketPorts(s.tables).map(String);
}

export function interfaceNames(s: Session): string[] {
  return [...new Set(s.tables.devices().rows.map((d) => d.name))];
}
