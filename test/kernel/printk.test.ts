// The kernel log read from the dump's printk ring buffer against /dev/kmsg and dmesg as the
// guest printed them (host fixtures). The dump may hold a few records more (printed after the
// truth); every record the guest printed is there with the same seq, level, facility, time
// and text.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { ALL_FIXTURES, HOST_FIXTURES, parseKmsg, kmsgEscape } from '../support/truth-netcore.js';
import { kernelLog } from '../../src/kernel/printk.js';
import { runLine } from '../../src/shell/dispatch.js';

describe.each(ALL_FIXTURES)('kernel log of %s', (name) => {
  const s = fixtureSession(name);
  const log = kernelLog(s.kernel);

  it('reads every record without gaps, in sequence, from the boot banner', () => {
    expect(log.problems).toEqual([]);
    expect(log.records.filter((r) => r.text === null)).toEqual([]);
    expect(log.records[0].text).toMatch(/^Linux version /);
    log.records.forEach((r, i) => i && expect(r.seq).toBe(log.records[i - 1].seq + 1));
  });
});

describe.each(HOST_FIXTURES)('kernel log of %s against the guest', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const log = kernelLog(s.kernel);

  it('/dev/kmsg: every printed record with the same seq, level, facility, time and text', () => {
    const want = parseKmsg(truth.sections.get('kmsg'));
    expect(want.length).toBeGreaterThan(300);
    const bySeq = new Map(log.records.map((r) => [r.seq, r]));
    for (const w of want) {
      const r = bySeq.get(w.seq)!;
      expect(r, `seq ${w.seq}`).toBeDefined();
      expect((r.facility << 3) | r.level, `seq ${w.seq}`).toBe(w.prefix);
      expect(Math.floor(r.tsNsec / 1000), `seq ${w.seq}`).toBe(w.tsUsec);
      expect(kmsgEscape(r.text!), `seq ${w.seq}`).toBe(w.msg);
    }
    expect(log.records.length - want.length).toBeLessThan(20); // a few more after the print, not many
  });

  it('`log` prints the dmesg lines exactly (without their <level> prefix); --json has level and facility', () => {
    const want = (truth.sections.get('dmesg') ?? '').split('\n').filter(Boolean).map((l) => l.replace(/^<\d+>/, ''));
    const got = runLine(s, 'log').lines;
    expect(got.slice(0, want.length)).toEqual(want);
    const j = JSON.parse(runLine(s, 'log --json').lines.join('\n'));
    expect(j[0]).toMatchObject({ seq: 0, ts: 0, level: 5, facility: 0 });
    expect(j[0].msg).toMatch(/^Linux version/);
  });

  it('log | grep finds the SYN flood; log -T dates it from the crash time', () => {
    const g = runLine(s, 'log | grep flooding').lines;
    expect(g).toHaveLength(1);
    expect(g[0]).toMatch(/^\[\s*\d+\.\d{6}\] TCP: request_sock_TCP: Possible SYN flooding on port .*9100/);
    const ts = Number(/^\[\s*([\d.]+)\]/.exec(g[0])![1]);
    // the guest's clock: date.epoch was taken at uptime `uptime`; the record is ts after boot
    const boot = truth.epoch - truth.uptime;
    const t = runLine(s, 'log -T | grep flooding').lines[0];
    const m = /^\[(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\]/.exec(t)!;
    const shown = Date.parse(m[1] + ' UTC') / 1000;
    expect(Math.abs(shown - (boot + ts))).toBeLessThanOrEqual(3);
  });
});
