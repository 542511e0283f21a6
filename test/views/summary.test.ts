// --summary on every fixture: exactly the WARNINGs the scenario set up, each naming its
// objects. Every fixture has the full backlog-0 listener 127.0.0.1:8081, the closed-window
// bulk pair, the SYN_SENT retransmitters and the 4 KiB-rcvbuf UDP socket 127.0.0.1:5301 that
// dropped datagrams; the host scenario adds listen overflows (SYNs to :8081), a spoofed SYN
// flood on :9100 (backlog 2: full SYN queue, syncookies) and qdisc drops on dummy4 (tbf).

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { ALL_FIXTURES } from '../support/truth-netcore.js';
import { runLine } from '../../src/shell/dispatch.js';

interface Obj { kind: string; label: string; netns: number | null; ref: { kind: string } | null }
interface Check { name: string; warning: boolean; count: number; objects: Obj[] }

const COMMON = ['listen queue full', 'receive window closed', 'send window closed', 'retransmitting', 'UDP receive buffer >= 75% full',
  'UDP receive buffer errors (Udp RcvbufErrors)'];
const HOST = ['listen overflows (TcpExt ListenOverflows/ListenDrops)', 'SYN queue full', 'syncookies sent (TcpExt SyncookiesSent)', 'qdisc drops'];

describe.each(ALL_FIXTURES)('--summary of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const j = JSON.parse(runLine(s, '--summary --json').lines.join('\n'));
  const checks: Check[] = j.checks;
  const get = (n: string) => checks.find((c) => c.name === n)!;
  const labels = (n: string) => get(n).objects.map((o) => o.label);
  const host = name.endsWith('-host');
  const initNs = truth.netns[0].inode;

  it('is an object view: netns, problems, counts, checks', () => {
    expect(j.netns).toBe('all');
    expect(j.problems).toEqual([]);
    expect(j.tcpStates.LISTEN).toBeGreaterThan(0);
  });

  it('warns exactly about what the scenario set up', () => {
    const warnings = checks.filter((c) => c.warning).map((c) => c.name);
    expect(warnings.sort()).toEqual([...COMMON, ...(host ? HOST : [])].sort());
  });

  it('every warning names its objects, and each can be opened', () => {
    for (const c of checks.filter((x) => x.warning)) {
      expect(c.objects.length, c.name).toBeGreaterThan(0);
      expect(c.count, c.name).toBe(c.objects.length);
      for (const o of c.objects) expect(o.ref, `${c.name}: ${o.label}`).not.toBeNull();
    }
    expect(labels('listen queue full')).toEqual(['tcp 127.0.0.1:8081 LISTEN']);
    expect(labels('UDP receive buffer errors (Udp RcvbufErrors)')).toEqual([
      `netns ${initNs}: Udp RcvbufErrors=${get('UDP receive buffer errors (Udp RcvbufErrors)').objects[0].label.split('=')[1]}`,
      expect.stringMatching(/^udp 127\.0\.0\.1:5301 CLOSE \(\d+ drops\)$/),
    ]);
    // the kernel's counter: at or a little above what the guest printed (no drops after)
    const printed = truth.netns[0].snmp.get('Udp')!.get('RcvbufErrors')!;
    const got = Number(labels('UDP receive buffer errors (Udp RcvbufErrors)')[0].split('=')[1]);
    expect(got).toBe(printed);
  });

  it.runIf(host)('names the overflowing listener, the flooded SYN queue, the cookies and the dropping qdisc', () => {
    const netstat = truth.netns[0].netstat.get('TcpExt')!;
    const ovf = labels('listen overflows (TcpExt ListenOverflows/ListenDrops)');
    expect(ovf).toContain('tcp 127.0.0.1:8081 LISTEN');
    // the clients keep retrying SYNs between the guest's print and the dump: the counters are
    // at or above the printed ones (they double in these dumps)
    const n = Number(/ListenOverflows=(\d+)/.exec(ovf.join(' '))![1]);
    expect(n).toBeGreaterThanOrEqual(netstat.get('ListenOverflows')!);
    expect(labels('SYN queue full')).toEqual([expect.stringMatching(/^tcp 0\.0\.0\.0:9100 LISTEN \(\d+ requests, backlog 2\)$/)]);
    const cookies = Number(labels('syncookies sent (TcpExt SyncookiesSent)')[0].split('=')[1]);
    expect(cookies).toBeGreaterThanOrEqual(netstat.get('SyncookiesSent')!);
    const q = get('qdisc drops').objects;
    expect(q.map((o) => o.label.split(':')[0])).toEqual([`netns ${initNs} dummy4`]);
    expect(q[0].ref).toMatchObject({ kind: 'iface', netns: initNs });
    expect(q[0].label).toMatch(/tbf 20: dropped \d+/);
  });

  it('text: WARNING lines with their objects under them', () => {
    const text = runLine(s, '--summary').lines;
    const i = text.findIndex((l) => l.startsWith('WARNING: listen queue full'));
    expect(text[i + 1]).toBe('    tcp 127.0.0.1:8081 LISTEN');
    // the second netns has none of it (the CPUs' and the global checks have nothing to say either)
    const ns1 = JSON.parse(runLine(s, `--summary --netns ${truth.netns[1].inode} --json`).lines.join('\n'));
    expect(ns1.netns).toBe(truth.netns[1].inode);
    expect(ns1.checks.filter((c: Check) => c.warning).map((c: Check) => c.name)).toEqual([]);
  });
});
