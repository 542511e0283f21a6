// crash's `list`, `files PID` and `kmem ADDR` on real dumps: files against the guest's own
// readlink /proc/PID/fd (the truth's proc.<pid> sections), kmem against the caches sockets are
// allocated from (net/ipv4/tcp_ipv4.c tcp_prot.slab = "TCP", twsk "tw_sock_TCP", rsk
// "request_sock_TCP", net/unix "UNIX"), list against the namespaces the truth lists.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { parseProcesses } from '../support/truth.js';
import { runJson as json } from '../support/fixtures.js';

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host'];


describe.each(FIXTURES)('list, files, kmem on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('files PID names every fd as /proc/PID/fd did (sockets, ttys, nsfs, files)', () => {
    const procs = parseProcesses(truth.sections);
    let same = 0;
    let total = 0;
    for (const p of procs.filter((x) => x.fds.length && x.pid !== 1)) {
      const r = runLine(session, `files ${p.pid} --json`);
      if (r.error) continue; // exited between the truth and the crash
      const rows: { fd: number; path: string }[] = JSON.parse(r.lines.join('\n'));
      for (const fd of p.fds) {
        const row = rows.find((x) => x.fd === fd.fd);
        total++;
        if (row?.path === fd.target) same++;
        else if (row && !fd.target.startsWith('socket:')) expect(row.path, `pid ${p.pid} fd ${fd.fd}`).toBe(fd.target);
      }
    }
    expect(total).toBeGreaterThan(10);
    // sockets closed or accepted between the truth and the crash may differ; nearly all agree
    expect(same / total).toBeGreaterThan(0.9);
    expect(runLine(session, 'files 999999').error).toMatch(/no process with pid 999999/);
  });

  it('kmem names the cache each socket came from, with the sock as the object', () => {
    const rows: { proto: string; sock: string; kind: string }[] = json(session, '-atux --json');
    const want = (r: { proto: string; kind: string }) =>
      r.proto === 'unix' ? /^UNIX/ : r.kind === 'timewait' ? /^tw_sock_TCP/ : r.kind === 'request' ? /^request_sock_TCP/ : r.proto.startsWith('tcp') ? /^TCP/ : /^UDP/;
    let n = 0;
    for (const r of rows.filter((x) => x.sock).slice(0, 60)) {
      const k = json(session, `kmem ${r.sock} --json`);
      // SLUB merges caches of one size and flags: UDP's and UNIX's may be named for another
      // (signal_cache, PING); TCP's have their own
      if (r.proto.startsWith('tcp')) expect(k.name, `${r.proto} ${r.kind} ${r.sock}`).toMatch(want(r));
      expect(k.object).toBe(r.sock);
      expect(k.offset).toBe(0);
      n++;
    }
    expect(n).toBeGreaterThan(10);
    const inside = json(session, `kmem 0x${(BigInt(rows[0].sock) + 0x10n).toString(16)} --json`);
    expect(inside.object).toBe(rows[0].sock);
    expect(inside.offset).toBe(16);
    expect(runLine(session, 'kmem jiffies').error).toMatch(/not a direct-map address/);
  });

  it('list -H walks a list_head: the namespaces, the devices of init_net', () => {
    const nets = json(session, 'list -H net_namespace_list -o net.list --json');
    expect(nets.entries.length).toBe(json(session, 'netns --json').length);
    expect(nets.problems).toEqual([]);
    const devs = runLine(session, 'list -H init_net.dev_base_head -o net_device.dev_list -s net_device.name');
    const names = devs.lines.filter((l) => l.includes('name =')).map((l) => /"(.*)"/.exec(l)![1]);
    expect(names[0]).toBe('lo');
    const init = truth.netns.find((x) => x.isInit)!;
    const want = [...init.text.get('dev')!.matchAll(/^\s*([^\s:]+):/gm)].map((m) => m[1]).filter((x) => x !== 'Inter-' && x !== 'face');
    expect(new Set(names)).toEqual(new Set(want));
    // without -H the start is an entry: a list_head walked from one of its entries
    const from = json(session, `list ${nets.entries[0]} -o net.list --json`);
    expect(from.entries[0]).toBe(nets.entries[0]);
    expect(from.entries.length).toBe(nets.entries.length + 1);
  });
});
