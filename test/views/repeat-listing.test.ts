// A repeated socket listing answers from the session (the same output, cells and rendered
// text kept until reload): what it prints must be exactly what a fresh walk prints, and a
// reload must walk again.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';

const FIXTURES = ['bookworm-6.1', 'sid-7.2-host'];

describe.each(FIXTURES)('repeated listings on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('-at twice, -at --json twice, and after reload: the same lines, every TCP socket of the guest', () => {
    const run = (line: string) => {
      const r = runLine(session, line);
      expect(r.error, line).toBeUndefined();
      return r.lines;
    };
    const text1 = run('-at');
    const json1 = run('-at --json');
    const text2 = run('-at');
    const json2 = run('-at --json');
    expect(text2).toEqual(text1);
    expect(json2).toEqual(json1);
    // callers may change the lines they get: the kept ones stay as they were
    text2.push('extra');
    expect(run('-at')).toEqual(text1);
    const walked = session.kernel.dump.stats.pagesRead + session.kernel.dump.stats.cacheHits;
    expect(runLine(session, 'reload').error).toBeUndefined();
    expect(run('-at')).toEqual(text1);
    expect(run('-at --json')).toEqual(json1);
    // reload walked the tables again (pages were asked for)
    expect(session.kernel.dump.stats.pagesRead + session.kernel.dump.stats.cacheHits).toBeGreaterThan(walked);
    const rows = JSON.parse(json1.join('\n')) as { proto?: string }[];
    const tcp = truth.netns.flatMap((ns) => allTcp(ns));
    expect(rows.filter((r) => r.proto?.startsWith('tcp')).length).toBe(tcp.length);
  });
});
