// Netfilter hooks read from each host fixture against what its guest printed: `nft list
// hooks` where the kernel has nfnetlink_hook (6.12, 7.2: every hook's priority and handler,
// in order), and on every kernel what the ruleset implies (each nft base chain hooked at
// its priority, each iptables table present, conntrack and NAT hooks there).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { parseNftHooks, parseNftBaseChains, parseXtTables } from '../support/truth-firewall-ct.js';
import type { HookRow } from '../../src/net/nf-hooks.js';
import { presentHostFixtures } from '../support/truth-host.js';

const HOST = presentHostFixtures();

/** A row as `nft list hooks` names it: an nft chain as "chain FAMILY TABLE CHAIN". */
const asNft = (r: HookRow) => `${r.priority} ${r.owner.kind === 'nft' ? r.owner.text : r.func} [${r.module ?? ''}]`;

describe.each(HOST)('netfilter hooks of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const hooks = s.tables.nfHooks();
  const nets = truth.netns.map((n) => ({ ...n, sec: (x: string) => truth.sections.get(`${x.split('.')[0]}.${n.name}.${x.split('.').slice(1).join('.')}`) }));

  it('walks without problems', () => {
    expect(hooks.problems).toEqual([]);
    expect(hooks.rows.length).toBeGreaterThan(20);
  });

  it('matches `nft list hooks` exactly (priority, handler, module, order) where the kernel prints it', () => {
    for (const ns of nets) {
      const printed = parseNftHooks(ns.sec('nft.hooks'));
      if (!/^(6\.1|5\.10)\./.test(truth.release)) expect(printed.length).toBeGreaterThan(0);
      else {
        // Debian's 6.1 and 5.10 lack CONFIG_NETFILTER_NETLINK_HOOK: the guest printed nothing.
        expect(printed).toEqual([]);
        continue;
      }
      for (const fam of ['ip', 'ip6', 'arp', 'bridge']) {
        for (const hook of ['prerouting', 'input', 'forward', 'output', 'postrouting']) {
          const theirs = printed.filter((h) => h.family === fam && h.hook === hook).map((h) => `${h.priority} ${h.name} [${h.module ?? ''}]`);
          const ours = hooks.rows.filter((r) => r.netns === ns.inode && r.family === fam && r.hook === hook && r.via === null).map(asNft);
          expect(ours, `${ns.name} ${fam} ${hook}`).toEqual(theirs);
        }
      }
    }
  });

  it('every nft base chain of the ruleset is hooked at its priority (NAT chains under the NAT hook, netdev per device)', () => {
    for (const ns of nets) {
      const chains = parseNftBaseChains(ns.sec('nft.ruleset'));
      expect(chains.length).toBeGreaterThan(0);
      for (const c of chains) {
        const fams = c.family === 'inet' ? ['ip', 'ip6'] : [c.family];
        for (const fam of fams) {
          // 5.10 has no module BTF: its nft hooks say their chain name is not readable, so they
          // are matched by family, hook point, priority and nft_do_chain_<family> alone (nat chains: nft_nat_do_chain).
          const unnamed = hooks.rows.some((r) => r.owner.kind === 'nft' && r.owner.table === undefined);
          const hit = hooks.rows.filter((r) => r.netns === ns.inode && r.family === fam && r.hook === c.hook && r.owner.kind === 'nft'
            && (unnamed ? r.priority === c.priority && (c.type === "nat" ? r.func === "nft_nat_do_chain" : r.func === `nft_do_chain_${c.family}`)
              : r.owner.table === c.table && r.owner.chain === c.chain && r.owner.tableFamily === c.family));
          expect(hit.map((r) => r.priority), `${ns.name} ${c.family} ${c.table} ${c.chain} in ${fam}`).toEqual([c.priority]);
          if (c.type === 'nat') expect(hit[0].via).toMatch(/^nf_nat_/);
          else expect(hit[0].via).toBeNull();
          if (c.device) expect(hit[0].device).toBe(c.device);
        }
      }
      // ... and no nft chain is hooked that the ruleset does not have
      const named = new Set(chains.map((c) => `${c.family} ${c.table} ${c.chain}`));
      for (const r of hooks.rows.filter((x) => x.netns === ns.inode && x.owner.kind === 'nft' && x.owner.table !== undefined)) expect(named.has(`${r.owner.tableFamily} ${r.owner.table} ${r.owner.chain}`)).toBe(true);
    }
  });

  it('every legacy iptables table is hooked, nat under the NAT hooks; conntrack and defrag hooks are there', () => {
    for (const ns of nets) {
      for (const [sec, fam, tool] of [['iptables.save', 'ip', 'iptables'], ['ip6tables.save', 'ip6', 'ip6tables']] as const) {
        const tables = parseXtTables(ns.sec(sec));
        const ours = new Set(hooks.rows.filter((r) => r.netns === ns.inode && r.family === fam && r.owner.kind === 'iptables').map((r) => r.owner.text));
        expect(ours, `${ns.name} ${tool}`).toEqual(new Set(tables.map((t) => `${tool} ${t}`)));
        for (const r of hooks.rows.filter((x) => x.netns === ns.inode && x.owner.table === 'nat')) expect(r.via).toMatch(/^nf_nat_ipv4_/);
      }
      const funcs = (fam: string, hook: string) => hooks.rows.filter((r) => r.netns === ns.inode && r.family === fam && r.hook === hook).map((r) => r.func);
      expect(funcs('ip', 'prerouting')).toEqual(expect.arrayContaining(['ipv4_conntrack_defrag', 'ipv4_conntrack_in']));
      expect(funcs('ip6', 'output')).toEqual(expect.arrayContaining(['ipv6_defrag', 'ipv6_conntrack_local']));
      expect(hooks.rows.find((r) => r.netns === ns.inode && r.func === 'ipv4_conntrack_in')!.priority).toBe(-200);
      expect(hooks.rows.find((r) => r.netns === ns.inode && r.func === 'ipv4_conntrack_defrag')!.owner.kind).toBe('defrag');
    }
  });

  it('priorities are ascending within each hook point, as the kernel runs them', () => {
    const groups = new Map<string, number[]>();
    for (const r of hooks.rows) {
      const k = `${r.netns} ${r.family} ${r.device} ${r.hook} ${r.via}`;
      groups.set(k, [...(groups.get(k) ?? []), r.priority]);
    }
    for (const [k, p] of groups) expect(p, k).toEqual([...p].sort((a, b) => a - b));
  });
});
