// The route, neighbour and interface views as a user runs them (`-r`, `--arp`, `-i`, with
// --json and --netns), against what each guest's own /proc printed.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';
import { expectRowsMatchTruth } from '../support/match.js';
import { runLine } from '../../src/shell/dispatch.js';
import { runJson as json } from '../support/fixtures.js';

const fixtures = [...FIXTURE_NAMES, 'bookworm-6.1-vxlan'].filter((n) => existsSync(join(fixtureDir(n), 'vmcore.kdump')));


describe.each(fixtures)('host views of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('-r --json: the initial netns main table, row for row as /proc/net/route', () => {
    const init = truth.netns.find((n) => n.isInit)!;
    const rows = json(s, '-r --json');
    expect(rows.every((r) => r.netns === init.inode && r.family === 'inet' && r.table === 'main')).toBe(true);
    expectRowsMatchTruth(rows, init.route, {
      destination: 'destination', prefixLen: 'prefixLen', gateway: [(r) => r.gateway ?? '0.0.0.0', 'gateway'], metric: 'metric', iface: 'iface',
    }, '-r --json');
  });

  it('--netns selects each namespace; all gives every one; an unknown inode is one clear error', () => {
    for (const ns of truth.netns) {
      const rows = json(s, `-r --json --netns ${ns.inode}`);
      expectRowsMatchTruth(rows, ns.route, ['destination', 'prefixLen'], `-r --netns ${ns.name}`);
    }
    const all = json(s, '-r --json --netns all');
    expect(new Set(all.map((r) => r.netns))).toEqual(new Set(truth.netns.map((n) => n.inode)));
    const bad = runLine(s, '-r --netns 123');
    expect(bad.error).toMatch(/no network namespace with inode 123 .*there are: /);
  });

  it('-rv --json holds both families and every table; the text shows the rules', () => {
    const rows = json(s, '-rv --json');
    expect(rows.some((r) => r.family === 'inet6')).toBe(true);
    expect(rows.some((r) => r.table === 'local')).toBe(true);
    expect(rows.filter((r) => r.type === 'blackhole').map((r) => `${r.destination}/${r.prefixLen}`).sort()).toEqual(['198.51.100.0/24', '2001:db8:dead::/48']);
    const text = runLine(s, '-rv').lines;
    expect(text).toContain('32766:\tfrom all lookup main');
  });

  it('--arp --json: every /proc/net/arp entry of each netns, plus the NOARP ones it hides (marked)', () => {
    for (const ns of truth.netns) {
      const rows = json(s, `--arp --json --netns ${ns.inode}`);
      const shown = rows.filter((r) => r.family === 'inet' && !r.hidden);
      expectRowsMatchTruth(shown, ns.arp, { ip: 'ip', hwAddress: ['hwAddress', 'hwAddr'], device: 'device' }, `--arp --netns ${ns.name}`);
      expect(rows.every((r) => r.netns === ns.inode && ['arp_tbl', 'nd_tbl'].includes(r.table))).toBe(true);
    }
    expect(json(s, '--arp --json').some((r) => r.hidden && r.state === 'NOARP')).toBe(true);
  });

  it('-i --json: the devices of /proc/net/dev with their addresses; --interface limits to one', () => {
    for (const ns of truth.netns) {
      const rows = json(s, `-i --json --netns ${ns.inode}`);
      expectRowsMatchTruth(rows, ns.dev, { name: ['name', 'iface'] }, `-i --netns ${ns.name}`);
    }
    const dummy1 = json(s, '-i --json --interface dummy1');
    expect(dummy1).toHaveLength(1);
    expect(dummy1[0].ipv4).toEqual(['192.168.77.1/24', '192.168.77.2/24']);
    expect(dummy1[0].mtu).toBe(9000);
    expect(runLine(s, '-i --interface nosuch0').error).toMatch(/no device 'nosuch0'.*there are: .*dummy1/);
  });

  it('--rtcache answers (no exceptions in these dumps) without problems', () => {
    const r = runLine(s, '--rtcache');
    expect(r.error).toBeUndefined();
    expect(r.lines[0]).toBe('Next-hop exceptions (what replaced the routing cache): 0');
  });
});
