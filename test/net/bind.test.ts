// The bind hash holds every bound TCP socket (full and TIME_WAIT), each under its local port.

import { describe, expect, it } from 'vitest';
import { presentFixtures, fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';
import { expectRowsMatchTruth } from '../support/match.js';
import { runLine } from '../../src/shell/dispatch.js';

describe.each(presentFixtures())('bind hash of %s', (name) => {
  const s = fixtureSession(name);

  it('lists each bound TCP socket once, under its own port and netns', () => {
    const { rows: buckets, problems } = s.tables.bind();
    expect(problems).toEqual([]);
    const bound = buckets.flatMap((b) => b.owners.map((r) => ({ b, r })));
    for (const { b, r } of bound) {
      expect(r.localPort).toBe(b.port);
      expect(r.netns).toBe(b.netns);
    }
    const tcp = s.tables.sockets('tcp').rows.filter((r) => r.kind !== 'request');
    expect(bound.map((x) => x.r.sock).sort()).toEqual(tcp.map((r) => r.sock).sort());
  });

  it('`bind --port 8080` shows the listener and its connections', () => {
    const r = runLine(s, 'bind --port 8080 --json');
    const rows = JSON.parse(r.lines.join('\n'));
    expect(rows.every((x: { port: number }) => x.port === 8080)).toBe(true);
    expect(rows.some((x: { state: string }) => x.state === 'LISTEN')).toBe(true);
    // exactly the guest's sockets on local port 8080, but for SYN_RECV (request socks are not bound)
    const truth = fixtureTruth(name).netns.flatMap((ns) => allTcp(ns).map((r) => ({ ...r, netns: ns.inode })))
      .filter((r) => r.localPort === 8080 && r.state !== 'SYN_RECV');
    expectRowsMatchTruth(rows, truth, ['netns', 'local', 'state'], 'bind --port 8080');
    expect(rows.filter((x: { state: string }) => x.state === 'ESTABLISHED').length).toBe(truth.filter((r) => r.state === 'ESTABLISHED').length);
  });
});
