// `--summary`: socket counts per state and WARNING lines for unusual situations.

import { hex } from '../../report/model.js';
import type { Command } from '../command.js';

export const summaryCommand: Command = {
  name: 'summary',
  options: [],
  synopsis: 'summary',
  summary: 'counts per state (TCP, UDP, UNIX, RAW) and warnings: full listen queues, closed windows, retransmits, ...',
  examples: ['summary', '--summary --json'],
  run(s) {
    const sum = s.tables.summary();
    const states = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k.padEnd(14)} ${n}`);
    const lines = [
      'TCP Connection Info',
      '-------------------',
      ...states(sum.tcpStates),
      ...sum.checks.filter((c) => !c.name.startsWith('UDP') && !c.name.includes('UNIX') && c.count > 0).map((c) =>
        `${c.warning ? 'WARNING: ' : ''}${c.name}: ${c.count}${c.detail ? ` (${c.detail})` : ''}`),
      '',
      'UDP Connection Info',
      '-------------------',
      `${sum.udp.total} UDP sockets, ${sum.udp.established} in ESTABLISHED`,
      ...sum.checks.filter((c) => c.name.startsWith('UDP') && (c.count > 0 || c.warning || c.name.startsWith('UDP hash empty'))).map((c) => `${c.warning ? 'WARNING: ' : ''}${c.name}${c.count ? `: ${c.count}` : ''}`),
      '',
      'Unix Connection Info',
      '------------------------',
      ...states(sum.unixStates),
      ...sum.checks.filter((c) => c.name.includes('UNIX') && c.count > 0).map((c) => `WARNING: ${c.name}: ${c.count}`),
      '',
      'Raw sockets info',
      '--------------------',
      ...states(sum.rawStates),
      '',
      `Packet sockets: ${sum.packet}`,
    ];
    const problems = (['tcp', 'udp', 'raw', 'unix', 'packet'] as const).flatMap((f) => s.tables.sockets(f).problems)
      .map((p) => ({ where: p.where, kind: p.kind, detail: p.detail, address: hex(p.address) }));
    const data = { netns: 'all', problems, ...sum, checks: sum.checks.map((c) => ({ ...c, socks: c.socks.map((x) => hex(x)) })) };
    return { kind: 'text', lines, data };
  },
};
