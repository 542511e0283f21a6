// Every net.* sysctl of every netns against the guest's own `sysctl -a`.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { STAT_FIXTURES } from '../support/stat-fixtures.js';

// Values that legitimately move between the guest's print and the dump:
const MOVING = new Set([
  // conntrack entries are created and expire while the scenario's traffic goes on
  'net.netfilter.nf_conntrack_count',
]);

describe.each(STAT_FIXTURES)('sysctls of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('prints every sysctl the guest printed, value for value, in every netns', () => {
    const table = s.tables.sysctls();
    expect(table.problems).toEqual([]);
    for (const t of truth.netns) {
      const ns = table.rows.find((r) => r.netns === t.inode)!;
      expect(ns, `netns ${t.inode}`).toBeDefined();
      expect(t.sysctl.size).toBeGreaterThan(400);
      const ours = new Map(ns.rows.map((r) => [r.name, r]));
      const bad: string[] = [];
      for (const [k, v] of t.sysctl) {
        const o = ours.get(k);
        if (!o) bad.push(`${k}: missing`);
        else if (MOVING.has(k)) expect(o.value.kind, k).toBe('value');
        else if (o.value.kind !== 'value' || o.value.text !== v) bad.push(`${k}: ${JSON.stringify(o.value)} [${o.handler}] != ${JSON.stringify(v)}`);
      }
      expect(bad).toEqual([]);
      // What we have beyond sysctl -a: only what it cannot print (write-only flush, unset stable_secret: EIO)
      const extra = ns.rows.filter((r) => !t.sysctl.has(r.name));
      for (const r of extra) expect(`${r.name} ${r.value.kind}`).toMatch(/ (write-only|error)$/);
      expect(extra.some((r) => r.name === 'net.ipv4.route.flush' && r.value.kind === 'write-only')).toBe(true);
    }
  });
});
