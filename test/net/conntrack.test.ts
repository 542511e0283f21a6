// The conntrack table read from each host fixture against what its guest printed just
// before the dump: /proc/net/nf_conntrack (tuples, state, flags, mark, zone, use, counters,
// timeouts), `conntrack -L` (printed a moment later) and the count and max sysctls.
//
// What may differ, and how it is checked:
// - Timeouts: the dump comes `elapsed` seconds after the truth's jiffies line (dump jiffies −
//   printed jiffies, / HZ). An entry that saw no packet since has 0 ≤ printed − ours ≤ elapsed+1
//   (whole seconds on both sides); one that saw packets (its counters grew: SYN-ACK
//   retransmits) was refreshed, so only ours ≥ printed − elapsed − 1 is asserted.
// - Counters only grow. use= is the kernel's refcount; /proc prints one more (its reader's);
//   references held by queued packets drain between print and dump (§14: refcounts).
// - An entry in the dump but not in /proc was created after /proc was printed: it must then
//   be in `conntrack -L`, printed after /proc (so created in between).

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { parseConntrack, ctKey, type CtTupleTruth } from '../support/truth-firewall-ct.js';
import type { ConntrackRow, CtTuple } from '../../src/net/conntrack.js';
import { presentHostFixtures } from '../support/truth-host.js';

const HOST = presentHostFixtures();

const asTruth = (t: CtTuple): CtTupleTruth => ({ src: t.src, dst: t.dst, ...(t.sport !== null ? { sport: t.sport, dport: t.dport! } : {}), ...(t.icmp ?? {}) });
const keyOf = (r: ConntrackRow) => ctKey(r.proto, asTruth(r.original), asTruth(r.reply));

describe.each(HOST)('conntrack table of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const ct = s.tables.conntrack();
  const clock = s.tables.clock();
  const elapsed = Number(clock.jiffies - truth.jiffies!) / clock.hz;

  if (name.startsWith('bullseye-5.10')) {
    it('5.10: the table or one clear reason', () => {
      if (ct.unavailable) expect(ct.unavailable).toMatch(/module BTF|not loaded/);
      else expect(ct.rows.length).toBeGreaterThan(0);
    });
    return;
  }

  it('walks without problems; max and each netns count as the guest printed them', () => {
    expect(ct.unavailable).toBeUndefined();
    expect(ct.problems).toEqual([]);
    for (const ns of truth.netns) {
      expect(ct.max).toBe(Number(truth.sections.get(`conntrack.${ns.name}.max`)));
      const count = ct.counts.find((c) => c.netns === ns.inode)!.count;
      expect(count).toBe(Number(truth.sections.get(`conntrack.${ns.name}.count`)));
      expect(count).toBe(ct.rows.filter((r) => r.netns === ns.inode).length);
    }
  });

  it('every /proc/net/nf_conntrack entry: same tuples, state, flags, mark, zone, use; counters and timeouts as time allows', () => {
    expect(elapsed).toBeGreaterThan(0);
    for (const ns of truth.netns) {
      const proc = parseConntrack(truth.sections.get(`net.${ns.name}.nf_conntrack`));
      expect(proc.length).toBeGreaterThan(0);
      const ours = new Map(ct.rows.filter((r) => r.netns === ns.inode).map((r) => [keyOf(r), r]));
      for (const p of proc) {
        const o = ours.get(ctKey(p.proto, p.original, p.reply));
        expect(o, p.line).toBeDefined();
        const what = `${ns.name}: ${p.line}`;
        expect(o!.l3, what).toBe(p.l3);
        expect(o!.state, what).toBe(p.state);
        expect(!o!.status.includes('SEEN_REPLY'), what).toBe(p.flags.includes('UNREPLIED'));
        expect(o!.status.includes('ASSURED'), what).toBe(p.flags.includes('ASSURED'));
        expect(o!.status, what).toContain('CONFIRMED');
        expect(o!.mark, what).toBe(p.mark);
        expect(o!.zone, what).toBe(p.zone);
        // Queued packets hold references (the UDP flood's skbs in a qdisc): those drain.
        if (p.use === 2) expect(o!.use, what).toBe(1);
        else expect(o!.use, what).toBeGreaterThanOrEqual(1), expect(o!.use, what).toBeLessThanOrEqual(p.use - 1);
        const grew = Number(o!.packets![0]) > p.original.packets! || Number(o!.packets![1]) > p.reply.packets!;
        expect(Number(o!.packets![0]), what).toBeGreaterThanOrEqual(p.original.packets!);
        expect(Number(o!.bytes![1]), what).toBeGreaterThanOrEqual(p.reply.bytes!);
        if (!grew) {
          expect([Number(o!.bytes![0]), Number(o!.bytes![1])], what).toEqual([p.original.bytes, p.reply.bytes]);
          expect(p.timeout - o!.timeout, what).toBeGreaterThanOrEqual(0);
          expect(p.timeout - o!.timeout, what).toBeLessThanOrEqual(elapsed + 1);
        } else expect(o!.timeout, what).toBeGreaterThanOrEqual(p.timeout - elapsed - 1);
      }
    }
  });

  it('an entry /proc did not list was created after it was printed: conntrack -L (printed later) has it', () => {
    for (const ns of truth.netns) {
      const proc = new Set(parseConntrack(truth.sections.get(`net.${ns.name}.nf_conntrack`)).map((p) => ctKey(p.proto, p.original, p.reply)));
      const later = new Set(parseConntrack(truth.sections.get(`conntrack.${ns.name}.list`)).map((p) => ctKey(p.proto, p.original, p.reply)));
      for (const r of ct.rows.filter((x) => x.netns === ns.inode)) {
        if (!proc.has(keyOf(r))) expect(later.has(keyOf(r)), keyOf(r)).toBe(true);
      }
    }
  });

  it('the DNAT\'ed flow shows the translated reply tuple and the NAT status bits', () => {
    const nat = ct.rows.find((r) => r.original.dst === '10.123.0.1' && r.original.dport === 80)!;
    expect(nat.reply).toMatchObject({ src: '10.200.0.2', sport: 7080 });
    expect(nat.status).toEqual(expect.arrayContaining(['DST_NAT', 'SRC_NAT', 'ASSURED', 'SEEN_REPLY']));
    expect(nat.state).toBe('ESTABLISHED');
  });
});
