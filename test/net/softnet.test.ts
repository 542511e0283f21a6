// softnet_data from the dump against /proc/net/softnet_stat as the guest printed it
// (every netns prints the same per-CPU data; the host fixtures have it).

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { ALL_FIXTURES, HOST_FIXTURES, parseSoftnetStat } from '../support/truth-netcore.js';
import { softnetStats, softnetStatLine } from '../../src/net/softnet.js';
import { runLine } from '../../src/shell/dispatch.js';

describe.each(ALL_FIXTURES)('softnet of %s', (name) => {
  const s = fixtureSession(name);
  const w = softnetStats(s.kernel);

  it('reads every possible CPU without problems, online ones marked', () => {
    expect(w.problems).toEqual([]);
    expect(w.rows.map((r) => r.cpu)).toEqual(s.kernel.perCpuOffsets().map((_, i) => i));
    expect(w.rows.every((r) => r.online === true)).toBe(true); // the guests' 2 CPUs were running
  });

  it('--softnet --json rows carry the named counters', () => {
    const j = JSON.parse(runLine(s, '--softnet --json').lines.join('\n'));
    expect(j).toHaveLength(w.rows.length);
    expect(Object.keys(j[0])).toEqual(expect.arrayContaining(['cpu', 'online', 'processed', 'dropped', 'timeSqueeze', 'receivedRps', 'flowLimitCount', 'backlogLen']));
  });
});

describe.each(HOST_FIXTURES)('softnet of %s against /proc/net/softnet_stat', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const w = softnetStats(s.kernel);

  it.each(truth.netns.map((n) => [n.name] as const))('netns %s: same CPUs and columns; counters at or a little above the printed ones', (ns) => {
    const want = parseSoftnetStat(truth.sections.get(`net.${ns}.softnet_stat`));
    expect(want.length).toBeGreaterThan(0);
    const got = w.rows.filter((r) => r.online).map((r) => softnetStatLine(r).split(' ').map((h) => parseInt(h, 16)));
    expect(got.length).toBe(want.length);
    got.forEach((g, cpu) => {
      expect(g.length, `columns of cpu ${cpu}`).toBe(want[cpu].length);
      g.forEach((v, i) => {
        // processed (0) and time_squeeze (2) keep counting in the seconds between the guest's
        // print and the dump (the SYN retransmits, ND): ≥ the printed value and close to it;
        // every other column is equal (no drops, no RPS, empty backlogs; the cpu index).
        if (i === 0 || i === 2) {
          expect(v, `cpu ${cpu} column ${i}`).toBeGreaterThanOrEqual(want[cpu][i]);
          expect(v - want[cpu][i], `cpu ${cpu} column ${i}`).toBeLessThan(500);
        } else expect(v, `cpu ${cpu} column ${i}`).toBe(want[cpu][i]);
      });
    });
  });
});
