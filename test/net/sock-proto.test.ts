// Each sock is headed with its protocol as the kernel names it (sk_prot->name) and the struct it
// really is (checked against sk_prot->obj_size): ping sockets are struct inet_sock "PING",
// IPv6 ping and raw sockets struct raw6_sock — not packet_sock / raw_sock.

import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, presentFixtures } from '../support/fixtures.js';

const headers = (name: string): string[] =>
  runLine(fixtureSession(name), '-atuwxv --packet --netlink').lines.filter((l) => l.startsWith('<'));

describe('socket headers', () => {
  it('bookworm-6.1: ping, raw and raw6 sockets', () => {
    const h = headers('bookworm-6.1').map((l) => l.replace(/ 0x[0-9a-f]+>/, '>').replace(/\s+netns.*/, ''));
    expect(h).toContain('<struct inet_sock> PING');
    expect(h).toContain('<struct raw6_sock> PINGv6');
    expect(h).toContain('<struct raw6_sock> RAWv6');
    expect(h).toContain('<struct raw_sock> RAW');
    expect(h).toContain('<struct tcp6_sock> TCPv6');
    expect(h).toContain('<struct udp_sock> UDP-Lite');
    expect(h.filter((l) => /PING/.test(l) && /packet_sock/.test(l))).toEqual([]);
  });

  it.each(presentFixtures())('every full sock gets a struct whose size is its proto obj_size: %s', (name) => {
    const h = headers(name);
    expect(h.length).toBeGreaterThan(50);
    expect(h.filter((l) => l.startsWith('<struct sock ') || / \?(\s|$)/.test(l))).toEqual([]);
  });

  it('--json carries protoName and struct', () => {
    const rows = JSON.parse(runLine(fixtureSession('bookworm-6.1'), '-awv --json').lines.join('\n'));
    expect(rows.filter((r: { protoName?: string }) => r.protoName === 'PINGv6').map((r: { struct: string }) => r.struct)).toEqual(['struct raw6_sock']);
  });
});
