// Which processes hold each socket: a file whose f_op is socket_file_ops has a struct socket
// in private_data (net/socket.c: sock_from_file), and socket->sk is the sock the tables list.

import type { Kernel } from '../kernel/kernel.js';
import { readInAddressOrder, unreadable, type WalkProblem } from '../kernel/walk.js';
import { sockFields } from './sock.js';
import { tasks, filesWithOps, filesOfThreads, type FileColumns, type Task } from '../kernel/tasks.js';

export interface Owner {
  pid: number;
  comm: string;
  fd: number;
  file: bigint;
  socket: bigint;
  /** socket->sk as the index read it (0n: NULL); absent where the owner was not indexed. */
  readonly sk?: bigint;
}

/** The owners of one key, asked as a Map is (get/has). */
export interface OwnerLookup<K> {
  get(key: K): Owner[] | undefined;
  has(key: K): boolean;
  /** How many owners `key` has (get(key)?.length, without making them). */
  count(key: K): number;
  /** Where the owners of `key` are: a small handle a row can keep instead of its owner list
   *  (`at` makes the list), so that the map is asked once per row, not at every rendering. */
  ref(key: K): OwnerRef;
  at(ref: OwnerRef): Owner[] | undefined;
}

/** An owner number, several, or none (undefined). */
export type OwnerRef = number | readonly number[] | undefined;

export interface OwnerIndex {
  /** struct sock * → the (pid, fd) pairs that reach it. */
  bySock: OwnerLookup<bigint>;
  tasks: Task[];
  /** pid → its socket-holding fds. */
  byPid: OwnerLookup<number>;
  problems: WalkProblem[];
}

/** Every owner of the index in columns: a table of 100,000 sockets is four typed arrays, not
 *  100,000 objects with two bigints each; an Owner is made when one is asked for. */
class OwnerColumns {
  readonly task: Int32Array;
  readonly fd: Int32Array;
  readonly file: BigUint64Array;
  readonly socket: BigUint64Array;
  readonly sk: BigUint64Array;
  length = 0;

  constructor(readonly tasks: Task[], capacity: number) {
    this.task = new Int32Array(capacity);
    this.fd = new Int32Array(capacity);
    this.file = new BigUint64Array(capacity);
    this.socket = new BigUint64Array(capacity);
    this.sk = new BigUint64Array(capacity);
  }

  add(task: number, fd: number, file: bigint, socket: bigint, sk: bigint): number {
    const i = this.length++;
    this.task[i] = task;
    this.fd[i] = fd;
    this.file[i] = file;
    this.socket[i] = socket;
    this.sk[i] = sk;
    return i;
  }

  owner(i: number): Owner {
    return new IndexedOwner(this, i);
  }
}

/** An owner read from the columns: pid, comm and fd at hand (what the tables print), the file
 *  and socket addresses read when asked (drill-down). */
class IndexedOwner implements Owner {
  readonly pid: number;
  readonly comm: string;
  readonly fd: number;
  constructor(private readonly c: OwnerColumns, private readonly i: number) {
    const t = c.tasks[c.task[i]!]!;
    this.pid = t.pid;
    this.comm = t.comm;
    this.fd = c.fd[i]!;
  }

  get file(): bigint {
    return this.c.file[this.i]!;
  }

  get socket(): bigint {
    return this.c.socket[this.i]!;
  }

  get sk(): bigint {
    return this.c.sk[this.i]!;
  }
}

/** key → owner numbers: one number for the usual one owner, an array for more. */
class OwnersBy<K> implements OwnerLookup<K> {
  private readonly m = new Map<K, number | number[]>();
  constructor(private readonly c: OwnerColumns) {}

  add(key: K, i: number): void {
    const had = this.m.get(key);
    if (had === undefined) this.m.set(key, i);
    else if (typeof had === 'number') this.m.set(key, [had, i]);
    else had.push(i);
  }

  get(key: K): Owner[] | undefined {
    return this.at(this.m.get(key));
  }

  ref(key: K): OwnerRef {
    return this.m.get(key);
  }

  at(ref: OwnerRef): Owner[] | undefined {
    if (ref === undefined) return undefined;
    if (typeof ref === 'number') return [this.c.owner(ref)];
    return ref.map((i) => this.c.owner(i));
  }

  has(key: K): boolean {
    return this.m.has(key);
  }

  count(key: K): number {
    const had = this.m.get(key);
    return had === undefined ? 0 : typeof had === 'number' ? 1 : had.length;
  }
}

/** The index of a dump whose task list cannot be read: no owners, one problem. */
export function emptyOwnerIndex(problems: WalkProblem[]): OwnerIndex {
  const c = new OwnerColumns([], 0);
  return { bySock: new OwnersBy(c), byPid: new OwnersBy(c), tasks: [], problems };
}

export function ownerIndex(k: Kernel): OwnerIndex {
  const problems: WalkProblem[] = [];
  const all = tasks(k, problems);
  const sockFops = k.symbol('socket_file_ops');
  const skF = k.field('struct socket', 'sk');
  // Every socket file first; then their struct sockets read in address order (a large
  // table's sockets fill thousands of slab pages, which fd order visits at random). Kept as
  // columns, not one object per fd: 100,000 of them live through the whole read.
  // socket->sk and socket->file as read with the sockets' inodes (sock.ts), in ascending
  // socket order: the files of those sockets are not read again
  const known = sockFields(k).takeSocketSk();
  const knownFiles = new Map<bigint, bigint>();
  for (let i = 0; i < known.files.length; i++) if (known.files[i] !== 0n) knownFiles.set(known.files[i]!, known.sockets[i]!);
  const taskOf: number[] = [];
  const cols: FileColumns = { fds: [], files: [], privates: [] };
  for (let ti = 0; ti < all.length; ti++) {
    const t = all[ti]!;
    // A process whose leader has exited (files == NULL) still holds its threads' files.
    const fl = t.files !== 0n || t.pid === 0 ? t : { ...t, files: filesOfThreads(k, t, problems) };
    for (let n = filesWithOps(k, fl, sockFops, problems, cols, knownFiles); n > 0; n--) taskOf.push(ti);
  }
  const { fds, files, privates: sockets } = cols;
  // the sockets are visited in ascending order too, so each is found in `known` by one
  // merging pass
  let j = 0;
  const sks = readInAddressOrder(k.mem, sockets, (socket, i): bigint | WalkProblem => {
    try {
      while (j < known.sockets.length && known.sockets[j]! < socket) j++;
      // the last of equal sockets, as a Map set for each would keep
      let last = -1;
      for (let m = j; m < known.sockets.length && known.sockets[m] === socket; m++) last = m;
      return last >= 0 ? known.sks[last]! : k.ptr(socket, skF);
    } catch (e) {
      return unreadable(`fd ${fds[i]!} of pid ${all[taskOf[i]!]!.pid}`, socket, e);
    }
  }, skF.offset + 8);
  const c = new OwnerColumns(all, sockets.length);
  const bySock = new OwnersBy<bigint>(c);
  const byPid = new OwnersBy<number>(c);
  for (let i = 0; i < sockets.length; i++) {
    const sk = sks[i]!;
    if (typeof sk !== 'bigint') {
      problems.push(sk);
      continue;
    }
    const o = c.add(taskOf[i]!, fds[i]!, files[i]!, sockets[i]!, sk);
    if (sk) bySock.add(sk, o);
    byPid.add(all[taskOf[i]!]!.pid, o);
  }
  return { bySock, tasks: all, byPid, problems };
}
