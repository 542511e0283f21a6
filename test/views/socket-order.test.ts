// --sort and --count on the socket tables, against the guest's own /proc/net/tcp[6]: counts per
// state, per local port and per remote address are the truth's, sorted orders hold.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host', 'bookworm-6.1-host'];

function json(session: ReturnType<typeof fixtureSession>, line: string): Record<string, unknown>[] {
  const r = runLine(session, line);
  expect(r.error, line).toBeUndefined();
  return JSON.parse(r.lines.join('\n'));
}

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
