// `sock ADDR|INODE`: everything about one socket (the drill-down view, as text). An inode is
// what lsof, ss -e and /proc/PID/fd ("socket:[10735]") show, so it is accepted too.

import { parseAddress, UsageError, type Command } from '../command.js';
import { socketDetailView } from '../socket-view.js';
import { ALL_FAMILIES, socketTable } from '../tables.js';

export const sockCommand: Command = {
  name: 'sock',
  synopsis: 'sock ADDR|INODE',
  summary: 'one socket in full: details, owners, queues, accept/SYN queues, user_data, peer',
  examples: ['sock ffff8d6b02d35100', 'sock 10735', 'sock socket:[10735]'],
  complete: (s, i) => (i === 0 ? s.recent.sockets : []),
  run(s, inv) {
    const w = inv.args[0];
    const inode = w === undefined ? undefined : /^(?:socket:\[)?(\d{1,10})\]?$/.exec(w)?.[1];
    if (inode !== undefined) {
      const n = Number(inode);
      for (const f of ALL_FAMILIES) {
        const r = socketTable(s, f).rows.find((x) => x.inode === n);
        if (r) return socketDetailView(s, r.sock).output;
      }
      throw new UsageError(`no socket with inode ${n} in this dump`);
    }
    return socketDetailView(s, parseAddress(s, w, 'socket address')).output;
  },
};
