// Processes and the sockets they hold: `ps`, `pid N` / --pid, `program NAME` / --program,
// as the seed prints them ("-----PID=1 COMM=init", then fd/file/socket rows).

import type { Session } from '../session.js';
import { owners, findSocket } from '../tables.js';
import { socketLine, socketJson } from '../../report/sockets.js';
import { hex, type Output, type Row } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';
import { commandLine, type Task } from '../../kernel/tasks.js';

const FAMILY_NAMES: Record<number, string> = {
  1: 'PF_UNIX', 2: 'PF_INET', 10: 'PF_INET6', 16: 'PF_NETLINK', 17: 'PF_PACKET', 38: 'PF_ALG', 40: 'PF_VSOCK', 44: 'PF_XDP',
};
// include/uapi/linux/netlink.h
const NETLINK_PROTOCOLS: Record<number, string> = {
  0: 'ROUTE', 4: 'SOCK_DIAG', 6: 'XFRM', 9: 'AUDIT', 10: 'FIB_LOOKUP', 11: 'CONNECTOR', 12: 'NETFILTER', 15: 'KOBJECT_UEVENT', 16: 'GENERIC',
};

/** A socket of a family this tool has no table for: say what it is from struct sock. */
function otherSocket(s: Session, sk: bigint): string {
  if (sk === 0n) return '(no sock: not connected to a protocol)';
  try {
    const k = s.kernel;
    const fam = k.num(sk, k.field('struct sock_common', 'skc_family'));
    const proto = k.num(sk, k.field('struct sock', 'sk_protocol'));
    const name = FAMILY_NAMES[fam] ?? `PF_${fam}`;
    const p = fam === 16 ? `NETLINK_${NETLINK_PROTOCOLS[proto] ?? proto}` : `protocol ${proto}`;
    return `${name} ${p} (no table for this family) sock=${hex(sk)}`;
  } catch (e) {
    return `(unreadable sock ${hex(sk)}: ${(e as Error).message})`;
  }
}

export function processView(s: Session, t: Task): Output {
  const idx = owners(s);
  const fds = idx.byPid.get(t.pid) ?? [];
  const rows: Row[] = fds.map((o) => {
    const sk = s.kernel.ptr(o.socket, s.kernel.field('struct socket', 'sk'));
    const r = sk ? findSocket(s, sk) : undefined;
    const fam = r ? FAMILY_NAMES[r.family] ?? `PF_${r.family}` : '';
    return {
      cells: { fd: String(o.fd), file: hex(o.file), socket: hex(o.socket), what: r ? `${fam} ${socketLine(r)}` : otherSocket(s, sk) },
      data: { fd: o.fd, file: hex(o.file), socket: hex(o.socket), sock: hex(sk), row: r ? socketJson(r, idx.bySock.get(r.sock) ?? []) : null },
      ref: sk && r ? { kind: 'sock', address: sk } : undefined,
    };
  });
  let cmd: string;
  let argv: string[] | null = null;
  try {
    const c = commandLine(s.kernel, t);
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
  return { kind: 'group', parts: [head, table], get data() {
    return { ...head.data, sockets: rows.map((r) => r.data) };
  } };
}

export function taskByPid(s: Session, pid: number): Task {
  const t = owners(s).tasks.find((x) => x.pid === pid);
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
  synopsis: 'program NAME',
  summary: 'sockets held by every process with this command name (same as --program NAME)',
  examples: ['program dbserver', '--program websrv'],
  complete: (s, i) => (i === 0 ? programCandidates(s) : []),
  run(s, inv) {
    const name = inv.args[0] ?? (inv.line.options.program as string | undefined);
    if (!name) throw new UsageError('usage: program NAME');
    const ts = owners(s).tasks.filter((t) => t.comm === name);
    if (!ts.length) throw new UsageError(`no process named '${name}' in this dump`);
    const parts = ts.map((t) => processView(s, t));
    return parts.length === 1 ? parts[0] : { kind: 'group', parts };
  },
};

export const psCommand: Command = {
  name: 'ps',
  synopsis: 'ps [-a]',
  summary: 'processes that hold sockets (-a: every process), with their socket count',
  examples: ['ps', 'ps -a'],
  run(s, inv) {
    const idx = owners(s);
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
        cells: { pid: String(t.pid), ppid: String(t.ppid), comm: t.comm, socks: String(idx.byPid.get(t.pid)?.length ?? 0), task: hex(t.address) },
        data: { pid: t.pid, ppid: t.ppid, comm: t.comm, sockets: idx.byPid.get(t.pid)?.length ?? 0, task: hex(t.address) },
        ref: { kind: 'task', pid: t.pid },
      })),
    };
  },
};

export function pidCandidates(s: Session): string[] {
  return owners(s).tasks.map((t) => String(t.pid));
}

export function programCandidates(s: Session): string[] {
  return [...new Set(owners(s).tasks.map((t) => t.comm))].sort();
}

