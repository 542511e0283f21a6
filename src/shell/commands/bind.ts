// `bind`: the TCP bind hash — each local port in use, its reuse flags and owning sockets.

import { bindRows, BIND_SPEC } from '../../views/bind.js';
import { answerable } from '../../views/table.js';
import { tableOutput } from '../../report/table.js';
import { problemLines } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';
import { checkNetns } from './sockets.js';

export const bindCommand: Command = {
  name: 'bind',
  synopsis: 'bind [--port N] [--netns I]',
  summary: 'TCP bind hash: local ports in use, fastreuse/fastreuseport, the sockets bound to each',
  examples: ['bind', 'bind --port 8080'],
  run(s, inv) {
    const o = inv.line.options;
    const port = o.port === undefined ? undefined : Number(o.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port: '${o.port}' is not a port number`);
    if (o.netns !== undefined && o.netns !== 'all') {
      if (!Number.isInteger(Number(o.netns))) throw new UsageError(`--netns: '${o.netns}' is not a netns inode (or 'all')`);
      checkNetns(s, Number(o.netns));
    }
    const netns = o.netns === undefined || o.netns === 'all' ? undefined : Number(o.netns);
    const t = answerable(s.tables.bind());
    return tableOutput(BIND_SPEC, bindRows(s.tables, { port, netns }), { notes: problemLines(t.problems) });
  },
};
