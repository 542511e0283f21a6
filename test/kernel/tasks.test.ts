// Processes, their fds and command lines, against the guest's /proc/PID views. Command lines
// live in user memory: the unfiltered QEMU ELF has them, a makedumpfile -d 31 dump does not.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Session } from '../../src/views/session.js';
import { tasks, commandLine } from '../../src/kernel/tasks.js';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';
import { unpackZst } from '../support/unpack.js';

describe('tasks of bookworm-6.1', () => {
  const truth = fixtureTruth('bookworm-6.1');
  const elf = Session.open(unpackZst(join(fixtureDir('bookworm-6.1'), 'vmcore.elf.zst')));
  const kdump = fixtureSession('bookworm-6.1');

  it('every process the guest listed, with its parent and name', () => {
    // /proc shows a kernel thread's full_name or a kworker's current workqueue; task->comm
    // holds 15 characters: compare names of user processes only
    const name = (pid: number, ppid: number, comm: string) => (ppid === 2 || pid === 2 ? '' : comm);
    const mine = tasks(kdump.kernel).filter((t) => t.pid > 0).map((t) => `${t.pid} ${t.ppid} ${name(t.pid, t.ppid, t.comm)}`).sort();
    const want = truth.processes.map((p) => `${p.pid} ${p.ppid} ${name(p.pid, p.ppid, p.comm)}`).sort();
    // the guest's own shell and ls ran while it printed; everything it listed is there
    for (const w of want.filter((x) => !/ (ls|cat|sh|readlink|busybox)$/.test(x))) expect(mine).toContain(w);
  });

  it('command lines read through each process page tables in the unfiltered ELF', () => {
    let checked = 0;
    for (const t of tasks(elf.kernel)) {
      const p = truth.processes.find((x) => x.pid === t.pid);
      if (!p || !p.cmdline || /^(ls|cat|readlink)\b/.test(p.comm)) continue;
      expect(commandLine(elf.kernel, t)?.join(' '), `pid ${t.pid}`).toBe(p.cmdline);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('say why when user pages were filtered out, and kernel threads have none', () => {
    const websrv = truth.processes.find((p) => p.comm === 'websrv')!;
    const out = runLine(kdump, `pid ${websrv.pid}`).lines.join('\n');
    expect(out).toContain('cmdline: (command line not in the dump: user pages were filtered out');
    expect(runLine(elf, `pid ${websrv.pid}`).lines.join('\n')).toContain(`cmdline: ${websrv.cmdline}`);
    const kthread = truth.processes.find((p) => p.ppid === 2)!;
    expect(runLine(kdump, `pid ${kthread.pid}`).lines.join('\n')).toContain('cmdline: (kernel thread)');
  });
});

describe('--pid --json on every fixture', () => {
  for (const name of ['bullseye-5.10', 'bookworm-6.1', 'trixie-6.12']) {
    it(`${name}: each socket-holding process lists exactly its socket fds`, () => {
      const s = fixtureSession(name);
      const truth = fixtureTruth(name);
      const holders = truth.processes.filter((p) => p.fds.some((f) => f.socketInode !== undefined));
      expect(holders.length).toBeGreaterThan(5);
      const netlink = new Set(truth.netns.flatMap((ns) => ns.netlink.map((n) => n.inode)));
      for (const p of holders) {
        const j = JSON.parse(runLine(s, `--pid ${p.pid} --json`).lines.join('\n'));
        expect(j.pid).toBe(p.pid);
        expect(j.comm).toBe(p.comm);
        const sockFds = p.fds.filter((f) => f.socketInode !== undefined);
        expect(j.sockets.map((x: { fd: number }) => x.fd).sort()).toEqual(sockFds.map((f) => f.fd).sort());
        for (const x of j.sockets as { fd: number; row: { inode: number } | null }[]) {
          const inode = sockFds.find((f) => f.fd === x.fd)!.socketInode!;
          if (x.row) expect(x.row.inode).toBe(inode);
          else expect(netlink.has(inode), `fd ${x.fd} of pid ${p.pid}: only netlink sockets are in no table`).toBe(true);
        }
      }
    });
  }
});
