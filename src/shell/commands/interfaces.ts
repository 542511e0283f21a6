// `-i` / `interfaces`: every device as the seed's ifconfig-like block; `-iv` adds link
// state, handlers, transmit queues, counters and the qdisc tree. `--interface IF` limits
// this view, the routes and the neighbours to one device.

import type { Session } from '../../views/session.js';
import { interfaceRows, interfaceJson, interfaceNames } from '../../views/interfaces.js';
import { selectNetns } from '../../views/netns.js';
import { answerable } from '../../views/table.js';
import { interfaceBlock } from '../../report/interfaces-text.js';
import { problemLines } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';

/** --interface's value, checked against the devices the dump has. */
export function checkInterface(s: Session, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const name = String(value);
  const names = interfaceNames(s.tables);
  if (!names.includes(name)) throw new UsageError(`--interface: no device '${name}' in this dump (there are: ${names.join(', ')})`);
  return name;
}

export const interfacesCommand: Command = {
  name: 'interfaces',
  options: ['netns', 'interface'],
  aliases: ['ifconfig'],
  synopsis: 'interfaces [-v] [--interface IF] [--netns INODE|all]',
  summary: 'network devices: addresses, MTU, hardware address, flags, features, master/link (same as -i); -v adds state, handlers, counters, qdiscs',
  details: ['Shows the initial network namespace unless --netns says otherwise.'],
  examples: ['-i', '-iv --interface eth0', 'interfaces --netns all'],
  complete: (s, i) => (i === 0 ? interfaceNames(s.tables) : []),
  run(s, inv) {
    const t = s.tables;
    answerable(t.interfaces());
    const nets = selectNetns(t, inv.line.options.netns as string | undefined, 'init');
    const iface = checkInterface(s, inv.line.options.interface ?? inv.args[0]);
    const rows = interfaceRows(t, { netns: nets, iface });
    const blocks = rows.map((r) => ({
      lines: nets.length > 1 ? [`netns ${r.netns}`, ...interfaceBlock(r, inv.verbose > 0)] : interfaceBlock(r, inv.verbose > 0),
      get data() {
        return interfaceJson(r);
      },
      ref: { kind: 'iface' as const, netns: r.netns, ifindex: r.ifindex },
    }));
    // data when asked (--json, a view group): it names every handler and counter, which text -i does not show
    return { kind: 'text', lines: [...blocks.flatMap((b) => b.lines), ...problemLines(t.interfaces().problems)], get data() { return rows.map(interfaceJson); } };
  },
};
