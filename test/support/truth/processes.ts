// The truth's proc.<pid> sections: every process with its fds (readlink /proc/<pid>/fd/*).

import type { Truth } from './sections.js';

export interface FdTruth {
  fd: number;
  /** readlink target, e.g. "socket:[1234]", "/dev/console", "pipe:[5]" */
  target: string;
  /** inode when target is "socket:[N]" */
  socketInode?: number;
}

export interface ProcessTruth {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
  netnsInode: number;
  fds: FdTruth[];
}

/** "net:[4026531840]" -> 4026531840 (0 when absent) */
export function nsInodeOf(link: string | undefined): number {
  const m = /net:\[(\d+)\]/.exec(link ?? '');
  return m ? Number(m[1]) : 0;
}

/** One proc.<pid> section: "pid=", "ppid=", "comm=", "cmdline=", "netns=" and "fd N -> target" lines. */
export function parseProcess(text: string): ProcessTruth {
  const p: ProcessTruth = { pid: 0, ppid: 0, comm: '', cmdline: '', netnsInode: 0, fds: [] };
  for (const line of text.split('\n')) {
    const fd = /^fd (\d+) -> (.*)$/.exec(line);
    if (fd) {
      const target = fd[2]!;
      const s = /^socket:\[(\d+)\]$/.exec(target);
      p.fds.push(s ? { fd: Number(fd[1]), target, socketInode: Number(s[1]) } : { fd: Number(fd[1]), target });
      continue;
    }
    const i = line.indexOf('=');
    if (i < 0) continue;
    const k = line.slice(0, i);
    const v = line.slice(i + 1);
    if (k === 'pid') p.pid = Number(v);
    else if (k === 'ppid') p.ppid = Number(v);
    else if (k === 'comm') p.comm = v;
    else if (k === 'cmdline') p.cmdline = v;
    else if (k === 'netns') p.netnsInode = nsInodeOf(v);
  }
  p.fds.sort((a, b) => a.fd - b.fd);
  return p;
}

/** Every process of the truth, by pid. */
export function parseProcesses(sections: Map<string, string>): ProcessTruth[] {
  const processes: ProcessTruth[] = [];
  for (const [k, v] of sections) if (/^proc\.\d+$/.test(k)) processes.push(parseProcess(v));
  return processes.sort((a, b) => a.pid - b.pid);
}

/** The processes (and fds) holding the socket with this inode. */
export function socketOwners(truth: Truth, inode: number): { pid: number; comm: string; fd: number }[] {
  const out: { pid: number; comm: string; fd: number }[] = [];
  for (const p of truth.processes)
    for (const f of p.fds) if (f.socketInode === inode) out.push({ pid: p.pid, comm: p.comm, fd: f.fd });
  return out;
}
