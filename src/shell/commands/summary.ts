// `--summary`: socket counts per state, then every check that found something: WARNING lines
// for what explains trouble (full queues, closed windows, drops of every layer), notes for
// the rest; each check's objects are listed under it and open on Enter in the shell.

import { hex, problemLines, type Output, type Row } from '../../report/model.js';
import { summaryView, type SummaryView } from '../../views/summary.js';
import { selectNetns } from '../../views/netns.js';
import type { Command } from '../command.js';

/** At most this many objects listed under one check in the text (JSON has them all). */
const MAX_OBJECTS = 20;

export const summaryCommand: Command = {
  name: 'summary',
  options: ['netns'],
  synopsis: 'summary [--netns INODE|all]',
  summary: 'counts per state (TCP, UDP, UNIX, RAW) and warnings naming their objects: full listen and SYN queues, closed windows, retransmits, drops (listen overflows, syncookies, pruning, UDP buffers, softnet, qdiscs, devices, TCP memory, orphans, neighbour tables)',
  examples: ['summary', '--summary --json', 'summary --netns all'],
  run(s, inv) {
    const t = s.tables;
    const value = inv.line.options.netns as string | undefined;
    const nets = selectNetns(t, value, 'all');
    const sum = summaryView(s, nets, value === undefined || value === 'all');
    const states = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k.padEnd(14)} ${n}`);
    const counts = [
      'TCP Connection Info', '-------------------', ...states(sum.tcpStates), '',
      'UDP Connection Info', '-------------------', `${sum.udp.total} UDP sockets, ${sum.udp.established} in ESTABLISHED`, '',
      'Unix Connection Info', '------------------------', ...states(sum.unixStates), '',
      'Raw sockets info', '--------------------', ...states(sum.rawStates), '',
      `Packet sockets: ${sum.packet}`,
    ];
    const rows: Row[] = [];
    const line = (text: string, ref?: Row['ref']): Row => ({ cells: { line: text }, data: text, ref });
    for (const c of sum.checks) {
      if (c.count === 0 && !c.name.startsWith('UDP hash empty')) continue;
      rows.push(line(`${c.warning ? 'WARNING: ' : ''}${c.name}${c.count ? `: ${c.count}` : ''}${c.detail ? ` (${c.detail})` : ''}`, c.objects.find((o) => o.ref)?.ref));
      for (const o of c.objects.slice(0, MAX_OBJECTS)) rows.push(line(`    ${o.label}`, o.ref));
      if (c.objects.length > MAX_OBJECTS) rows.push(line(`    ... ${c.objects.length - MAX_OBJECTS} more (--json lists them all)`));
    }
    const notes = problemLines(sum.problems);
    const parts: Output[] = [{ kind: 'text', lines: counts }];
    parts.push({ kind: 'table', title: 'Checks', headless: true, columns: [{ key: 'line', title: '' }], rows, notes });
    return { kind: 'group', parts, data: summaryJson(sum) };
  },
};

function summaryJson(sum: SummaryView): Record<string, unknown> {
  return {
    ...sum,
    // one namespace asked for (--netns INODE) is its inode; the default and --netns all, "all"
    netns: Array.isArray(sum.netns) && sum.netns.length === 1 ? sum.netns[0] : sum.netns,
    problems: sum.problems.map((p) => ({ where: p.where, kind: p.kind, detail: p.detail, address: hex(p.address) })),
    checks: sum.checks.map((c) => ({
      ...c,
      // the seed's form: the sockets a check is about, by address
      socks: c.objects.filter((o) => o.kind === 'sock').map((o) => hex((o.ref as { address: bigint }).address)),
      objects: c.objects.map((o) => ({ kind: o.kind, label: o.label, netns: o.netns ?? null, ref: o.ref ? refJson(o.ref) : null })),
    })),
  };
}

function refJson(r: NonNullable<Row['ref']>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) o[k] = typeof v === 'bigint' ? hex(v) : v;
  return o;
}
