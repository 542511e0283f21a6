// Neighbour tables (arp_tbl, nd_tbl) against what the guest printed: /proc/net/arp per netns
// and busybox `ip neigh` / `ip -6 neigh`.
//
// What the dump holds that those views hide (the tests check both sides): entries whose state
// is NOARP (or NONE) — /proc/net/arp skips them (neigh_get_first with NEIGH_SEQ_SKIP_NOARP) and
// `ip neigh` filters them (default state filter ~NUD_NOARP). On these fixtures: the multicast
// entries (224.0.0.22 on br0, ff02::2 / ff02::16 / ff02::1:ffXX:XXXX on every IPv6 device), the
// loopback ones (0.0.0.0 on lo in each netns, ::1 on lo) and the IFF_NOARP dummy0's 10.1.0.77.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../support/truth.js';
import { expectRowsMatchTruth } from '../support/match.js';
import { presentFixtures, fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { ipNeighTruth, type IpNeighRow } from '../support/truth-neigh.js';
import { netNamespaces } from '../../src/net/netns.js';
import { kernelClock } from '../../src/kernel/time.js';
import { walkNeighbours, neighbourTables, type NeighbourRow } from '../../src/net/neighbours.js';
import { procNetArpLines, procNetArpLine, ipNeighLine, neighVerboseLine, arpFlags } from '../../src/report/neighbours-text.js';
import { nudStateName, neighFlagNames } from '../../src/net/neigh-names.js';

// the three kernels, plus the vxlan scenario (more devices: vxlan42 and geneve7 get ND entries)
const fixtures = [...presentFixtures(), ...(existsSync(join(fixtureDir('bookworm-6.1-vxlan'), 'vmcore.kdump')) ? ['bookworm-6.1-vxlan'] : [])];
const DYNAMIC = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE']);

function walk(name: string) {
  const k = fixtureSession(name).kernel;
  return { k, ...walkNeighbours(k, netNamespaces(k), kernelClock(k)) };
}

describe.each(fixtures)('neighbours of %s', (name) => {
  const truth = fixtureTruth(name);
  const { k, rows, problems } = walk(name);

  it('finds arp_tbl and nd_tbl and walks them without problems', () => {
    expect(neighbourTables(k).map((t) => t.name)).toEqual(['arp_tbl', 'nd_tbl']);
    expect(problems).toEqual([]);
    for (const ns of truth.netns) expect(rows.some((r) => r.netns === ns.inode)).toBe(true);
  });

  it('prints /proc/net/arp of every netns exactly, in the kernel order', () => {
    for (const ns of truth.netns) {
      const want = (truth.sections.get(`net.${ns.name}.arp`) ?? '').split('\n').filter((l) => l.trim());
      expect(procNetArpLines(rows.filter((r) => r.netns === ns.inode))).toEqual(want);
      expect(ns.arp.length).toBeGreaterThan(0);
    }
  });

  it('equals `ip neigh` and `ip -6 neigh` of every netns (IP, dev, lladdr, flags, state)', () => {
    for (const ns of truth.netns) {
      const { v4, v6 } = ipNeighTruth(truth, ns.name);
      for (const [family, want] of [['inet', v4], ['inet6', v6]] as const) {
        const mine = rows.filter((r) => r.netns === ns.inode && r.family === family && !r.hidden && !r.proxy);
        expectRowsMatchTruth(mine, want, { ip: 'ip', dev: ['device', 'dev'] }, `neighbours of ${ns.name} ${family}`);
        for (const w of want) checkIpNeigh(mine.find((r) => r.ip === w.ip && r.device === w.dev)!, w, truth.jiffies);
      }
    }
  });

  it('holds the scenario neighbours: PERMANENT ones on dummy0/eth0, learned ones for 10.0.2.2 and 10.200.0.2', () => {
    const init = truth.netns[0]!.inode;
    const state = (ip: string, dev: string) => rows.find((r) => r.netns === init && r.ip === ip && r.device === dev)?.state;
    for (const [ip, dev] of [['10.1.0.254', 'dummy0'], ['2001:db8:1::fe', 'dummy0'], ['10.0.2.99', 'eth0'], ['10.0.2.3', 'eth0'], ['fe80::99', 'eth0']]) {
      expect(state(ip!, dev!), ip).toBe('PERMANENT');
    }
    expect(DYNAMIC.has(state('10.0.2.2', 'eth0') ?? '')).toBe(true);
    expect(DYNAMIC.has(state('10.200.0.2', 'veth0') ?? '')).toBe(true);
    const router = rows.find((r) => r.ip === 'fe80::2');
    expect(router?.flags).toEqual(['router']);
  });

  it('shows the NOARP entries /proc/net/arp and ip neigh hide, marked', () => {
    const hidden = rows.filter((r) => r.hidden);
    for (const r of hidden) expect(['NOARP', 'NONE']).toContain(r.state);
    for (const ns of truth.netns) {
      const shown = new Set([...ns.arp.map((a) => `${a.ip} ${a.device}`), ...ipNeighTruth(truth, ns.name).all.map((n) => `${n.ip} ${n.dev}`)]);
      for (const r of hidden.filter((h) => h.netns === ns.inode)) expect(shown.has(`${r.ip} ${r.device}`), `${r.ip} ${r.device}`).toBe(false);
    }
    const init = truth.netns[0]!.inode;
    const has = (ip: string, dev: string, type: string) => hidden.some((r) => r.netns === init && r.ip === ip && r.device === dev && r.type === type);
    expect(has('224.0.0.22', 'br0', 'multicast')).toBe(true);
    expect(has('ff02::2', 'eth0', 'multicast')).toBe(true);
    expect(has('0.0.0.0', 'lo', 'broadcast')).toBe(true);
    expect(has('::1', 'lo', 'local')).toBe(true);
    // NOARP is in NUD_VALID: were it shown, arp_state_to_flags would give it ATF_COM (0x2)
    const line = procNetArpLine(hidden.find((r) => r.ip === '224.0.0.22')!, true);
    expect(line).toMatch(/^224\.0\.0\.22 +0x1 +0x2 +01:00:5e:00:00:16 +\* +br0 +\[NOARP: not in \/proc\/net\/arp\]$/);
  });

  it('gives every neighbour its verbose fields: ages, probes, refcnt, queue', () => {
    for (const r of rows.filter((x) => !x.proxy)) {
      const d = r.detail!;
      for (const a of [d.confirmed, d.updated, d.used]) {
        expect(a.seconds, `${r.ip} ${r.device}`).toBeGreaterThanOrEqual(0);
        expect(a.seconds!).toBeLessThan(600); // the guest ran for under a minute … plus confirmed's backdating
      }
      expect(d.refcnt).toBeGreaterThanOrEqual(1);
      expect(d.queueLen).toBe(0);
      expect(d.dead).toBe(false);
      expect(neighVerboseLine(r)).toContain(`table ${r.table}`);
    }
  });
});

/**
 * One `ip neigh` line against our row. Dynamic states move on their own (timers, confirmations
 * from the TCP traffic over veth0/veth1) in the seconds between printing and the dump: a state
 * may differ only if both are dynamic and the kernel stamped `updated` (set on every state
 * change: neigh_update, neigh_timer_handler) after the truth's jiffies, i.e. after printing
 * began. Probes and ref move with them; PERMANENT entries must match in everything.
 */
function checkIpNeigh(r: NeighbourRow | undefined, w: IpNeighRow, printJiffies: bigint | undefined): void {
  expect(r, w.raw).toBeDefined();
  if (!r) return;
  expect(ipNeighLine(r).split(' ').slice(0, 5).join(' '), w.raw).toBe(`${w.ip} dev ${w.dev} lladdr ${w.lladdr}`);
  expect(r.flags, w.raw).toEqual(w.flags);
  if (r.state === w.state) {
    if (r.state === 'PERMANENT') {
      expect(r.detail!.probes, w.raw).toBe(w.probes);
      expect(r.detail!.refcnt - 1, w.raw).toBe(w.ref);
    }
    return;
  }
  expect(DYNAMIC.has(r.state) && DYNAMIC.has(w.state), `${w.raw} vs ${r.state}`).toBe(true);
  expect(printJiffies).toBeDefined();
  expect(BigInt(r.detail!.updated.jiffies) >= printJiffies!, `${w.raw}: ${r.state} but updated before printing`).toBe(true);
}

describe('neighbour text formatters', () => {
  const base: NeighbourRow = {
    netns: 1, family: 'inet', ip: '10.0.0.5', hwType: 'ether', hwTypeCode: 1, hwAddress: 'aa:bb:cc:dd:ee:ff',
    device: 'eth0', ifindex: 2, state: 'INCOMPLETE', nudState: 0x01, flags: [], proxy: false, table: 'arp_tbl',
    type: 'unicast', hidden: false, address: 0xffff888000001000n,
  };

  it('prints /proc/net/arp flags as arp_state_to_flags does, proxies as 0xc', () => {
    expect(arpFlags(base)).toBe(0);
    expect(arpFlags({ ...base, nudState: 0x04 })).toBe(0x2);
    expect(arpFlags({ ...base, nudState: 0x80 })).toBe(0x6);
    const proxy = { ...base, proxy: true, nudState: 0, hwAddress: '', device: '*', hwTypeCode: 0 };
    expect(arpFlags(proxy)).toBe(0xc);
    expect(procNetArpLine(proxy)).toBe('10.0.0.5         0x0         0xc         00:00:00:00:00:00     *        *');
  });

  it('prints ip neigh lines: no lladdr unless the state is valid, router before the state, proxies', () => {
    expect(ipNeighLine(base)).toBe('10.0.0.5 dev eth0 INCOMPLETE');
    expect(ipNeighLine({ ...base, nudState: 0x04, state: 'STALE', flags: ['router'] })).toBe('10.0.0.5 dev eth0 lladdr aa:bb:cc:dd:ee:ff router STALE');
    expect(ipNeighLine({ ...base, proxy: true, nudState: 0, state: 'NONE' })).toBe('10.0.0.5 dev eth0 proxy');
  });

  it('names NUD states and NTF flags as ip does', () => {
    expect(nudStateName(0)).toBe('NONE');
    expect(nudStateName(0x40)).toBe('NOARP');
    expect(nudStateName(0x24)).toBe('STALE FAILED');
    expect(neighFlagNames(0x90)).toEqual(['extern_learn', 'router']);
    expect(neighFlagNames(0x100)).toEqual(['managed']);
    expect(neighFlagNames(0x1000)).toEqual(['0x1000']);
  });

  it('marks never-set and future stamps in the verbose line', () => {
    const line = neighVerboseLine({
      ...base,
      nudState: 0x02,
      state: 'REACHABLE',
      detail: {
        confirmed: { jiffies: 0, seconds: undefined, mark: 'never' },
        updated: { jiffies: 99, seconds: undefined, mark: 'future' },
        used: { jiffies: 5, seconds: 2.5 },
        probes: 3, refcnt: 2, queueLen: 1, queueBytes: 60, dead: false, protocol: undefined,
      },
    });
    expect(line).toBe('10.0.0.5 dev eth0 lladdr aa:bb:cc:dd:ee:ff ref 1 used 2/-/- probes 3 REACHABLE queue 1/60B type unicast table arp_tbl');
  });
});
