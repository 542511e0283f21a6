// TCP timers at the crash against the guest's /proc/net/tcp `tr`, `tm->when`, `retrnsmt` and
// `timeout` columns: the fixtures hold retransmit (SYN_SENT, SYN_RECV request socks), TIME_WAIT
// and zero-window-probe timers. Between printing and the dump a few seconds pass: a timer that
// did not fire meanwhile expires a little sooner; one that fired was re-armed with more tries.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { tcpTimer, ssTimerText, ssTimer } from '../../src/net/tcp-timer.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host', 'bookworm-6.1-host', 'bullseye-5.10-host'];
const USER_HZ = 100;

describe.each(FIXTURES)('TCP timers on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);
  const clock = session.tables.clock();
  // ms from the truth's first line (its jiffies) to the dump, at most
  const window = truth.jiffies !== undefined ? (Number(clock.jiffies - truth.jiffies) * 1000) / clock.hz + 50 : 60_000;

  it('every TCP row has the timer /proc/net/tcp printed', () => {
    const rows = session.tables.sockets('tcp').rows;
    const kinds = new Set<number>();
    for (const ns of truth.netns) {
      for (const t of allTcp(ns)) {
        const r = rows.find((x) => x.netns === ns.inode && `${x.family === 10 ? `[${x.localAddr}]` : x.localAddr}:${x.localPort}` === t.local
          && `${x.family === 10 ? `[${x.remoteAddr}]` : x.remoteAddr}:${x.remotePort}` === t.remote && x.state === t.state);
        expect(r, t.raw).toBeDefined();
        const tm = tcpTimer(session.kernel, r!, clock.jiffies, clock.hz);
        expect(tm.code, t.raw).toBe(t.timerActive);
        kinds.add(tm.code);
        const truthMs = (t.timerJiffies * 1000) / USER_HZ;
        const fired = tm.retrans !== t.retransmits || (r!.kind === 'sock' && tm.probes !== t.timeout);
        if (tm.code === 4) {
          // a zero-window probe the peer answered was re-armed with backoff, and the answer
          // reset icsk_probes_out: the truth cannot tell. It waits at most TCP_RTO_MAX.
          expect(tm.expiresMs).toBeLessThanOrEqual(120_000);
        } else if (!fired) {
          expect(tm.expiresMs, t.raw).toBeLessThanOrEqual(truthMs + 1000 / USER_HZ + 5);
          expect(tm.expiresMs, t.raw).toBeGreaterThanOrEqual(truthMs - window);
        } else {
          expect(tm.retrans, t.raw).toBeGreaterThanOrEqual(t.retransmits);
          if (r!.kind === 'sock') expect(tm.probes, t.raw).toBeGreaterThanOrEqual(t.timeout);
        }
      }
    }
    // retransmit, TIME_WAIT and zero-window probe timers are all in the fixture
    expect([...kinds].sort()).toEqual(expect.arrayContaining([0, 1, 3, 4]));
  });

  it('JSON with -o: timer {name, expiresMs, retrans}; SYN_RECV request socks show SYN-ACK retransmits', () => {
    const r = runLine(session, '-anto --json');
    const rows = JSON.parse(r.lines.join('\n')) as { state: string; kind: string; timer: { name: string; expiresMs: number; retrans: number } }[];
    expect(rows.every((x) => x.timer && typeof x.timer.expiresMs === 'number')).toBe(true);
    expect(rows.filter((x) => x.state === 'TIME_WAIT').every((x) => x.timer.name === 'timewait')).toBe(true);
    const req = rows.filter((x) => x.kind === 'request');
    expect(req.length).toBeGreaterThan(0);
    const truthReq = truth.netns.flatMap((ns) => allTcp(ns)).filter((t) => t.state === 'SYN_RECV');
    expect(req.every((x) => x.timer.name === 'on')).toBe(true);
    expect(Math.max(...req.map((x) => x.timer.retrans))).toBeGreaterThanOrEqual(Math.max(...truthReq.map((t) => t.retransmits)));
    // -v shows them as ss -o does, with the SYN-ACKs resent
    const v = runLine(session, '-at --tcpstate SYN_RECV -v');
    expect(v.lines.join('\n')).toMatch(/timer=on,[\d.]+(sec|ms),\d+/);
    expect(v.lines.join('\n')).toMatch(/synack_retrans=\d+/);
  });
});

describe('ss timer text', () => {
  it('formats as misc/ss.c print_ms_timer', () => {
    expect(ssTimerText(599_000)).toBe('9min59sec');
    expect(ssTimerText(9_876)).toBe('9.876ms'.replace('ms', 'ms'));
    expect(ssTimerText(12_345)).toBe('12sec');
    expect(ssTimerText(200)).toBe('200ms');
    expect(ssTimerText(0)).toBe('');
    expect(ssTimer({ code: 2, name: 'keepalive', jiffies: 0, expiresMs: 599_000, retrans: 0, probes: 0 })).toBe('timer:(keepalive,9min59sec,0)');
  });
});
