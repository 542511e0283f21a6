// `sock ADDR|INODE`: everything about one socket (the drill-down view, as text). An inode is
// what lsof, ss -e and /proc/PID/fd ("socket:[10735]") show, so it is accepted too.

import { UsageError, type Command } from '../command.js';
import type { Session } from '../../views/session.js';
import { socketDetail } from '../../views/socket-detail.js';
import { socketDetailOutput } from '../../report/socket-detail.js';
import type { DrillView } from '../drill.js';

/** The drill-down view of the socket at `sock`. */
export function socketView(s: Session, sock: bigint): DrillView {
  const r = s.tables.findSocket(sock);
  if (!r) throw new Error(`0x${sock.toString(16)} is not a socket in any table of this dump`);
  return socketDetailOutput(socketDetail(s, r, true), (x) => s.tables.ownersOf(x.sock));
}

export const sockCommand: Command = {
  name: 'sock',
  options: [],
  synopsis: 'sock ADDR|INODE',
  summary: 'one socket in full: details, owners, queues, accept/SYN queues, user_data, peer',
  examples: ['sock ffff8d6b02d35100', 'sock 10735', 'sock socket:[10735]'],
  complete: (s, i) => (i === 0 ? s.recent.sockets : []),
  run(s, inv) {
    const w = inv.args[0];
    const inode = w === undefined ? undefined : /^(?:socket:\[)?(\d{1,10})\]?$/.exec(w)?.[1];
    if (inode !== undefined) {
      const r = s.tables.findSocketByInode(Number(inode));
      if (!r) throw new UsageError(`no socket with inode ${inode} in this dump`);
      return socketView(s, r.sock).output;
    }
    return socketView(s, s.inspect.address(w, 'socket address')).output;
  },
};
