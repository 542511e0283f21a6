// Which processes hold each socket: a file whose f_op is socket_file_ops has a struct socket
// in private_data (net/socket.c: sock_from_file), and socket->sk is the sock the tables list.

import type { Kernel } from '../kernel/kernel.js';
import { readInAddressOrder, unreadable, type WalkProblem } from '../kernel/walk.js';
import { sockFields } from './sock.js';
import { tasks, openFiles, filesOfThreads, type OpenFile, type Task } from '../kernel/tasks.js';

export interface Owner {
  pid: number;
  comm: string;
  fd: number;
  file: bigint;
  socket: bigint;
}

export interface OwnerIndex {
  /** struct sock * → the (pid, fd) pairs that reach it. */
  bySock: Map<bigint, Owner[]>;
  tasks: Task[];
  /** pid → its socket-holding fds. */
  byPid: Map<number, Owner[]>;
  problems: WalkProblem[];
}

export function ownerIndex(k: Kernel): OwnerIndex {
  const problems: WalkProblem[] = [];
  const all = tasks(k, problems);
  const sockFops = k.symbol('socket_file_ops');
  const skF = k.field('struct socket', 'sk');
  const bySock = new Map<bigint, Owner[]>();
  const byPid = new Map<number, Owner[]>();
  // Every socket file first; then their struct sockets read in address order (a large
  // table's sockets fill thousands of slab pages, which fd order visits at random).
  const found: { t: Task; f: OpenFile }[] = [];
  for (const t of all) {
    // A process whose leader has exited (files == NULL) still holds its threads' files.
    const files = t.files !== 0n || t.pid === 0 ? t : { ...t, files: filesOfThreads(k, t, problems) };
    for (const f of openFiles(k, files, problems)) {
      if (f.fop === sockFops && f.privateData !== 0n) found.push({ t, f });
    }
  }
  const known = sockFields(k).socketSk; // read with the sockets' inodes (sock.ts)
  const sks = readInAddressOrder(k.mem, found.map((x) => x.f.privateData), (socket, i): bigint | WalkProblem => {
    try {
      return known.get(socket) ?? k.ptr(socket, skF);
    } catch (e) {
      return unreadable(`fd ${found[i]!.f.fd} of pid ${found[i]!.t.pid}`, socket, e);
    }
  }, skF.offset + 8);
  for (let i = 0; i < found.length; i++) {
    const { t, f } = found[i]!;
    const sk = sks[i]!;
    if (typeof sk !== 'bigint') {
      problems.push(sk);
      continue;
    }
    const o: Owner = { pid: t.pid, comm: t.comm, fd: f.fd, file: f.file, socket: f.privateData };
    if (sk) {
      const list = bySock.get(sk);
      if (list) list.push(o);
      else bySock.set(sk, [o]);
    }
    const pl = byPid.get(t.pid);
    if (pl) pl.push(o);
    else byPid.set(t.pid, [o]);
  }
  return { bySock, tasks: all, byPid, problems };
}
