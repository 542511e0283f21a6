// The process view: one task's socket fds (each resolved to its socket row, or described
// from struct sock when no table lists its family) and its command line.

import { commandLine, type Task } from '../kernel/tasks.js';
import type { SocketRow } from '../net/socket-row.js';
import type { Owner } from '../net/owners.js';
import { FAMILY_NAMES, NETLINK_PROTOCOLS, AF_NETLINK } from '../net/constants.js';
import type { Session } from './session.js';
import { hex } from './table.js';

export type { Task };

export interface ProcessFd {
  owner: Owner;
  /** struct sock * behind the fd (0: not connected to a protocol). */
  sk: bigint;
  row?: SocketRow;
  /** For a socket no table lists: what it is ("PF_NETLINK NETLINK_ROUTE …"). */
  other?: string;
}


export function familyName(family: number): string {
  return FAMILY_NAMES[family] ?? `PF_${family}`;
}

/** A socket of a family this tool has no table for: say what it is from struct sock. */
function otherSocket(s: Session, sk: bigint): string {
  if (sk === 0n) return '(no sock: not connected to a protocol)';
  try {
    const k = s.kernel;
    const fam = k.num(sk, k.field('struct sock_common', 'skc_family'));
    const proto = k.num(sk, k.field('struct sock', 'sk_protocol'));
    const p = fam === AF_NETLINK ? `NETLINK_${NETLINK_PROTOCOLS[proto] ?? proto}` : `protocol ${proto}`;
    return `${familyName(fam)} ${p} (no table for this family) sock=${hex(sk)}`;
  } catch (e) {
    return `(unreadable sock ${hex(sk)}: ${(e as Error).message})`;
  }
}

export function processFds(s: Session, t: Task): ProcessFd[] {
  const k = s.kernel;
  const skF = k.field('struct socket', 'sk');
  return (s.tables.owners().byPid.get(t.pid) ?? []).map((o) => {
    // ownerIndex read socket->sk of every owner (reading it again, fd by fd, decoded the pages
    // of every struct socket a second time: 21,064 decodes per `pid` of a 100,000-socket process)
    let sk = o.sk ?? 0n;
    try {
      if (o.sk === undefined) sk = k.ptr(o.socket, skF);
    } catch (e) {
      return { owner: o, sk, other: `(unreadable struct socket ${hex(o.socket)}: ${(e as Error).message})` };
    }
    const row = sk ? s.tables.findSocket(sk) : undefined;
    return row ? { owner: o, sk, row } : { owner: o, sk, other: otherSocket(s, sk) };
  });
}

/** argv from the process's memory; undefined for a kernel thread; throws why it is not in the dump. */
export function processCommandLine(s: Session, t: Task): string[] | undefined {
  return commandLine(s.kernel, t);
}

export function taskByPid(s: Session, pid: number): Task | undefined {
  return s.tables.owners().tasks.find((x) => x.pid === pid);
}
