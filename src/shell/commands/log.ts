// `log`: the kernel log from the dump's printk ring buffer, as dmesg prints it; -T with
// wall-clock times derived from the dump's clock; --json rows {ts, level, facility, msg}.

import { logText, logJson, bootEpoch } from '../../views/log.js';
import { problemLines } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';

export const logCommand: Command = {
  name: 'log',
  aliases: ['dmesg'],
  synopsis: 'log [-T]',
  summary: 'the kernel log (printk ring buffer of 5.10+) as dmesg prints it; -T: wall-clock times (UTC) from the crash time',
  examples: ['log', 'log -T', 'log | grep -i veth', 'log --json'],
  run(s, inv) {
    const t = s.tables.kernelLog();
    let boot: number | undefined;
    if (inv.line.options.ctime) {
      boot = bootEpoch(s.tables.clock());
      if (boot === undefined) throw new UsageError('log -T: the dump has no readable wall clock (timekeeper); use log without -T');
    }
    const lines = logText(t.rows, boot);
    const notes = problemLines(t.problems);
    return { kind: 'text', lines: [...lines, ...notes], data: [...t.rows.map((r) => logJson(r, boot)), ...notes.map((p) => ({ problem: p }))] };
  },
};
