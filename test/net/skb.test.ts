// skb decoding follows what the skb really is: UNIX data is data (hex + ASCII, as tcpdump -X),
// never an IPv6 header; a TCP write-queue segment has no headers yet; ARP is ARP; a received
// TCP segment still shows its IPv4 and TCP headers. On the bundled 6.1 dump (scenario: unixd,
// dbclient's unsent data, the sniffer's ETH_P_ARP packet socket).

import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { socketQueues } from '../../src/net/queues.js';
import { skbInfo } from '../../src/net/skb.js';
import { fixtureSession } from '../support/fixtures.js';

const s = fixtureSession('bookworm-6.1');
const k = s.kernel;
const hex = (a: bigint) => '0x' + a.toString(16);

function queued(proto: 'unix' | 'tcp' | 'packet', pick: (r: ReturnType<typeof socketTable>['rows'][number]) => boolean, queue: string): bigint[] {
  const rows = s.tables.sockets(proto).rows.filter(pick);
  expect(rows.length).toBeGreaterThan(0);
  const out: bigint[] = [];
  for (const r of rows) for (const q of socketQueues(k, r.sock, proto === 'tcp')) if (q.name === queue) out.push(...q.entries.map((e) => e.skb));
  return out;
}

describe('skb ADDR', () => {
  it('a 9-byte UNIX datagram is its 9 bytes as hex and ASCII, not an IPv6 header', () => {
    const skbs = queued('unix', (r) => r.path === '/run/unixd.dgram', 'receive queue');
    expect(skbs).toHaveLength(2);
    const r = runLine(s, `skb ${hex(skbs[0])}`);
    expect(r.error).toBeUndefined();
    expect(r.lines).toContain('AF_UNIX data, 9 bytes');
    expect(r.lines.some((l) => /^0x0000:  6c6f 6720 6c69 6e65 0a\s+log line\.$/.test(l))).toBe(true);
    expect(r.lines.join('\n')).not.toMatch(/IPv6|not an IP header/);
  });

  it('plain text in a UNIX stream skb is text', () => {
    const skbs = queued('unix', (r) => r.path === '/run/unixd.sock' && r.state === 'CONNECTED', 'receive queue');
    const i = skbInfo(k, skbs[0]);
    expect(i.data?.bytes.toString('latin1')).toBe('hello unixd: this request is never read\n');
    expect(i.headers).toEqual([`AF_UNIX data, ${i.len} bytes`]);
  });

  it("dbclient's unsent TCP data: no headers built yet, the bytes are in page fragments", () => {
    const skbs = queued('tcp', (r) => r.kind === 'sock' && r.txQueue > 100_000, 'write queue');
    expect(skbs.length).toBeGreaterThan(10);
    const lines = runLine(s, `skb ${hex(skbs[1])}`).lines;
    expect(lines.some((l) => l.startsWith('no headers built yet'))).toBe(true);
    expect(lines.some((l) => /in page fragments/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/not an IP header/);
  });

  it('the ETH_P_ARP packet socket holds ARP packets', () => {
    const skbs = queued('packet', (r) => r.localAddr === '0x0806' || r.extra?.proto === 0x0806, 'receive queue');
    expect(skbs.length).toBeGreaterThan(0);
    for (const a of skbs) expect(skbInfo(k, a).headers.some((h) => /^ARP (who-has|reply) /.test(h))).toBe(true);
  });

  it('a received TCP segment still shows IPv4 and TCP', () => {
    const skbs = queued('tcp', (r) => r.kind === 'sock' && r.localPort === 5432 && r.state === 'CLOSE_WAIT', 'receive queue');
    const h = skbInfo(k, skbs[0]).headers;
    expect(h.find((l) => l.startsWith('IPv4 '))).toMatch(/^IPv4 127\.0\.0\.1 > 127\.0\.0\.1 proto=6/);
    expect(h.find((l) => l.startsWith('TCP '))).toMatch(/ > 5432 /);
  });
});
