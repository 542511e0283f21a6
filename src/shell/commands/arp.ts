// `--arp` / `arp`: the neighbour tables (ARP and NDP, and proxy entries), including the
// NOARP entries /proc/net/arp hides, marked; `-v` adds ages, probes, refcnt, queued packets.

import { neighbourRows, NEIGHBOUR_SPEC } from '../../views/neighbours.js';
import { selectNetns } from '../../views/netns.js';
import { answerable } from '../../views/table.js';
import { tableOutput } from '../../report/table.js';
import { neighVerboseLine } from '../../report/neighbours-text.js';
import { problemLines } from '../../report/model.js';
import type { Command } from '../command.js';
import { checkInterface } from './interfaces.js';

export const arpCommand: Command = {
  name: 'arp',
  aliases: ['neigh'],
  synopsis: 'arp [-v] [--interface IF] [--netns INODE|all]',
  summary: 'ARP and NDP neighbours with proxy entries (same as --arp); -v: ages, probes, refcnt, queued packets',
  details: ['Shows the initial network namespace unless --netns says otherwise.',
    'Entries in state NOARP or NONE, which /proc/net/arp and ip neigh skip, are listed and marked.'],
  examples: ['--arp', '--arp -v', 'arp --netns all --interface eth0'],
  run(s, inv) {
    const t = s.tables;
    answerable(t.neighbours());
    const nets = selectNetns(t, inv.line.options.netns as string | undefined, 'init');
    const rows = neighbourRows(t, { netns: nets, iface: checkInterface(s, inv.line.options.interface) });
    const notes = problemLines(t.neighbours().problems);
    if (inv.verbose > 0) return { kind: 'text', lines: [...rows.map(neighVerboseLine), ...notes], data: tableOutput(NEIGHBOUR_SPEC, rows).rows.map((r) => r.data) };
    const spec = nets.length > 1
      ? { ...NEIGHBOUR_SPEC, columns: [{ key: 'netns', title: 'Netns', align: 'right' as const, text: (r: (typeof rows)[number]) => String(r.netns) }, ...NEIGHBOUR_SPEC.columns] }
      : NEIGHBOUR_SPEC;
    return tableOutput(spec, rows, { notes });
  },
};
