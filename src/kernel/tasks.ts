// Processes: every thread-group leader on init_task.tasks (include/linux/sched/signal.h:
// for_each_process), with its open files (include/linux/fdtable.h: files_struct → fdtable).
//
// Kernel structures read here:
//   struct task_struct { struct list_head tasks; pid_t pid, tgid; char comm[16];
//       struct files_struct *files; struct task_struct *real_parent; struct nsproxy *nsproxy; }
//   struct files_struct { struct fdtable *fdt; }   struct fdtable { unsigned int max_fds; struct file **fd; }
//   struct file { const struct file_operations *f_op; void *private_data; }

import type { Kernel } from './kernel.js';
import { listEntries, type WalkProblem } from './walk.js';

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

/** Open files of a task (fd order); files shared by threads are read once per leader. */
export function openFiles(k: Kernel, task: Task, problems: WalkProblem[] = []): OpenFile[] {
  if (task.files === 0n) return [];
  const out: OpenFile[] = [];
  try {
    const fdt = k.ptr(task.files, k.field('struct files_struct', 'fdt'));
    const max = k.num(fdt, k.field('struct fdtable', 'max_fds'));
    const arr = k.ptr(fdt, k.field('struct fdtable', 'fd'));
    const fop = k.field('struct file', 'f_op');
    const priv = k.field('struct file', 'private_data');
    const n = Math.min(max, 1 << 20);
    // Read the fd array in one go: it is contiguous (kvmalloc'ed) in kernel virtual memory.
    const fds = k.mem.read(arr, n * 8);
    for (let fd = 0; fd < n; fd++) {
      const file = fds.readBigUInt64LE(fd * 8);
      if (file === 0n) continue;
      out.push({ fd, file, fop: k.ptr(file, fop), privateData: k.ptr(file, priv) });
    }
  } catch (e) {
    problems.push({ where: `files of pid ${task.pid}`, address: task.files, kind: 'unreadable', detail: (e as Error).message });
  }
  return out;
}
