// "ago" values of -v (rcv_tstamp, lsndtime): a stamp of 0 means the event never happened
// (SYN_SENT sockets have never received anything) and reads "never", not a negative age.

import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, presentFixtures } from '../support/fixtures.js';

type Row = { state: string; local: string; details?: Record<string, unknown> };
const rows = (name: string): Row[] => JSON.parse(runLine(fixtureSession(name), '-atv --json').lines.join('\n'));

describe('ages of TCP events', () => {
  it('the 3 SYN_SENT sockets of bookworm-6.1 never received: "never", in JSON and text', () => {
    const syn = rows('bookworm-6.1').filter((r) => r.state === 'SYN_SENT');
    expect(syn).toHaveLength(3);
    for (const r of syn) expect(r.details?.rcv_tstamp_ago_s).toBe('never');
    const text = runLine(fixtureSession('bookworm-6.1'), '-atv --tcpstate SYN_SENT').lines;
    expect(text.filter((l) => l.startsWith('rcv_tstamp=never'))).toHaveLength(3);
    expect(text.join('\n')).not.toMatch(/=-\d/);
  });

  it.each(presentFixtures())('no age is negative: %s', (name) => {
    for (const r of rows(name)) {
      for (const [k, v] of Object.entries(r.details ?? {})) {
        if (k.endsWith('_ago_s')) expect(v === 'never' || (typeof v === 'number' && v >= 0), `${r.local} ${k}=${v}`).toBe(true);
      }
    }
  });
});
