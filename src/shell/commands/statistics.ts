// `-s` / `statistics`: every SNMP MIB group of a netns as /proc/net/snmp, netstat and snmp6
// count them (netstat -s's source); non-zero counters by default, -v every one.

import { statisticsOf, statisticsJson } from '../../views/statistics.js';
import { selectNetns } from '../../views/netns.js';
import { statisticsLines } from '../../report/statistics-text.js';
import { problemLines } from '../../report/model.js';
import type { Command } from '../command.js';

export const statisticsCommand: Command = {
  name: 'statistics',
  aliases: ['snmp'],
  synopsis: 'statistics [-v] [--netns INODE|all]',
  summary: 'SNMP counters of every MIB group (Ip, Icmp, IcmpMsg, Tcp, Udp, TcpExt, IpExt, MPTcpExt, Ip6, Icmp6, Udp6 …) (same as -s); -v: the zero ones too',
  details: ['Names come from the kernel\'s own tables, values are summed over every possible CPU.',
    'Shows the initial network namespace unless --netns says otherwise. --json: every counter, zeros included.'],
  examples: ['-s', '-s -v', 'statistics --netns all --json'],
  run(s, inv) {
    const nets = selectNetns(s.tables, inv.line.options.netns as string | undefined, 'init');
    const stats = statisticsOf(s.tables, nets);
    const lines: string[] = [];
    for (const st of stats) {
      if (nets.length > 1) lines.push(`==== netns ${st.netns} ====`);
      lines.push(...statisticsLines(st.groups, inv.verbose > 0), ...problemLines(st.problems));
    }
    // data when asked (--json, a view group): every counter again, zeros included
    return { kind: 'text', lines, get data() { const data = stats.map(statisticsJson); return nets.length > 1 ? data : data[0]; } };
  },
};
