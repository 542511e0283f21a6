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

  it('pipes into shell commands as crash does: wc, sort, head, awk, chained', () => {
    expect(() => parsePipeline('-at > /tmp/x | grep 127')).toThrow(/must come last/);
    const rows = runLine(session, '-at | grep 127.0.0.1:').lines;
    expect(runLine(session, '-at | grep 127.0.0.1: | wc -l').lines.map((l) => l.trim())).toEqual([String(rows.length)]);
    expect(runLine(session, '-at | wc -l').lines.map((l) => l.trim())).toEqual([String(tcp.length + 1)]); // + the header
    // sort -k2n on Recv-Q: the biggest receive queue last, as the guest's /proc/net/tcp has it
    const sorted = runLine(session, '-at | grep -v Proto | sort -k2n | tail -1');
    expect(sorted.error).toBeUndefined();
    expect(Number(sorted.lines[0].trim().split(/\s+/)[1])).toBe(Math.max(...tcp.map((t) => t.rxQueue)));
    const head = runLine(session, "-at | grep ESTAB | LC_ALL=C sort -k4 | awk '{print $4}' | head -3");
    const locals = tcp.filter((t) => t.state === 'ESTABLISHED').map((t) => (t.family === 'inet6' ? t.local : t.local)).sort().slice(0, 3);
    expect(head.lines).toEqual(locals);
    // browsing cannot follow the shell: no rows, only lines
    expect(head.output).toBeUndefined();
  });

  it('a failing pipeline says so, in one line', () => {
    const r = runLine(session, '-at | grep 127 | false');
    expect(r.error).toMatch(/pipeline '\| false' failed \(exit status 1\)/);
    const bad = runLine(session, '-at | no-such-command-xps');
    expect(bad.error).toMatch(/failed \(exit status 127\).*not found/);
  });
});
