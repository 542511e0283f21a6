// `--devpack` / `devpack`: the packet handlers (struct packet_type) of a netns as
// /proc/net/ptype lists them, plus the per-device ones it hides; AF_PACKET handlers name
// their socket and its processes.

import { devpackRows, devpackSpec } from '../../views/devpack.js';
import { selectNetns } from '../../views/netns.js';
import { rowJson } from '../../views/table.js';
import { tableOutput } from '../../report/table.js';
import { problemRows } from '../../report/json.js';
import { problemLines, type Output } from '../../report/model.js';
import type { Command } from '../command.js';

export const devpackCommand: Command = {
  name: 'devpack',
  aliases: ['ptype'],
  synopsis: 'devpack [--netns INODE|all]',
  summary: 'packet handlers (ptype_all, ptype_base, per-netns and per-device lists) with their function, module and, for AF_PACKET, the owning socket and process (same as --devpack)',
  details: ['Shows the initial network namespace unless --netns says otherwise.'],
  examples: ['--devpack', 'devpack --netns all', '--devpack --json'],
  run(s, inv) {
    const t = s.tables;
    const nets = selectNetns(t, inv.line.options.netns as string | undefined, 'init');
    const spec = devpackSpec(t);
    const notes = problemLines(t.packetHandlers().problems);
    const parts: Output[] = nets.map((ns, i) =>
      tableOutput(spec, devpackRows(t, [ns]), { title: nets.length > 1 ? `Packet handlers (netns ${ns})` : 'Packet handlers', notes: i === nets.length - 1 ? notes : undefined }));
    return parts.length === 1 ? parts[0] : { kind: 'group', parts, data: [...devpackRows(t, nets).map((r) => rowJson(spec, r)), ...problemRows(notes)] };
  },
};
