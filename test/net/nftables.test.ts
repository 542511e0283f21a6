// The nftables walker against what `nft -a list ruleset` printed in each guest, per netns:
// tables, sets and their elements, chains (type, hook, priority, policy), rule handles,
// the rule text exactly as nft prints it, comments, and counters — which kept counting
// between the print and the dump, so ours are at or above nft's.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';
import { parseNftRuleset, stripCounters } from '../support/truth-nft.js';
import { nftRulesets, nftUnavailable } from '../../src/net/nftables.js';
import { nftRulesetLines } from '../../src/report/nft-text.js';
import { presentHostFixtures } from '../support/truth-host.js';

const HOST = presentHostFixtures({ moduleBtf: true });

describe.each(HOST)('nftables ruleset of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const nets = s.tables.namespaces().rows;
  const rulesets = nftRulesets(s.kernel, nets);

  it.each(truth.netns.map((n) => [n.name, n.inode] as const))('netns %s: tables, sets, chains and rules as nft lists them', (ns, inode) => {
    const want = parseNftRuleset(truth.sections.get(`nft.${ns}.ruleset`));
    expect(want.length).toBeGreaterThan(0);
    const got = rulesets.find((r) => r.netns === inode)!;
    expect(got.unavailable).toBeNull();
    expect(got.problems).toEqual([]);
    expect(got.tables.map((t) => `${t.family} ${t.name} ${t.handle}`)).toEqual(want.map((t) => `${t.family} ${t.name} ${t.handle}`));
    for (const [i, wt] of want.entries()) {
      const gt = got.tables[i];
      const named = gt.sets.filter((x) => !x.anonymous);
      expect(named.map((x) => [x.name, x.handle, x.type, x.flagWords.join(',') || null, x.elements])).toEqual(
        wt.sets.map((x) => [x.name, x.handle, x.type, x.flags, x.elements]));
      expect(gt.chains.map((c) => c.name)).toEqual(wt.chains.map((c) => c.name));
      for (const [j, wc] of wt.chains.entries()) {
        const gc = gt.chains[j];
        expect(gc.handle).toBe(wc.handle);
        const b = gc.base!;
        expect(`type ${b.type} hook ${b.hook}${b.device ? ` device "${b.device}"` : ''} priority ${b.priorityText}; policy ${b.policy};`).toBe(wc.spec);
        expect(gc.rules.map((r) => r.handle)).toEqual(wc.rules.map((r) => r.handle));
        for (const [k, wr] of wc.rules.entries()) {
          const gr = gc.rules[k];
          expect(stripCounters(gr.text)).toBe(stripCounters(wr.text));
          if (wr.packets !== null) {
            expect(Number(gr.counter!.packets)).toBeGreaterThanOrEqual(wr.packets);
            expect(Number(gr.counter!.bytes)).toBeGreaterThanOrEqual(wr.bytes!);
          }
        }
      }
    }
    // and the whole listing, line for line (counters aside)
    const text = (truth.sections.get(`nft.${ns}.ruleset`) ?? '').trimEnd().split('\n').map(stripCounters);
    expect(nftRulesetLines(got).map(stripCounters)).toEqual(text);
  });

  it('comments come out of the rule userdata; a counter that did not move stays equal', () => {
    const init = rulesets.find((r) => nets.find((n) => n.isInit)!.inode === r.netns)!;
    const input = init.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'input')!;
    expect(input.rules.filter((r) => r.comment).map((r) => r.comment)).toEqual(['known flows', 'web']);
    const r10 = input.rules.find((r) => r.handle === 10)!;
    expect(r10.counter).toEqual({ packets: 11n, bytes: 660n });
  });
});

describe('nftables on kernels it cannot read', () => {
  it('bullseye-5.10 (no nf_tables loaded): one clear message, no tables', () => {
    const s = fixtureSession('bullseye-5.10');
    expect(nftUnavailable(s.kernel)).toMatch(/nf_tables is not loaded/);
    const rs = nftRulesets(s.kernel, s.tables.namespaces().rows);
    expect(rs.every((r) => r.tables.length === 0 && r.unavailable)).toBe(true);
  });

  it.runIf(existsSync(join(fixtureDir('bullseye-5.10-host'), 'vmcore.kdump')))('bullseye-5.10-host: nf_tables loaded but no module BTF', () => {
    const s = fixtureSession('bullseye-5.10-host');
    expect(nftUnavailable(s.kernel)).toMatch(/no module BTF/);
  });
});
