// What crash's `list`, `files` and `kmem` need of memory, for the Inspector (src/views/inspect.ts):
// a bounded, cycle-detecting list_head walk, a process's open files by name, the slab cache
// of an address.

import type { Kernel } from '../kernel/kernel.js';
import { listEntries, type WalkProblem } from '../kernel/walk.js';
import { tasks, openFiles, type Task } from '../kernel/tasks.js';
import { filePath } from '../kernel/file-path.js';
import { slabOf, type SlabHit } from '../kernel/slab.js';
import { GAP } from './table.js';

export type { SlabHit };

export interface ListWalk {
  /** Entry addresses (link address minus the -o offset). */
  entries: bigint[];
  problems: WalkProblem[];
}

// include/linux/list.h list_for_each: `head` is the list_head the list hangs from (crash -H)
export function walkList(k: Kernel, head: bigint, linkOffset: bigint, limit: number): ListWalk {
  const problems: WalkProblem[] = [];
  const entries: bigint[] = [];
  for (const link of listEntries(k.mem, head, { where: `list 0x${head.toString(16)}`, limit, onProblem: (p) => problems.push(p) })) {
    entries.push(link - linkOffset);
  }
  return { entries, problems };
}

export interface FileRow {
  fd: number;
  file: bigint;
  /** As /proc/PID/fd shows it; GAP-marked when unreadable. */
  path: string;
  /** struct file_operations symbol (what kind of file). */
  fop: string;
}

/** A process's open files (fs/file.c: files_struct → fdtable), each named as readlink does. */
export function processFiles(k: Kernel, pid: number): { task: Task; files: FileRow[]; problems: WalkProblem[] } | undefined {
  const problems: WalkProblem[] = [];
  const task = tasks(k, problems).find((t) => t.pid === pid);
  if (!task) return undefined;
  const files = openFiles(k, task, problems).map((f) => {
    let path: string;
    try {
      path = filePath(k, f.file);
    } catch (e) {
      path = `${GAP} (${(e as Error).message})`;
    }
    return { fd: f.fd, file: f.file, path, fop: f.fop ? k.symbolize(f.fop) : '0' };
  });
  return { task, files, problems };
}

export function slabOfAddress(k: Kernel, address: bigint): SlabHit {
  return slabOf(k, address);
}
