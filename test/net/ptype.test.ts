// Packet handlers from the dump against /proc/net/ptype of every netns, in its order; and the
// per-device handlers it hides (the sniffer's SOCK_DGRAM ETH_P_IP socket bound to dummy0).

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { ALL_FIXTURES, parsePtype } from '../support/truth-netcore.js';
import { ptypeLine } from '../../src/net/ptype.js';
import { runLine } from '../../src/shell/dispatch.js';

describe.each(ALL_FIXTURES)('packet handlers of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const t = s.tables.packetHandlers();

  it('walks without problems', () => {
    expect(t.problems).toEqual([]);
  });

  it.each(truth.netns.map((n) => [n.name, n.inode] as const))('netns %s: /proc/net/ptype exactly, in order', (_n, inode) => {
    const want = parsePtype(truth.sections.get(`net.${_n}.ptype`));
    expect(want.length).toBeGreaterThan(0);
    expect(t.rows.filter((r) => r.netns === inode && r.inProc).map((r) => ptypeLine(r).trimEnd())).toEqual(want);
  });

  it('AF_PACKET handlers name the sniffer; the one bound to dummy0 is shown though /proc hides it', () => {
    const init = truth.netns[0].inode;
    const j = JSON.parse(runLine(s, '--devpack --json').lines.join('\n'));
    const packet = j.filter((r: { func: string }) => r.func === 'packet_rcv');
    expect(packet.length).toBe(3);
    for (const r of packet) {
      expect(r.netns).toBe(init);
      expect(r.owner).toMatch(/^\d+\/sniffer$/);
    }
    const hidden = packet.find((r: { device: string }) => r.device === 'dummy0');
    expect(hidden).toMatchObject({ type: '0800', list: 'dev ptype_specific', inProc: false, module: null });
    const inode = truth.netns[0].packet.find((p) => p.proto === 0x0800)?.inode;
    if (inode) expect(s.tables.findSocket(BigInt(hidden.sock))?.inode).toBe(inode);
  });
});
