// `--sysctl [PATTERN]` / `sysctl [PATTERN]`: net.* sysctls as `sysctl -a` prints them, from
// the kernel's sysctl tables (global and the netns's own); -v adds each entry's handler.

import { sysctlsOf, sysctlText, sysctlJson } from '../../views/sysctl.js';
import { selectNetns } from '../../views/netns.js';
import { problemLines } from '../../report/model.js';
import type { Command } from '../command.js';

export const sysctlCommand: Command = {
  name: 'sysctl',
  synopsis: 'sysctl [PATTERN] [-v] [--netns INODE|all]',
  summary: 'net.* sysctls with their values as /proc/sys prints them (same as --sysctl [PATTERN]); PATTERN: a glob or a prefix',
  details: ['Shows the initial network namespace unless --netns says otherwise: the global tables plus the netns\'s own.',
    'Write-only entries and handlers whose output cannot be computed from the dump are marked, never guessed. -v: the proc_handler of each.'],
  examples: ['--sysctl', '--sysctl net.ipv4.tcp_*', 'sysctl net.core --netns all', 'sysctl net.ipv4.tcp_rmem --json'],
  run(s, inv) {
    const nets = selectNetns(s.tables, inv.line.options.netns as string | undefined, 'init');
    if (inv.args.length > 1) throw new Error(`sysctl: one PATTERN at most (got ${inv.args.join(' ')})`);
    const all = sysctlsOf(s.tables, nets, inv.args[0]);
    const lines: string[] = [];
    for (const ns of all) {
      if (nets.length > 1) lines.push(`==== netns ${ns.netns} ====`);
      for (const r of ns.rows) lines.push(`${r.name} = ${sysctlText(r.value, r.handler)}${inv.verbose > 0 ? `    [${r.handler}${r.perNetns ? '' : ', global'}]` : ''}`);
      if (!ns.rows.length && inv.args[0]) lines.push(`no sysctl matches '${inv.args[0]}'`);
      lines.push(...problemLines(ns.problems));
    }
    // data when asked (--json, a view group): one object of ~2,000 names the text does not need
    return { kind: 'text', lines, get data() { const data = all.map(sysctlJson); return nets.length > 1 ? data : data[0]; } };
  },
};
