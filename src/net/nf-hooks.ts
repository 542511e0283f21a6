// Netfilter hooks of every namespace: the per-netns hook arrays (net->nf.hooks_ipv4[5],
// hooks_ipv6[5], hooks_arp[3], hooks_bridge[5]) and each device's ingress/egress hooks, in the
// order the kernel runs them (ascending priority), each named by its handler's symbol and by
// what registered it (nf-hook-owner.ts). NAT's entry hooks carry a nested nf_hook_entries of
// the real NAT chains (nf_nat_lookup_hook_priv), listed under them.
//
// Kernel structures (include/linux/netfilter.h, include/net/netns/netfilter.h):
//   struct nf_hook_entries { u16 num_hook_entries; struct nf_hook_entry hooks[]; }
//     followed by the trailer  struct nf_hook_ops *orig_ops[num_hook_entries]
//     (nf_hook_entries_get_hook_ops; net/netfilter/core.c allocate_hook_entries_size)
//   struct nf_hook_entry { nf_hookfn *hook; void *priv; }
//   struct nf_hook_ops { hook, dev, priv, u8 pf, [hook_ops_type:8 (6.1+)], hooknum, int priority; ... }
// A removed slot becomes hook = accept_all with orig_ops = &dummy_ops (core.c __nf_hook_entries_try_shrink).

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import type { NetDevice } from './devices.js';
import { hookOwner, natNestedEntries, type HookOwner } from './nf-hook-owner.js';

export type HookFamily = 'ip' | 'ip6' | 'arp' | 'bridge' | 'netdev';

export interface HookRow {
  netns: number;
  family: HookFamily;
  /** The device of a netdev ingress/egress hook, else null. */
  device: string | null;
  hook: string;
  priority: number;
  /** Handler symbol without offset ("ipv4_conntrack_in"), or its address in hex. */
  func: string;
  /** Module of the handler, null when built in. */
  module: string | null;
  owner: HookOwner;
  /** Set on a NAT chain nested under a NAT entry hook: that hook's handler. */
  via: string | null;
  funcAddress: bigint;
  ops: bigint;
  priv: bigint;
  entries: bigint;
}

export interface HookTable {
  rows: HookRow[];
  problems: WalkProblem[];
}

const INET_HOOKS = ['prerouting', 'input', 'forward', 'output', 'postrouting'];
// include/uapi/linux/netfilter_arp.h: NF_ARP_IN 0, NF_ARP_OUT 1, NF_ARP_FORWARD 2 (nft's names)
const ARP_HOOKS = ['input', 'output', 'forward'];
/** Hook slots per entries array: NF_MAX_HOOKS is small; more is a corrupt count. */
const MAX_ENTRIES = 1024;

const ARRAYS: { member: string; family: HookFamily; names: string[] }[] = [
  { member: 'nf.hooks_ipv4', family: 'ip', names: INET_HOOKS },
  { member: 'nf.hooks_ipv6', family: 'ip6', names: INET_HOOKS },
  { member: 'nf.hooks_arp', family: 'arp', names: ARP_HOOKS },
  { member: 'nf.hooks_bridge', family: 'bridge', names: INET_HOOKS },
];

/** "name+0x10 [mod]" → {name, module}. */
export function splitSymbol(s: string): { func: string; module: string | null } {
  const m = /^([^\s+]+)(?:\+0x[0-9a-f]+)?(?: \[([^\]]+)\])?$/.exec(s);
  return m ? { func: m[1], module: m[2] ?? null } : { func: s, module: null };
}

interface Ctx {
  k: Kernel;
  problems: WalkProblem[];
  dummyOps?: bigint;
  acceptAll?: bigint;
  removed: number;
}

// net/netfilter/core.c (nf_hook_entries_get_hook_ops) and net/netfilter/nfnetlink_hook.c
// (nfnl_hook_dump_one): one entries array, slot by slot, with its orig_ops trailer.
export function readHookEntries(c: Ctx, entries: bigint, where: string): { hook: bigint; priv: bigint; ops: bigint; priority: number }[] {
  const k = c.k;
  const E = 'struct nf_hook_entries';
  const num = k.num(entries, k.field(E, 'num_hook_entries'));
  if (num > MAX_ENTRIES) throw new Error(`${where}: ${num} hook entries (corrupt count)`);
  const hooksOff = k.off(E, 'hooks');
  const entSize = BigInt(k.sizeof('struct nf_hook_entry'));
  const hookF = k.field('struct nf_hook_entry', 'hook');
  const privF = k.field('struct nf_hook_entry', 'priv');
  const prioF = k.field('struct nf_hook_ops', 'priority');
  const trailer = entries + hooksOff + entSize * BigInt(num);
  const out = [];
  for (let i = 0; i < num; i++) {
    const e = entries + hooksOff + entSize * BigInt(i);
    const ops = k.mem.ptr(trailer + 8n * BigInt(i));
    const hook = k.ptr(e, hookF);
    if ((c.dummyOps !== undefined && ops === c.dummyOps) || (c.acceptAll !== undefined && hook === c.acceptAll)) {
      c.removed++; // a hook being unregistered (accept_all until the array shrinks)
      continue;
    }
    out.push({ hook, priv: k.ptr(e, privF), ops, priority: k.num(ops, prioF) });
  }
  return out;
}

