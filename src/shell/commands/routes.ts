// `-r` / `route`: the IPv4 main table as route -n; `-rv`: every table of both families as
// `ip route show table all`, then the rules; `rules`: `ip rule` and `ip -6 rule`;
// `--rtcache` / `rtcache`: next-hop exceptions (what replaced the routing cache in 3.6).

import type { Session } from '../../views/session.js';
import { routeTableNames, routeRows, routeProblems, ROUTE_N_SPEC, routeJson, ruleRows, ruleJson, exceptionRows, exceptionSpec, nexthopRows, nexthopJson } from '../../views/routes.js';
import { selectNetns } from '../../views/netns.js';
import { tableOutput } from '../../report/table.js';
import { answerable } from '../../views/table.js';
import { ipNexthopLine, ipRouteLine, ipRuleLine } from '../../report/routes-text.js';
import { problemLines, type Output } from '../../report/model.js';
import { UsageError, type Command, type Invocation } from '../command.js';
import { checkInterface } from './interfaces.js';

function netnsOf(s: Session, inv: Invocation): number[] {
  return selectNetns(s.tables, inv.line.options.netns as string | undefined, 'init');
}

/** A title per namespace only when several are shown. */
const nsTitle = (title: string, ns: number, many: boolean) => (many ? `${title} (netns ${ns})` : title);

export function showRoutes(s: Session, inv: Invocation): Output {
  const t = s.tables;
  answerable(inv.verbose === 0 ? t.routes4() : t.routes6());
  const nets = netnsOf(s, inv);
  const iface = checkInterface(s, inv.line.options.interface);
  const many = nets.length > 1;
  if (inv.verbose === 0) {
    const parts: Output[] = nets.map((ns) =>
      tableOutput(ROUTE_N_SPEC, routeRows(t, { netns: [ns], mainOnly: true, iface }), { title: nsTitle('Kernel IP routing table', ns, many) }));
    const notes = problemLines(routeProblems(t, true));
    if (notes.length) parts.push({ kind: 'text', lines: notes, data: notes.map((p) => ({ problem: p })) });
    return parts.length === 1 ? parts[0] : { kind: 'group', parts, data: parts.flatMap((p) => (p.kind === 'table' ? p.rows.map((r) => r.data) : p.kind === 'text' ? (p.data as unknown[]) : [])) };
  }
  const hz = t.clock().hz;
  const lines: string[] = [];
  const table = inv.args[0];
  if (table !== undefined && !routeTableNames(t).includes(table) && !['253', '254', '255'].includes(table))
    throw new UsageError(`route: no table '${table}' in this dump (there are: ${routeTableNames(t).join(', ')})`);
  const rows = routeRows(t, { netns: nets, mainOnly: false, iface, table });
  for (const ns of nets) {
    for (const fam of ['inet', 'inet6'] as const) {
      lines.push(nsTitle(fam === 'inet' ? 'IPv4 routes (ip route show table all)' : 'IPv6 routes (ip -6 route show table all)', ns, many));
      for (const r of rows) if (r.netns === ns && r.family === fam) lines.push(...ipRouteLine(r, { hz }).split('\n'));
      lines.push('');
    }
    lines.push(...nexthopLines(s, [ns], many, iface), ...ruleLines(s, [ns], many));
  }
  lines.push(...problemLines(routeProblems(t, false)), ...problemLines(t.rules().problems), ...problemLines(t.nexthops().problems));
  return { kind: 'text', lines, data: [...rows.map(routeJson), ...problemLines(routeProblems(t, false)).map((p) => ({ problem: p }))] };
}

/** `ip nexthop`: the nexthop objects (omitted when a netns has none). */
function nexthopLines(s: Session, nets: number[], many: boolean, iface?: string): string[] {
  const out: string[] = [];
  for (const ns of nets) {
    const rows = nexthopRows(s.tables, [ns], iface);
    if (rows.length) out.push(nsTitle('Nexthop objects (ip nexthop)', ns, many), ...rows.map(ipNexthopLine), '');
  }
  return out;
}

function ruleLines(s: Session, nets: number[], many: boolean): string[] {
  const out: string[] = [];
  const rules = ruleRows(s.tables, nets);
  for (const ns of nets) {
    for (const fam of ['inet', 'inet6'] as const) {
      out.push(nsTitle(fam === 'inet' ? 'IPv4 rules (ip rule)' : 'IPv6 rules (ip -6 rule)', ns, many));
      for (const r of rules) if (r.netns === ns && r.family === fam) out.push(ipRuleLine(r));
      out.push('');
    }
  }
  return out;
}

export const routeCommand: Command = {
  name: 'route',
  options: ['netns', 'interface'],
  synopsis: 'route [-v [TABLE]] [--netns INODE|all] [--interface IF]',
  summary: 'IPv4 main routing table as route -n (same as -r); -v: every table of both families and the rules, as ip route/ip rule',
  details: ['Shows the initial network namespace unless --netns says otherwise.'],
  examples: ['-r', '-rv', 'route -v main', 'route --netns all', '-r --interface dummy0'],
  complete: (s, i) => (i === 0 ? routeTableNames(s.tables) : []),
  run: showRoutes,
};

export const rulesCommand: Command = {
  name: 'rules',
  options: ['netns'],
  synopsis: 'rules [--netns INODE|all]',
  summary: 'policy routing rules of both families, as ip rule and ip -6 rule print them',
  examples: ['rules', 'rules --netns all'],
  run(s, inv) {
    const nets = netnsOf(s, inv);
    const lines = [...ruleLines(s, nets, nets.length > 1), ...problemLines(s.tables.rules().problems)];
    return { kind: 'text', lines, data: ruleRows(s.tables, nets).map(ruleJson) };
  },
};

export const rtcacheCommand: Command = {
  name: 'rtcache',
  options: ['netns'],
  synopsis: 'rtcache [--netns INODE|all]',
  summary: 'next-hop exceptions (learned PMTU, redirects) of both families; the IPv4 route cache itself was removed in Linux 3.6',
  examples: ['--rtcache', 'rtcache --netns all'],
  run(s, inv) {
    const t = s.tables;
    const rows = exceptionRows(t, netnsOf(s, inv));
    return tableOutput(exceptionSpec(t.clock().hz), rows, {
      title: `Next-hop exceptions (what replaced the routing cache): ${rows.length}`,
      notes: problemLines(t.routeExceptions().problems),
    });
  },
};

export const nexthopCommand: Command = {
  name: 'nexthop',
  options: ['netns', 'interface'],
  synopsis: 'nexthop [--netns INODE|all] [--interface IF]',
  summary: 'nexthop objects and groups (5.3+), as ip nexthop prints them; routes use them by nhid',
  examples: ['nexthop', 'nexthop --json', 'nexthop --netns all'],
  run(s, inv) {
    const t = s.tables;
    answerable(t.nexthops());
    const nets = netnsOf(s, inv);
    const iface = checkInterface(s, inv.line.options.interface);
    const many = nets.length > 1;
    const lines: string[] = [];
    for (const ns of nets) {
      if (many) lines.push(`netns ${ns}`);
      lines.push(...nexthopRows(t, [ns], iface).map(ipNexthopLine));
    }
    const rows = nexthopRows(t, nets, iface);
    if (!rows.length) lines.push('no nexthop objects (ip nexthop prints nothing)');
    lines.push(...problemLines(t.nexthops().problems));
    return { kind: 'text', lines, data: rows.map(nexthopJson) };
  },
};
