// The firewall views as a user runs them: `nft` and `iptables`, text and --json, per netns.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { stripCounters } from '../support/truth-nft.js';
import { runLine } from '../../src/shell/dispatch.js';
import { runJson as json } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';

const HOST = presentHostFixtures({ moduleBtf: true });


describe.each(HOST)('firewall views of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const init = truth.netns.find((n) => n.isInit)!;

  it('nft prints the initial netns ruleset as nft -a list ruleset (counters aside)', () => {
    const r = runLine(s, 'nft');
    expect(r.error).toBeUndefined();
    const want = truth.sections.get('nft.init.ruleset')!.trimEnd().split('\n').map(stripCounters);
    expect(r.lines.filter((l) => !l.startsWith('**')).map(stripCounters)).toEqual(want);
  });

  it('nft --json: {netns, problems, tables} with chains, rules, counters, comments and set elements', () => {
    const o = json(s, 'nft --json');
    expect(o.netns).toBe(init.inode);
    expect(o.problems).toEqual([]);
    const filter = o.tables.find((t: any) => t.family === 'inet' && t.name === 'filter');
    expect(filter.sets.map((x: any) => [x.name, x.type, x.elements])).toEqual([
      ['blocked4', 'ipv4_addr', ['192.0.2.0/28', '198.51.100.7']], ['webports', 'inet_service', ['8080', '8081', '8443']]]);
    const input = filter.chains.find((c: any) => c.name === 'input');
    expect([input.type, input.hook, input.priority, input.policy]).toEqual(['filter', 'input', 0, 'accept']);
    const r6 = input.rules.find((r: any) => r.handle === 6);
    expect(r6.comment).toBe('known flows');
    expect(r6.text).toMatch(/^ct state established,related counter packets \d+ bytes \d+ accept comment "known flows"$/);
    expect(r6.counter.packets).toBeGreaterThan(0);
    const edge = o.tables.find((t: any) => t.family === 'netdev');
    expect(edge.chains[0]).toMatchObject({ hook: 'ingress', device: 'eth0', priority: -500 });
  });

  it('nft --netns all: one object per namespace; ns1 has its own table', () => {
    const all = json(s, 'nft --json --netns all');
    expect(all.map((o: any) => o.netns).sort()).toEqual(truth.netns.map((n) => n.inode).sort());
    const ns1 = truth.netns.find((n) => n.name === 'ns1')!;
    const o = all.find((x: any) => x.netns === ns1.inode);
    expect(o.tables.map((t: any) => `${t.family} ${t.name}`)).toEqual(['inet nsfw']);
    expect(o.tables[0].chains[0].rules[1].text).toMatch(/^ip saddr @allowed tcp dport \{ 7001, 7080 \} counter/);
  });

  it('iptables prints both families as iptables-save -c; --json is {netns, problems, tables}', () => {
    const r = runLine(s, 'iptables');
    expect(r.error).toBeUndefined();
    const want = ['iptables', 'ip6tables'].flatMap((t) => truth.sections.get(`${t}.init.save`)!.split('\n').filter((l) => l && !l.startsWith('#')));
    expect(r.lines.filter((l) => !l.startsWith('#') && !l.startsWith('**')).map(stripCounters)).toEqual(want.map(stripCounters));
    const o = json(s, 'iptables 6 --json');
    expect(o.tables.map((t: any) => `${t.family} ${t.name}`)).toEqual(['ipv6 filter']);
    expect(o.tables[0].rules[1].spec).toBe('-s fd00:200::/64 -p tcp -m tcp --dport 8443 -j ACCEPT');
    expect(runLine(s, 'iptables 5').error).toMatch(/not a family/);
  });
});

describe('firewall views where the kernel has no nf_tables/x_tables', () => {
  it('bullseye-5.10: nft and iptables say so in one line; --json carries it as a problem', () => {
    const s = fixtureSession('bullseye-5.10');
    expect(runLine(s, 'nft').lines[0]).toMatch(/nf_tables is not loaded/);
    const o = json(s, 'nft --json');
    expect(o.tables).toEqual([]);
    expect(o.problems[0]).toMatchObject({ kind: 'unavailable' });
    expect(runLine(s, 'iptables').lines[0]).toMatch(/x_tables is not loaded/);
  });
});
