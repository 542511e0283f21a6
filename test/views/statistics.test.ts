// -s and --sysctl as a user runs them: text, --json objects, --netns, PATTERN.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { STAT_FIXTURES } from '../support/stat-fixtures.js';
import { runLine } from '../../src/shell/dispatch.js';

function json(s: ReturnType<typeof fixtureSession>, line: string): any {
  const r = runLine(s, line);
  expect(r.error, line).toBeUndefined();
  return JSON.parse(r.lines.join('\n'));
}

describe.each(STAT_FIXTURES)('-s and --sysctl on %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const init = truth.netns.find((n) => n.isInit)!;

  it('-s --json: one object keyed by the kernel group names, every counter, zeros included', () => {
    const o = json(s, '-s --json');
    expect(o.netns).toBe(init.inode);
    expect(o.problems).toEqual([]);
    expect(Object.keys(o.Tcp)).toEqual([...init.snmp.get('Tcp')!.keys()]);
    expect(Object.keys(o.TcpExt)).toEqual([...init.netstat.get('TcpExt')!.keys()]);
    expect(o.Tcp.MaxConn).toBe(-1);
    expect(o.Ip6.InReceives).toBeGreaterThanOrEqual(init.snmp6.get('Ip6InReceives')!);
    expect(Object.values(o.TcpExt)).toContain(0);
  });

  it('-s prints non-zero counters under a header per group; -s -v every one', () => {
    const lines = runLine(s, '-s').lines;
    expect(lines).toContain('-------------------- Tcp --------------------');
    expect(lines.some((l) => /^MaxConn\s+-1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\S+\s+0$/.test(l))).toBe(false);
    const all = runLine(s, '-s -v').lines;
    expect(all.length).toBeGreaterThan(lines.length);
    expect(all.some((l) => /^RtoAlgorithm\s+1$/.test(l))).toBe(true);
  });

  it('--netns all: an array, one object per netns', () => {
    const a = json(s, '-s --json --netns all');
    expect(a.map((x: any) => x.netns).sort()).toEqual(truth.netns.map((n) => n.inode).sort());
    const bad = runLine(s, '-s --netns 123');
    expect(bad.error).toMatch(/no network namespace with inode 123/);
  });

  it('--sysctl PATTERN --json: full name → value as /proc/sys prints it', () => {
    const o = json(s, '--sysctl net.ipv4.tcp_* --json');
    expect(o.netns).toBe(init.inode);
    const want = [...init.sysctl].filter(([k]) => k.startsWith('net.ipv4.tcp_'));
    expect(Object.keys(o.sysctl).sort()).toEqual(want.map(([k]) => k).sort());
    for (const [k, v] of want) expect(o.sysctl[k], k).toBe(v);
    const p = json(s, 'sysctl net.core --json');
    expect(Object.keys(p.sysctl).every((k) => k.startsWith('net.core.'))).toBe(true);
    expect(p.sysctl['net.core.somaxconn']).toBe(init.sysctl.get('net.core.somaxconn'));
  });

  it('--sysctl text: `name = value` lines; write-only entries marked; each netns its own values', () => {
    const lines = runLine(s, '--sysctl net.ipv4.route.flush').lines;
    expect(lines).toEqual(['net.ipv4.route.flush = (write-only)']);
    const all = json(s, 'sysctl net.ipv4.conf.lo.forwarding --json --netns all');
    for (const ns of truth.netns) expect(all.find((x: any) => x.netns === ns.inode).sysctl['net.ipv4.conf.lo.forwarding']).toBe(ns.sysctl.get('net.ipv4.conf.lo.forwarding'));
  });
});
