// Interfaces walked from the dump against what the guest itself printed just before it:
// /proc/net/dev, /proc/net/if_inet6 and busybox `ip link` / `ip addr`, in every namespace.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { FIXTURE_NAMES, fixtureDir } from '../support/truth.js';
import { parseIpAddr, parseIfInet6 } from '../support/truth-ifaces.js';
import { netNamespaces } from '../../src/net/netns.js';
import { netInterfaces, type NetInterface } from '../../src/net/interfaces.js';
import { kernelClock } from '../../src/kernel/time.js';
import { ipLinkLines, ipAddrLines, procNetDevCounters, procNetDevLine, tcQdiscLines, interfaceBlock } from '../../src/report/interfaces-text.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = [...FIXTURE_NAMES, 'bookworm-6.1-vxlan'].filter((n) => existsSync(join(fixtureDir(n), 'vmcore.kdump')));

describe.each(FIXTURES)('interfaces of %s', (name) => {
  const s = fixtureSession(name);
  const k = s.kernel;
  const truth = fixtureTruth(name);
  const walk = netInterfaces(k, netNamespaces(k), kernelClock(k));
  const inNs = (inode: number) => walk.rows.filter((r) => r.netns === inode);
  const is510 = !k.has('struct veth_priv', 'peer'); // no module BTF (5.10)

  it('walks without problems', () => {
    expect(walk.problems).toEqual([]);
  });

  it.each(truth.netns.map((n) => [n.name, n] as const))('netns %s: every /proc/net/dev interface, in order, counters ≥ the printed ones', (_n, ns) => {
    const rows = inNs(ns.inode);
    expect(rows.map((r) => r.name)).toEqual(ns.dev.map((d) => d.iface));
    for (const d of ns.dev) {
      const r = rows.find((x) => x.name === d.iface)!;
      const got = procNetDevCounters(r);
      const driverComputed = r.handlers.stats64?.startsWith('virtnet_stats') || (is510 && r.handlers.stats64?.startsWith('veth_get_stats64'));
      if (driverComputed) {
        // virtio_net sums its own per-queue counters; 5.10's veth needs struct veth_rq (module BTF): a gap, never zeros.
        expect(got).toBeUndefined();
        expect(procNetDevLine(r)).toMatch(/driver-computed/);
        continue;
      }
      expect(got, d.iface).toBeDefined();
      // Counters only grow, and traffic (ND, IGMP, the TCP pairs) goes on in the 1–3 s between
      // the guest printing /proc/net/dev and the dump (dummy0 keeps retransmitting the scenario's
      // SYN-ACKs: +14 packets on 5.10): each is ≥ what was printed, and close.
      got!.forEach((v, i) => {
        expect(v, `${d.iface} column ${i}`).toBeGreaterThanOrEqual(d.counters[i]!);
        expect(v - d.counters[i]!, `${d.iface} column ${i}`).toBeLessThanOrEqual(Math.max(5000, d.counters[i]! / 2));
      });
    }
  });

  it.each(truth.netns.map((n) => [n.name, n] as const))('netns %s: /proc/net/if_inet6 exactly (as a set: it is hash ordered)', (_n, ns) => {
    const want = parseIfInet6(ns.text.get('if_inet6')).map((a) => `${a.address} ${a.ifindex} ${a.prefixLen} ${a.scope} ${a.flags} ${a.name}`);
    const got = inNs(ns.inode).flatMap((r) => r.ipv6.map((a) => `${a.address} ${r.ifindex} ${a.prefixLen} ${a.scope} ${a.flags & 0xff} ${r.name}`));
    expect(want.length).toBeGreaterThan(0);
    expect(got.sort()).toEqual(want.sort());
  });

  it.each(truth.netns.map((n) => [n.name, n] as const))('netns %s: ip addr — flags, mtu, MAC, qdisc, master, @link, addresses', (_n, ns) => {
    const want = parseIpAddr(ns.text.get('ip.addr'));
    const rows = inNs(ns.inode);
    expect(rows.map((r) => r.ifindex)).toEqual(want.map((w) => w.ifindex));
    for (const w of want) {
      const r = rows.find((x) => x.ifindex === w.ifindex)!;
      expect(r.name).toBe(w.name);
      expect(r.mtu).toBe(w.mtu);
      expect(r.qdisc).toBe(w.qdisc);
      expect(r.txQueueLen).toBe(w.qlen);
      expect(r.master?.name ?? null).toBe(w.master);
      expect(r.typeName).toBe(w.type);
      expect(r.mac).toBe(w.mac);
      expect(r.broadcast).toBe(w.brd);
      // busybox prints "@if8" and M-DOWN for a peer in another netns: it cannot look the index
      // up there (ll_idx_n2a / ll_index_to_flags). iproute2 prints "@if8" without M-DOWN; so do we.
      const crossNs = r.link !== null && r.link.netns !== r.netns;
      expect(r.flagNames).toEqual(crossNs ? w.flags.filter((f) => f !== 'M-DOWN') : w.flags);
      if (w.link === null) expect(r.link).toBeNull();
      else expect(crossNs ? `if${r.link!.ifindex}` : r.link!.name).toBe(w.link);
      if (!crossNs) expect(ipLinkLines(r)[0]).toBe(w.header);
      expect(ipLinkLines(r)[1]).toBe(`    link/${w.type} ${w.mac} brd ${w.brd}`);
      expect(r.ipv4.map((a) => [a.local, a.prefixLen, a.broadcast, a.scopeName, a.secondary, a.label])).toEqual(
        w.inet.map((a) => [a.local, a.prefixLen, a.brd, a.scope, a.secondary, a.label]),
      );
      // ip addr lists IPv6 addresses in addr_list order, as we walk them
      expect(r.ipv6.map((a) => `${a.address}/${a.prefixLen} ${a.scopeName}`)).toEqual(w.inet6.map((a) => `${a.address}/${a.prefixLen} ${a.scope}`));
      for (const a of w.inet) expect(ipAddrLines(r)).toContain(a.line);
    }
  });

  it('the scenario: VLAN 10 on dummy0, bridge port dummy2 of br0, the veth pair across namespaces', () => {
    const init = inNs(truth.netns[0]!.inode);
    const ns1 = truth.netns.find((n) => n.name === 'ns1')!;
    const vlan = init.find((r) => r.name === 'dummy0.10')!;
    expect(vlan.vlan).toMatchObject({ id: 10, protocol: '802.1Q', realDev: { name: 'dummy0' } });
    const port = init.find((r) => r.name === 'dummy2')!;
    expect(port.bridgePort).toMatchObject({ bridge: 'br0', state: 'forwarding' });
    expect(port.promiscuity).toBeGreaterThan(0); // a bridge port listens to everything
    const veth0 = init.find((r) => r.name === 'veth0')!;
    const veth1 = inNs(ns1.inode).find((r) => r.name === 'veth1')!;
    expect(veth0.link).toMatchObject({ name: 'veth1', ifindex: veth1.ifindex, netns: ns1.inode });
    expect(veth1.link).toMatchObject({ name: 'veth0', ifindex: veth0.ifindex, netns: truth.netns[0]!.inode });
    expect(init.find((r) => r.name === 'dummy1')!.ipv4.filter((a) => a.secondary).map((a) => a.local)).toEqual(['192.168.77.2']);
  });

  it('qdiscs: root kind = the qdisc `ip link` names; eth0 has sent what its root qdisc counted', () => {
    for (const r of walk.rows) {
      expect(r.qdiscs[0]!.role).toBe('root');
      expect(r.qdiscs[0]!.kind).toBe(r.qdisc);
      expect(r.qdiscs[0]!.parent).toBe('root');
    }
    const eth0 = walk.rows.find((r) => r.name === 'eth0')!;
    const root = eth0.qdiscs[0]!;
    const dev = truth.netns[0]!.dev.find((d) => d.iface === 'eth0')!;
    // every packet eth0 sent went through its root qdisc (fq_codel / pfifo_fast)
    expect(root.packets).toBeGreaterThanOrEqual(dev.txPackets);
    expect(root.bytes).toBeGreaterThanOrEqual(dev.txBytes);
    expect(tcQdiscLines('eth0', root)[0]).toBe(`qdisc ${root.kind} 0: dev eth0 root refcnt ${root.refcnt}`);
  });

  it('-iv block: per-CPU counters add up to the totals; queues have a trans_start', () => {
    for (const r of walk.rows) {
      expect(r.txQueues.length).toBe(r.numTxQueues);
      if (!r.stats.ok || !r.stats.perCpu || r.handlers.stats64?.startsWith('veth')) continue;
      const sum = r.stats.perCpu.reduce((a, c) => a + c.tx_packets, 0);
      expect(sum).toBe(r.stats.counters.tx_packets);
    }
    const lo = walk.rows.find((r) => r.name === 'lo')!;
    const block = interfaceBlock(lo, true).join('\n');
    expect(block).toContain('lo 127.0.0.1/8 mtu=65536 LOOPBACK');
    expect(block).toContain('flags=<IFF_UP|IFF_LOOPBACK|IFF_RUNNING|IFF_LOWER_UP>');
    expect(block).toContain('open=<None>, stats=<loopback_get_stats64>');
    expect(block).toContain('--CPU 1');
  });
});
