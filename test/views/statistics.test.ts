// -s and --sysctl as a user runs them: text, --json objects, --netns, PATTERN.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { STAT_FIXTURES } from '../support/stat-fixtures.js';
import { runLine } from '../../src/shell/dispatch.js';
import { runJson as json } from '../support/fixtures.js';


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

  it('-s --json: every group of /proc/net/snmp, netstat and snmp6 with exactly the names /proc spells (without the group prefix)', () => {
    const o = json(s, '-s --json');
    for (const src of [init.snmp, init.netstat]) {
      for (const [group, names] of src) {
        if (group === 'IcmpMsg') continue; // the kernel prints only the non-zero types; checked below
        expect(Object.keys(o[group] ?? {}), group).toEqual([...names.keys()]);
      }
    }
    for (const name of init.snmp.get('IcmpMsg')?.keys() ?? []) expect(o.IcmpMsg[name], name).toBeGreaterThanOrEqual(init.snmp.get('IcmpMsg')!.get(name)!);
    const six: Record<string, string[]> = {};
    for (const name of init.snmp6.keys()) {
      const g = ['UdpLite6', 'Udp6', 'Icmp6', 'Ip6'].find((p) => name.startsWith(p))!;
      (six[g] ??= []).push(name.slice(g.length));
    }
    for (const [g, names] of Object.entries(six)) {
      const ours = Object.keys(o[g] ?? {});
      // Icmp6 In/OutTypeN: the kernel prints only the non-zero ones; the rest are all ours too.
      for (const n of names) expect(ours, `${g}${n}`).toContain(n);
      expect(ours.filter((n) => !/^(In|Out)Type\d+$/.test(n)), g).toEqual(names.filter((n) => !/^(In|Out)Type\d+$/.test(n)));
    }
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
    expect(Object.keys(o).filter((k) => k.includes('.')).sort()).toEqual(want.map(([k]) => k).sort());
    for (const [k, v] of want) expect(o[k], k).toBe(v);
    const p = json(s, 'sysctl net.core --json');
    expect(Object.keys(p).filter((k) => k !== 'netns' && k !== 'problems').every((k) => k.startsWith('net.core.'))).toBe(true);
    expect(p['net.core.somaxconn']).toBe(init.sysctl.get('net.core.somaxconn'));
  });

  it('--sysctl text: `name = value` lines; write-only entries marked; each netns its own values', () => {
    const lines = runLine(s, '--sysctl net.ipv4.route.flush').lines;
    expect(lines).toEqual(['net.ipv4.route.flush = (write-only)']);
    const all = json(s, 'sysctl net.ipv4.conf.lo.forwarding --json --netns all');
    for (const ns of truth.netns) expect(all.find((x: any) => x.netns === ns.inode)['net.ipv4.conf.lo.forwarding']).toBe(ns.sysctl.get('net.ipv4.conf.lo.forwarding'));
  });
});
