// The legacy x_tables walker against `iptables-legacy-save -c` / `ip6tables-legacy-save -c`
// in each guest, per netns: tables in save order, chains with policies, every rule line as
// iptables-save prints it, and counters at or above the printed ones (they kept counting).

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { parseIptablesSave } from '../support/truth-nft.js';
import { xtTables, xtUnavailable } from '../../src/net/iptables.js';
import { presentHostFixtures } from '../support/truth-host.js';

const HOST = presentHostFixtures({ moduleBtf: true });

describe.each(HOST)('legacy iptables of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const walk = xtTables(s.kernel, s.tables.namespaces().rows);

  it('walks without problems', () => {
    expect(walk.unavailable).toBeNull();
    expect(walk.problems).toEqual([]);
  });

  const cases = truth.netns.flatMap((n) => (['iptables', 'ip6tables'] as const).map((tool) => [n.name, tool, n.inode] as const));
  it.each(cases)('netns %s, %s-save -c', (ns, tool, inode) => {
    const want = parseIptablesSave(truth.sections.get(`${tool}.${ns}.save`));
    const got = walk.rows.filter((t) => t.netns === inode && t.family === (tool === 'iptables' ? 'ipv4' : 'ipv6'));
    expect(got.map((t) => t.name)).toEqual(want.map((t) => t.name));
    for (const [i, wt] of want.entries()) {
      const gt = got[i];
      expect(gt.chains.map((c) => `${c.name} ${c.policy}`)).toEqual(wt.chains.map((c) => `${c.name} ${c.policy}`));
      expect(gt.rules.map((r) => `-A ${r.chain} ${r.spec}`)).toEqual(wt.rules.map((r) => r.line));
      for (const [j, wc] of wt.chains.entries()) {
        expect(Number(gt.chains[j].packets)).toBeGreaterThanOrEqual(wc.packets);
        expect(Number(gt.chains[j].bytes)).toBeGreaterThanOrEqual(wc.bytes);
      }
      for (const [j, wr] of wt.rules.entries()) {
        expect(Number(gt.rules[j].packets)).toBeGreaterThanOrEqual(wr.packets);
        expect(Number(gt.rules[j].bytes)).toBeGreaterThanOrEqual(wr.bytes);
      }
    }
  });
});

it('bullseye-5.10 (x_tables not loaded): one clear message', () => {
  const s = fixtureSession('bullseye-5.10');
  expect(xtUnavailable(s.kernel)).toMatch(/x_tables is not loaded/);
  expect(xtTables(s.kernel, s.tables.namespaces().rows).rows).toEqual([]);
});
