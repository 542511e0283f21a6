// Processes: every thread-group leader on init_task.tasks (include/linux/sched/signal.h:
// for_each_process), with its open files (include/linux/fdtable.h: files_struct → fdtable).
//
// Kernel structures read here:
//   struct task_struct { struct list_head tasks; pid_t pid, tgid; char comm[16];
//       struct files_struct *files; struct task_struct *real_parent; struct nsproxy *nsproxy; }
//   struct files_struct { struct fdtable *fdt; }   struct fdtable { unsigned int max_fds; struct file **fd; }
//   struct file { const struct file_operations *f_op; void *private_data; }

import type { Kernel } from './kernel.js';
import { listEntries, readInAddressOrder, type WalkProblem } from './walk.js';
import { low32, readU64 } from './u64.js';

export interface Task {
  address: bigint;
  pid: number;
  tgid: number;
  ppid: number;
  comm: string;
  /** struct files_struct *, 0 for kernel threads. */
  files: bigint;
  /** struct net * of the task's network namespace (nsproxy->net_ns), 0 if exited. */
  net: bigint;
}

export interface OpenFile {
  fd: number;
  file: bigint;
  fop: bigint;
  privateData: bigint;
}

const T = 'struct task_struct';

export function tasks(k: Kernel, problems: WalkProblem[] = []): Task[] {
  const init = k.symbol('init_task');
  const tasksF = k.field(T, 'tasks');
  const pid = k.field(T, 'pid');
  const tgid = k.field(T, 'tgid');
  const comm = k.field(T, 'comm');
  const files = k.field(T, 'files');
  const parent = k.field(T, 'real_parent');
  const nsproxy = k.field(T, 'nsproxy');
  const netNs = k.field('struct nsproxy', 'net_ns');
  const out: Task[] = [];
  const read = (t: bigint): Task => {
    const ns = k.ptr(t, nsproxy);
    const par = k.ptr(t, parent);
    return {
      address: t,
      pid: k.num(t, pid),
      tgid: k.num(t, tgid),
      ppid: par ? k.num(par, tgid) : 0,
      comm: k.str(t, comm),
      files: k.ptr(t, files),
      net: ns ? k.ptr(ns, netNs) : 0n,
    };
  };
  out.push(read(init));
  const onProblem = (p: WalkProblem) => problems.push(p);
  for (const link of listEntries(k.mem, init + tasksF.offsetN, { where: 'init_task.tasks', limit: 4_000_000, onProblem })) {
    const t = link - tasksF.offsetN;
    try {
      out.push(read(t));
    } catch (e) {
      problems.push({ where: 'init_task.tasks', address: t, kind: 'unreadable', detail: (e as Error).message });
    }
  }
  return out;
}

/** At most this many fd slots are read per process (fs.nr_open can allow up to ~2^30). */
const MAX_FDS = 1 << 24;
/** fd array read in chunks of this many slots: a page missing from the dump loses 512, not all. */
const FD_CHUNK = 512;

/** The struct file pointers of a task's fd table, in fd order, with their fds; a chunk that
 *  cannot be read is reported and skipped. Undefined when the table itself cannot be read. */
function fdTable(k: Kernel, task: Task, problems: WalkProblem[]): { fds: number[]; files: bigint[]; where: string } | undefined {
  if (task.files === 0n) return undefined;
  const where = `files of pid ${task.pid}`;
  let max: number;
  let arr: bigint;
  try {
    const fdt = k.ptr(task.files, k.field('struct files_struct', 'fdt'));
    max = k.num(fdt, k.field('struct fdtable', 'max_fds'));
    arr = k.ptr(fdt, k.field('struct fdtable', 'fd'));
  } catch (e) {
    problems.push({ where, address: task.files, kind: 'unreadable', detail: (e as Error).message });
    return undefined;
  }
  if (max > MAX_FDS) {
    problems.push({ where, address: arr, kind: 'limit', detail: `max_fds=${max}: only the first ${MAX_FDS} fds are read` });
    max = MAX_FDS;
  }
  const fds: number[] = [];
  const files: bigint[] = [];
  for (let base = 0; base < max; base += FD_CHUNK) {
    const n = Math.min(FD_CHUNK, max - base);
    let slots: Buffer;
    try {
      slots = k.mem.read(arr + BigInt(base * 8), n * 8);
    } catch (e) {
      problems.push({ where, address: arr + BigInt(base * 8), kind: 'unreadable', detail: `fds ${base}-${base + n - 1}: ${(e as Error).message}` });
      continue;
    }
    for (let i = 0; i < n; i++) {
      // an empty slot told by its halves, without a bigint (a table is mostly empty slots)
      if (slots.readUInt32LE(i * 8) === 0 && slots.readUInt32LE(i * 8 + 4) === 0) continue;
      fds.push(base + i);
      files.push(readU64(slots, i * 8));
    }
  }
  return { fds, files, where };
}

/** Open files of a task (fd order). A slot, chunk or file that cannot be read is reported and
 *  skipped; the rest of the table is still read. */
export function openFiles(k: Kernel, task: Task, problems: WalkProblem[] = []): OpenFile[] {
  const out: OpenFile[] = [];
  const t = fdTable(k, task, problems);
  if (!t) return out;
  const { fds, files, where } = t;
  const fop = k.field('struct file', 'f_op');
  const priv = k.field('struct file', 'private_data');
  const span = Math.max(fop.offset + 8, priv.offset + 8);
  // The struct files are read in address order (a process with thousands of sockets has its
  // files spread over hundreds of slab pages, not in fd order), then listed in fd order.
  const read = readInAddressOrder(k.mem, files, (file, i): OpenFile | WalkProblem => {
    try {
      const v = k.view(file, span);
      return { fd: fds[i]!, file, fop: v.ptr(fop), privateData: v.ptr(priv) };
    } catch (e) {
      return { where: `${where}, fd ${fds[i]}`, address: file, kind: 'unreadable', detail: (e as Error).message };
    }
  }, span);
  for (const r of read) {
    if ('fd' in r) out.push(r);
    else problems.push(r);
  }
  return out;
}

