// Processes and the sockets they hold: `ps`, `pid N` / --pid, `program NAME` / --program,
// as the seed prints them ("-----PID=1 COMM=init", then fd/file/socket rows).

import type { Session } from '../../views/session.js';
import { processFds, processCommandLine, familyName, taskByPid as findTask, type Task } from '../../views/processes.js';
import { socketJson } from '../../views/socket-columns.js';
import { socketLine } from '../../report/sockets.js';
import { hex, type Output, type Row } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';

export function processView(s: Session, t: Task): Output {
  const rows: Row[] = processFds(s, t).map(({ owner: o, sk, row: r, other }) => ({
    cells: { fd: String(o.fd), file: hex(o.file), socket: hex(o.socket), what: r ? `${familyName(r.family)} ${socketLine(r)}` : other ?? '' },
    data: { fd: o.fd, file: hex(o.file), socket: hex(o.socket), sock: hex(sk), row: r ? socketJson(r, s.tables.ownersOf(r.sock)) : null },
    ref: sk && r ? { kind: 'sock' as const, address: sk } : undefined,
  }));
  let cmd: string;
  let argv: string[] | null = null;
  try {
    const c = processCommandLine(s, t);
    argv = c ?? null;
    cmd = c === undefined ? '(kernel thread)' : c.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  } catch (e) {
    cmd = `(${(e as Error).message})`;
  }
  const head = { kind: 'text' as const, lines: [`-----PID=${t.pid} COMM=${t.comm}`, `cmdline: ${cmd}`], data: { pid: t.pid, ppid: t.ppid, comm: t.comm, cmdline: argv, task: hex(t.address) } };
  const table: Output = {
    kind: 'table',
    columns: [
      { key: 'fd', title: 'fd', align: 'right' },
      { key: 'file', title: 'file' },
      { key: 'socket', title: 'socket' },
      { key: 'what', title: '' },
    ],
    rows,
    notes: rows.length ? [] : ['(no sockets)'],
  };
  return { kind: 'group', parts: [head, table], rowsIn: { head: head.data, key: 'sockets', rows }, get data() {
    return { ...head.data, sockets: rows.map((r) => r.data) };
  } };
}

export function taskByPid(s: Session, pid: number): Task {
  const t = findTask(s, pid);
  if (!t) throw new UsageError(`no process with PID ${pid} in this dump`);
  return t;
}

function parsePid(w: string | undefined): number {
  const pid = Number(w);
  if (!w || !Number.isInteger(pid) || pid < 0) throw new UsageError(`'${w ?? ''}' is not a PID`);
  return pid;
}

export const pidCommand: Command = {
  name: 'pid',
  options: ['pid'],
  synopsis: 'pid PID',
  summary: 'sockets held by one process (same as --pid PID)',
  examples: ['pid 1', '--pid 164'],
  complete: (s, i) => (i === 0 ? pidCandidates(s) : []),
  run(s, inv) {
    const pid = parsePid(inv.args[0] ?? (inv.line.options.pid as string | undefined));
    return processView(s, taskByPid(s, pid));
  },
};

export const programCommand: Command = {
  name: 'program',
  options: ['program'],
  synopsis: 'program NAME',
  summary: 'sockets held by every process with this command name (same as --program NAME)',
  examples: ['program dbserver', '--program websrv'],
  complete: (s, i) => (i === 0 ? programCandidates(s) : []),
  run(s, inv) {
    const name = inv.args[0] ?? (inv.line.options.program as string | undefined);
    if (!name) throw new UsageError('usage: program NAME');
    const ts = s.tables.owners().tasks.filter((t) => t.comm === name);
    if (!ts.length) throw new UsageError(`no process named '${name}' in this dump`);
    const parts = ts.map((t) => processView(s, t));
    return parts.length === 1 ? parts[0] : { kind: 'group', parts };
  },
};

export const psCommand: Command = {
  name: 'ps',
  options: ['all'],
  synopsis: 'ps [-a]',
  summary: 'processes that hold sockets (-a: every process), with their socket count',
  examples: ['ps', 'ps -a'],
  run(s, inv) {
    const idx = s.tables.owners();
    const list = idx.tasks.filter((t) => inv.line.options.all || idx.byPid.has(t.pid));
    return {
      kind: 'table',
      columns: [
        { key: 'pid', title: 'PID', align: 'right' },
        { key: 'ppid', title: 'PPID', align: 'right' },
        { key: 'comm', title: 'COMM' },
        { key: 'socks', title: 'SOCKETS', align: 'right' },
        { key: 'task', title: 'TASK' },
      ],
      rows: list.map((t) => ({
        cells: { pid: String(t.pid), ppid: String(t.ppid), comm: t.comm, socks: String(idx.byPid.count(t.pid)), task: hex(t.address) },
        data: { pid: t.pid, ppid: t.ppid, comm: t.comm, sockets: idx.byPid.count(t.pid), task: hex(t.address) },
        ref: { kind: 'task', pid: t.pid },
      })),
    };
  },
};

export function pidCandidates(s: Session): string[] {
  return s.tables.owners().tasks.map((t) => String(t.pid));
}

export function programCandidates(s: Session): string[] {
  return [...new Set(s.tables.owners().tasks.map((t) => t.comm))].sort();
}

