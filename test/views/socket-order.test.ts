// --sort and --count on the socket tables, against the guest's own /proc/net/tcp[6]: counts per
// state, per local port and per remote address are the truth's, sorted orders hold.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';
import { runJson as json } from '../support/fixtures.js';

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host', 'bookworm-6.1-host'];


function tally(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

describe.each(FIXTURES)('--sort and --count on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);
  const tcp = truth.netns.flatMap((ns) => allTcp(ns));

  it('-at --count state: the count of each state in /proc/net/tcp', () => {
    const rows = json(session, '-at --count state --json');
    const want = tally(tcp.map((t) => (t.state === 'SYN_RECV' ? 'NEW_SYN_RECV' : t.state)));
    const got = new Map(rows.map((r) => [String(r.state) === 'SYN_RECV' ? 'NEW_SYN_RECV' : String(r.state), Number(r.count)]));
    expect(got).toEqual(want);
    // most first
    const counts = rows.map((r) => Number(r.count));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('-at --count port: sockets per local port; --count remote: per remote address', () => {
    const ports = json(session, '-at --count port --json');
    expect(new Map(ports.map((r) => [String(r.port), Number(r.count)]))).toEqual(tally(tcp.map((t) => String(t.localPort))));
    const remote = json(session, '-at --count remote --json');
    const sum = remote.reduce((a, r) => a + Number(r.count), 0);
    expect(sum).toBe(tcp.length);
    const bare = (a: string) => a.replace(/^\[|\]$/g, '');
    const want = tally(tcp.map((t) => t.remoteAddr));
    expect(new Map(remote.map((r) => [bare(String(r.remote)), Number(r.count)]))).toEqual(want);
    const text = runLine(session, '-at --count port');
    expect(text.lines[0]).toMatch(/^Count\s+Port/);
    expect(text.lines.at(-1)).toBe(`${tcp.length} sockets`);
  });

  it('--sort: recv-q descending, port ascending, inode; rows unchanged, only their order', () => {
    const plain = json(session, '-at --json');
    const byRecv = json(session, '-at --sort -recv-q --json');
    expect(byRecv.length).toBe(tcp.length);
    const rq = byRecv.map((r) => Number(r.rxQueue));
    expect(rq).toEqual([...rq].sort((a, b) => b - a));
    expect(Math.max(...rq)).toBe(Math.max(...tcp.map((t) => t.rxQueue)));
    const byPort = json(session, '-at --sort port --json');
    const ports = byPort.map((r) => Number(String(r.local).split(':').pop()));
    expect(ports).toEqual([...ports].sort((a, b) => a - b));
    const inodes = json(session, '-at --sort inode --json').map((r) => Number(r.inode));
    expect(inodes).toEqual([...inodes].sort((a, b) => a - b));
    expect(new Set(byPort.map((r) => r.sock))).toEqual(new Set(plain.map((r) => r.sock)));
    const state = json(session, '-at --sort state --json').map((r) => String(r.state));
    expect(state).toEqual([...state].sort());
  });

  it('wrong fields are one clear line', () => {
    expect(runLine(session, '-at --count nothing').error).toMatch(/--count: 'nothing' is not a grouping/);
    expect(runLine(session, '-at --sort bogus').error).toMatch(/--sort: 'bogus' is not a field/);
  });
});

describe.each(FIXTURES)('--count summary (ss -s) on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('per namespace: TCP/UDP/RAW in use per family, TIME_WAIT and orphans as /proc/net/sockstat[6]', () => {
    for (const ns of truth.netns) {
      const st = (proto: string, key: string) => ns.sockstat.get(proto)?.get(key);
      const r = runLine(session, `--count summary --netns ${ns.inode} --json`);
      expect(r.error).toBeUndefined();
      const m = JSON.parse(r.lines.join('\n'));
      expect(m.netns).toBe(ns.inode);
      expect(m.transport.tcp.ip, `${ns.name} TCP inuse`).toBe(st('TCP', 'inuse'));
      expect(m.transport.tcp.ipv6, `${ns.name} TCP6 inuse`).toBe(st('TCP6', 'inuse'));
      expect(m.transport.udp.ip, `${ns.name} UDP inuse`).toBe(st('UDP', 'inuse'));
      expect(m.transport.udp.ipv6, `${ns.name} UDP6 inuse`).toBe(st('UDP6', 'inuse'));
      expect(m.transport.raw.ip, `${ns.name} RAW inuse`).toBe(st('RAW', 'inuse'));
      expect(m.transport.raw.ipv6, `${ns.name} RAW6 inuse`).toBe(st('RAW6', 'inuse'));
      expect(m.tcp.timewait, `${ns.name} tw`).toBe(allTcp(ns).filter((t) => t.state === 'TIME_WAIT').length);
      expect(m.tcp.orphaned, `${ns.name} orphan`).toBe(st('TCP', 'orphan'));
      expect(m.tcp.estab).toBe(allTcp(ns).filter((t) => t.state === 'ESTABLISHED').length);
    }
    const text = runLine(session, '--count summary');
    expect(text.lines[0]).toMatch(/^Total: \d+$/);
    expect(text.lines[1]).toMatch(/^TCP: +\d+ \(estab \d+, synrecv \d+, timewait \d+, orphaned \d+\)$/);
    expect(text.lines).toContain('Transport Total     IP        IPv6');
  });
});
