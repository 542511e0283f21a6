// `CMD | grep A | grep -v B`: every stage applies, in the order typed, on a real dump; the rows
// each stage keeps are checked against the guest's own /proc/net/tcp.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { parsePipeline } from '../../src/shell/line.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';

describe('pipelines on dumps/bookworm-6.1', () => {
  const session = fixtureSession('bookworm-6.1');
  const truth = fixtureTruth('bookworm-6.1');
  const tcp = truth.netns.flatMap((ns) => allTcp(ns));
  const loopback = tcp.filter((r) => r.local.startsWith('127.'));
  const notEstab = loopback.filter((r) => r.state !== 'ESTABLISHED');

  it('applies every grep stage, in either order', () => {
    // the fixture holds both kinds of rows, so dropping either stage shows
    expect(notEstab.length).toBeGreaterThan(0);
    expect(notEstab.length).toBeLessThan(loopback.length);
    for (const line of ['-at | grep -v ESTAB | grep 127.0.0.1:', '-at | grep 127.0.0.1: | grep -v ESTAB']) {
      const r = runLine(session, line);
      expect(r.error).toBeUndefined();
      const rows = r.lines.filter((l) => l.startsWith('tcp '));
      expect(rows.some((l) => l.includes('ESTABLISHED'))).toBe(false);
      expect(rows).toEqual(r.lines);
      // every local 127.x socket the guest saw that is not ESTABLISHED, and only those
      // (remote 127.0.0.1 rows with another local address also match the pattern)
      for (const t of notEstab) expect(rows.some((l) => l.includes(` ${t.local} `) && l.includes(t.state))).toBe(true);
    }
  });

  it('a counting stage counts what the stages before it kept', () => {
    const r = runLine(session, '-at | grep 127.0.0.1: | grep -c ESTABLISHED');
    const estab = tcp.filter((t) => t.state === 'ESTABLISHED' && (t.local.startsWith('127.0.0.1:') || t.remote.startsWith('127.0.0.1:')));
    expect(r.lines).toEqual([String(estab.length)]);
  });

  it('an unsupported stage is an error, never dropped', () => {
    expect(() => parsePipeline('-at | grep 127 | sort')).toThrow(/only '\| grep PATTERN'/);
    expect(() => parsePipeline('-at > /tmp/x | grep 127')).toThrow(/must come last/);
    const r = runLine(session, '-at | grep 127 | wc -l');
    expect(r.error).toMatch(/only '\| grep PATTERN'/);
  });
});
