// `--softnet` / `softnet`: per-CPU softnet_data as /proc/net/softnet_stat counts it, every
// possible CPU marked online or not; -v adds the raw /proc/net/softnet_stat lines.

import { SOFTNET_SPEC, softnetStatLine } from '../../views/softnet.js';
import { tableOutput } from '../../report/table.js';
import { problemLines } from '../../report/model.js';
import type { Command } from '../command.js';

export const softnetCommand: Command = {
  name: 'softnet',
  synopsis: 'softnet [-v]',
  summary: 'per-CPU softnet queues: processed, dropped, time squeezes, RPS, flow limit, backlog, poll/completion/output queues (same as --softnet); -v adds /proc/net/softnet_stat lines',
  details: ['softnet_data is per CPU, not per network namespace: every netns shows the same.'],
  examples: ['--softnet', 'softnet -v', '--softnet --json'],
  run(s, inv) {
    const t = s.tables.softnet();
    const notes = problemLines(t.problems);
    if (inv.verbose > 0) notes.push('', '/proc/net/softnet_stat (online CPUs):', ...t.rows.filter((r) => r.online !== false).map(softnetStatLine));
    return tableOutput(SOFTNET_SPEC, t.rows, { title: t.failed ? 'Softnet queues: ? possible CPUs, ? online' : `Softnet queues: ${t.rows.length} possible CPUs, ${t.rows.filter((r) => r.online).length} online`, notes });
  },
};