/** Columns of open files: fd, struct file, private_data. */
export interface FileColumns {
  fds: number[];
  files: bigint[];
  privates: bigint[];
}

/**
 * The open files of a task whose f_op is `fops` and whose private_data is set, appended to
 * `out` in fd order, with the same problems in the same order as openFiles: openFiles filtered
 * so, without an object (nor an f_op bigint) per file — the owner index reads every file of
 * every process, 10,000 sockets' worth in one. Returns how many were appended.
 * `known`: files whose private_data is already known (file → private_data, all of them `fops`
 * files): not read again (a socket's struct socket points back at its file, socket->file,
 * and a table read with its inodes has read that).
 */
export function filesWithOps(k: Kernel, task: Task, fops: bigint, problems: WalkProblem[], out: FileColumns, known?: ReadonlyMap<bigint, bigint>): number {
  const t = fdTable(k, task, problems);
  if (!t) return 0;
  const { fds, files, where } = t;
  const fop = k.field('struct file', 'f_op');
  const priv = k.field('struct file', 'private_data');
  const span = Math.max(fop.offset + 8, priv.offset + 8);
  const fopsLo = low32(fops);
  const fopsHi = Number(fops >> 32n);
  // private_data of each file (0n: not a `fops` file), or its problem
  const privs: (bigint | WalkProblem | undefined)[] = new Array(files.length);
  const unknown: bigint[] = [];
  const unknownAt: number[] = [];
  for (let i = 0; i < files.length; i++) {
    const p = known?.get(files[i]!);
    if (p !== undefined) privs[i] = p;
    else {
      unknown.push(files[i]!);
      unknownAt.push(i);
    }
  }
  const read = readInAddressOrder(k.mem, unknown, (file, i): bigint | WalkProblem => {
    try {
      const b = k.mem.viewBuf(file, span);
      const o = k.mem.viewOff;
      if (b.readUInt32LE(o + fop.offset) !== fopsLo || b.readUInt32LE(o + fop.offset + 4) !== fopsHi) return 0n;
      return readU64(b, o + priv.offset);
    } catch (e) {
      return { where: `${where}, fd ${fds[unknownAt[i]!]}`, address: file, kind: 'unreadable', detail: (e as Error).message };
    }
  }, span);
  for (let j = 0; j < read.length; j++) privs[unknownAt[j]!] = read[j];
  let n = 0;
  for (let i = 0; i < privs.length; i++) {
    const r = privs[i]!;
    if (typeof r !== 'bigint') problems.push(r);
    else if (r !== 0n) {
      out.fds.push(fds[i]!);
      out.files.push(files[i]!);
      out.privates.push(r);
      n++;
    }
  }
  return n;
}

/** The files_struct a process's sockets hang from when its leader has none: a leader that
 *  called pthread_exit keeps the process alive through its threads (kernel/exit.c: exit_files
 *  clears only its own files). Threads are on signal->thread_head by thread_node (3.14+). */
export function filesOfThreads(k: Kernel, task: Task, problems: WalkProblem[] = []): bigint {
  const head = k.tryField('struct signal_struct', 'thread_head');
  const node = k.tryField('struct task_struct', 'thread_node');
  if (!head || !node) return 0n;
  try {
    const signal = k.ptr(task.address, k.field('struct task_struct', 'signal'));
    if (signal === 0n) return 0n;
    const files = k.field('struct task_struct', 'files');
    for (const link of listEntries(k.mem, signal + head.offsetN, { where: `threads of pid ${task.pid}`, limit: 1_000_000, onProblem: (p) => problems.push(p) })) {
      const f = k.ptr(link - node.offsetN, files);
      if (f !== 0n) return f;
    }
  } catch (e) {
    problems.push({ where: `threads of pid ${task.pid}`, address: task.address, kind: 'unreadable', detail: (e as Error).message });
  }
  return 0n;
}

/** Why a command line could not be shown (user pages are what makedumpfile -d 8 drops). */
export class UserMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserMemoryError';
  }
}

/** At most this much of a command line is read (/proc/PID/cmdline reads more, by pages). */
const MAX_CMDLINE = 4096;

// fs/proc/base.c: get_mm_cmdline — the bytes between mm->arg_start and mm->arg_end in the
// process's own address space, NUL-separated. Translated through the process's page tables
// (mm->pgd); undefined for kernel threads (no mm).
export function commandLine(k: Kernel, task: Task): string[] | undefined {
  const mm = k.ptr(task.address, k.field('struct task_struct', 'mm'));
  if (mm === 0n) return undefined;
  const M = 'struct mm_struct';
  const start = k.big(mm, k.field(M, 'arg_start'));
  const end = k.big(mm, k.field(M, 'arg_end'));
  if (end <= start) return [];
  const len = Number(end - start > BigInt(MAX_CMDLINE) ? BigInt(MAX_CMDLINE) : end - start);
  const pgd = k.ptr(mm, k.field(M, 'pgd'));
  const user = k.mem.userSpace(k.mem.phys(pgd));
  let bytes: Buffer;
  try {
    bytes = user.read(start, len);
  } catch (e) {
    const filtered = (e as { reason?: string }).reason === 'excluded';
    throw new UserMemoryError(filtered
      ? 'command line not in the dump: user pages were filtered out (makedumpfile -d 8 or more)'
      : `command line not readable: ${(e as Error).message}`);
  }
  const parts = bytes.toString('latin1').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