function addEntries(c: Ctx, rows: HookRow[], base: Omit<HookRow, 'priority' | 'func' | 'module' | 'owner' | 'via' | 'funcAddress' | 'ops' | 'priv'>, where: string): void {
  let slots;
  try {
    slots = readHookEntries(c, base.entries, where);
  } catch (e) {
    c.problems.push(unreadable(where, base.entries, e));
    return;
  }
  for (const s of slots) {
    const { func, module } = splitSymbol(c.k.symbolize(s.hook));
    const owner = hookOwner(c.k, { func, module, ops: s.ops, priv: s.priv, family: base.family });
    rows.push({ ...base, priority: s.priority, func, module, owner, via: null, funcAddress: s.hook, ops: s.ops, priv: s.priv });
    if (owner.kind !== 'nat') continue;
    // net/netfilter/nf_nat_core.c nf_nat_inet_fn: priv = nf_nat_lookup_hook_priv{entries}
    const nested = natNestedEntries(c.k, s.priv);
    if (nested === undefined || nested === 0n) continue;
    const nwhere = `${where} nat ${func}`;
    let inner;
    try {
      inner = readHookEntries(c, nested, nwhere);
    } catch (e) {
      c.problems.push(unreadable(nwhere, nested, e));
      continue;
    }
    for (const n of inner) {
      const sym = splitSymbol(c.k.symbolize(n.hook));
      const o = hookOwner(c.k, { ...sym, ops: n.ops, priv: n.priv, family: base.family });
      rows.push({ ...base, entries: nested, priority: n.priority, func: sym.func, module: sym.module, owner: o, via: func, funcAddress: n.hook, ops: n.ops, priv: n.priv });
    }
  }
}

/** Every hook of the given namespaces (devices: every device of those namespaces). */
export function netfilterHooks(k: Kernel, nets: NetNs[], devices: NetDevice[]): HookTable {
  const problems: WalkProblem[] = [];
  const c: Ctx = { k, problems, dummyOps: k.vmlinuxSymbol('dummy_ops'), acceptAll: k.vmlinuxSymbol('accept_all'), removed: 0 };
  const rows: HookRow[] = [];
  if (!k.has('struct nf_hook_entries')) {
    problems.push({ where: 'netfilter', address: 0n, kind: 'unreadable', detail: 'this kernel has no struct nf_hook_entries in its BTF (CONFIG_NETFILTER off, or hooks before 4.16)' });
    return { rows, problems };
  }
  for (const n of nets) {
    for (const a of ARRAYS) {
      const f = k.tryField('struct net', a.member);
      if (!f) continue; // CONFIG_NETFILTER_FAMILY_ARP / _BRIDGE off
      const count = Math.min(f.size / 8, a.names.length);
      for (let h = 0; h < count; h++) {
        const where = `${a.member}[${h}] (netns ${n.inode})`;
        let entries: bigint;
        try {
          entries = k.mem.ptr(n.address + f.offsetN + BigInt(h * 8));
        } catch (e) {
          problems.push(unreadable(where, n.address + f.offsetN, e));
          continue;
        }
        if (entries === 0n) continue;
        addEntries(c, rows, { netns: n.inode, family: a.family, device: null, hook: a.names[h], entries }, where);
      }
    }
  }
  // net/core/dev.c nf_hook_ingress / nf_hook_egress: dev->nf_hooks_ingress, nf_hooks_egress
  const inF = k.tryField('struct net_device', 'nf_hooks_ingress');
  const egF = k.tryField('struct net_device', 'nf_hooks_egress');
  const inodes = new Set(nets.map((n) => n.inode));
  for (const d of devices) {
    if (!inodes.has(d.netns)) continue;
    for (const [f, hook] of [[inF, 'ingress'], [egF, 'egress']] as const) {
      if (!f) continue;
      const where = `${d.name}.nf_hooks_${hook} (netns ${d.netns})`;
      let entries: bigint;
      try {
        entries = k.ptr(d.address, f);
      } catch (e) {
        problems.push(unreadable(where, d.address, e));
        continue;
      }
      if (entries === 0n) continue;
      addEntries(c, rows, { netns: d.netns, family: 'netdev', device: d.name, hook, entries }, where);
    }
  }
  return { rows, problems };
}
