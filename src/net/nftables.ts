// The nftables ruleset of each network namespace, as `nft -a list ruleset` lists it.
// net/netfilter/nf_tables_api.c: nf_tables_dump_tables / _chains / _sets / _rules walk
// nft_pernet(net)->tables → table->chains, table->sets, chain->rules; an object is shown iff
// active in the current generation (nft_is_active: !(genmask & (1 << net->nft.gencursor))).
//
// Kernel structures read here (include/net/netfilter/nf_tables.h; nf_tables is a module, so
// its types come from module BTF — probed, never by version):
//   net->gen → struct net_generic {…; void *ptr[]} [nf_tables_net_id] → struct nftables_pernet {tables}
//     (early 5.10.y: net->nft.tables instead)
//   struct nft_table {list; chains; sets; handle; family:6, flags:8, genmask:2; name}
//   struct nft_chain {rules; list; table; handle; flags:5, bound:1, genmask:2; name}
//   struct nft_base_chain {ops {hooknum, priority}; hook_list (netdev: nft_hook); type→name; policy; chain}
//   struct nft_rule {list; u64 handle:42, genmask:2, dlen:12, udata:1; data[]}
//   struct nft_set {list; name; handle; ktype; flags:13, genmask:2; klen; ops; data[] (backend)}

import type { Kernel } from '../kernel/kernel.js';
import { perKernel } from '../kernel/memo.js';
import { unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { readExpr, type NftExpr } from './nft-expr.js';
import { NFT_FAMILY, hookName, priorityName, verdictWord } from './nft-names.js';
import { ruleText, type SetRef } from './nft-rule-text.js';
import { readSet, type NftSet } from './nft-sets.js';

export type { NftSet };

export interface NftRule {
  handle: number;
  active: boolean;
  text: string;
  counter: { packets: bigint; bytes: bigint } | null;
  comment: string | null;
  exprs: NftExpr[];
  address: bigint;
}

export interface NftChain {
  name: string;
  handle: number;
  active: boolean;
  /** Base chains only: what `type … hook … priority …; policy …;` says. */
  base: { type: string; hook: string; priority: number; priorityText: string; policy: string; device: string | null } | null;
  rules: NftRule[];
  address: bigint;
}

export interface NftTable {
  family: string;
  name: string;
  handle: number;
  flags: number;
  active: boolean;
  chains: NftChain[];
  sets: NftSet[];
  address: bigint;
}

export interface NftRuleset {
  netns: number;
  tables: NftTable[];
  problems: WalkProblem[];
  /** Set when the ruleset cannot be read at all (no nf_tables, no module types). */
  unavailable: string | null;
}

const NFT_CHAIN_BASE = 1;
const NFT_CHAIN_BINDING = 4;
const LIMIT = 100_000;

const fields = perKernel((k: Kernel) => {
  const T = 'struct nft_table';
  const C = 'struct nft_chain';
  const B = 'struct nft_base_chain';
  const R = 'struct nft_rule';
  return {
    pernetTables: k.tryField('struct nftables_pernet', 'tables'),
    netNftTables: k.tryField('struct net', 'nft.tables'),
    gencursor: k.tryField('struct net', 'nft.gencursor') ?? k.tryField('struct nftables_pernet', 'gencursor'),
    gen: k.field('struct net', 'gen'),
    genPtr: k.off('struct net_generic', 'ptr'),
    tList: k.field(T, 'list'), tChains: k.field(T, 'chains'), tSets: k.field(T, 'sets'), tHandle: k.field(T, 'handle'),
    tFamily: k.field(T, 'family'), tFlags: k.field(T, 'flags'), tGenmask: k.field(T, 'genmask'), tName: k.field(T, 'name'),
    cRules: k.field(C, 'rules'), cList: k.field(C, 'list'), cHandle: k.field(C, 'handle'), cFlags: k.field(C, 'flags'),
    cGenmask: k.field(C, 'genmask'), cName: k.field(C, 'name'),
    bChain: k.field(B, 'chain'), bHooknum: k.field(B, 'ops.hooknum'), bPriority: k.field(B, 'ops.priority'), bType: k.field(B, 'type'),
    bPolicy: k.field(B, 'policy'), bHookList: k.field(B, 'hook_list'), typeName: k.field('struct nft_chain_type', 'name'),
    hList: k.tryField('struct nft_hook', 'list'), hIfname: k.tryField('struct nft_hook', 'ifname'), hDev: k.tryField('struct nft_hook', 'ops.dev'),
    devName: k.field('struct net_device', 'name'),
    rList: k.field(R, 'list'), rHandle: k.field(R, 'handle'), rGenmask: k.field(R, 'genmask'), rDlen: k.field(R, 'dlen'),
    rUdata: k.field(R, 'udata'), rData: k.off(R, 'data'),
    sList: k.field('struct nft_set', 'list'),
  };
});

/** Why this kernel's ruleset cannot be read, or null when it can. */
export function nftUnavailable(k: Kernel): string | null {
  const id = k.trySymbol('nf_tables_net_id');
  if (id === undefined && k.trySymbol('nf_tables_init_net') === undefined) return 'nf_tables is not loaded in this kernel (no nf_tables_net_id symbol): no nftables ruleset';
  if (!k.has('struct nft_table') || !k.has('struct nft_rule')) {
    return 'nftables types are not in this dump: nf_tables is a module and this kernel keeps no module BTF (CONFIG_DEBUG_INFO_BTF_MODULES, Linux 5.11+); the ruleset cannot be decoded';
  }
  return null;
}

/** The nftables_pernet of a netns (net_generic(net, nf_tables_net_id)), or its tables list head. */
function tablesHead(k: Kernel, net: bigint): bigint {
  const F = fields(k);
  if (F.netNftTables) return net + F.netNftTables.offsetN;
  const id = k.mem.u32(k.symbol('nf_tables_net_id'));
  const gen = k.ptr(net, F.gen);
  const pernet = k.mem.ptr(gen + F.genPtr + BigInt(id) * 8n);
  if (!pernet) throw new Error(`net_generic slot ${id} is empty`);
  return pernet + F.pernetTables!.offsetN;
}

function genCursor(k: Kernel, net: bigint, head: bigint): number {
  const F = fields(k);
  if (!F.gencursor) return 0;
  const base = F.gencursor.type === 'struct net' ? net : head - F.pernetTables!.offsetN;
  return k.num(base, F.gencursor);
}

// net/netfilter/nf_tables_api.c: nf_tables_dump_tables … nf_tables_fill_rule_info, per netns
export function nftRulesets(k: Kernel, nets: NetNs[], opts: { inactive?: boolean } = {}): NftRuleset[] {
  const why = nftUnavailable(k);
  if (why) return nets.map((n) => ({ netns: n.inode, tables: [], problems: [], unavailable: why }));
  return nets.map((n) => {
    const problems: WalkProblem[] = [];
    try {
      return { netns: n.inode, tables: walkTables(k, n.address, problems, opts.inactive ?? false), problems, unavailable: null };
    } catch (e) {
      problems.push(unreadable(`nftables of netns ${n.inode}`, n.address, e));
      return { netns: n.inode, tables: [], problems, unavailable: null };
    }
  });
}

function walkTables(k: Kernel, net: bigint, problems: WalkProblem[], inactive: boolean): NftTable[] {
  const F = fields(k);
  const head = tablesHead(k, net);
  const gen = genCursor(k, net, head);
  const active = (genmask: number) => (genmask & (1 << gen)) === 0;
  const onProblem = (p: WalkProblem) => problems.push(p);
  const out: NftTable[] = [];
  for (const link of listEntries(k.mem, head, { where: 'nft tables', limit: LIMIT, onProblem })) {
    const t = link - F.tList.offsetN;
    try {
      const table: NftTable = {
        family: NFT_FAMILY[k.num(t, F.tFamily)] ?? String(k.num(t, F.tFamily)),
        name: k.mem.cstring(k.ptr(t, F.tName), 256),
        handle: k.num(t, F.tHandle), flags: k.num(t, F.tFlags), active: active(k.num(t, F.tGenmask)),
        chains: [], sets: [], address: t,
      };
      if (!table.active && !inactive) continue;
      for (const sl of listEntries(k.mem, t + F.tSets.offsetN, { where: `sets of table ${table.name}`, limit: LIMIT, onProblem })) {
        try {
          const s = readSet(k, sl - F.sList.offsetN, gen, problems);
          if (s.active || inactive) table.sets.push(s);
        } catch (e) {
          problems.push(unreadable(`set of table ${table.name}`, sl, e));
        }
      }
      const setOf = (a: bigint): SetRef | undefined => table.sets.find((s) => s.address === a);
      for (const cl of listEntries(k.mem, t + F.tChains.offsetN, { where: `chains of table ${table.name}`, limit: LIMIT, onProblem })) {
        const c = cl - F.cList.offsetN;
        try {
          const chain = readChain(k, c, table.family, active, setOf, problems, inactive);
          if (chain) table.chains.push(chain);
        } catch (e) {
          problems.push(unreadable(`chain of table ${table.name}`, c, e));
        }
      }
      out.push(table);
    } catch (e) {
      problems.push(unreadable('nft table', t, e));
    }
  }
  return out;
}

function readChain(k: Kernel, c: bigint, family: string, active: (g: number) => boolean, setOf: (a: bigint) => SetRef | undefined,
  problems: WalkProblem[], inactive: boolean): NftChain | undefined {
  const F = fields(k);
  const flags = k.num(c, F.cFlags);
  const chain: NftChain = { name: k.mem.cstring(k.ptr(c, F.cName), 256), handle: k.num(c, F.cHandle), active: active(k.num(c, F.cGenmask)), base: null, rules: [], address: c };
  if ((!chain.active && !inactive) || flags & NFT_CHAIN_BINDING) return undefined;
  if (flags & NFT_CHAIN_BASE) {
    const b = c - F.bChain.offsetN;
    const hook = hookName(family, k.num(b, F.bHooknum));
    const priority = k.num(b, F.bPriority);
    let device: string | null = null;
    if (family === 'netdev' && F.hList) {
      const names: string[] = [];
      for (const hl of listEntries(k.mem, b + F.bHookList.offsetN, { where: `hooks of chain ${chain.name}`, limit: 256, onProblem: (p) => problems.push(p) })) {
        const h = hl - F.hList.offsetN;
        if (F.hIfname) names.push(k.str(h, F.hIfname));
        else if (F.hDev) { const d = k.ptr(h, F.hDev); if (d) names.push(k.str(d, F.devName)); }
      }
      device = names.join(', ') || null;
    }
    chain.base = { type: k.mem.cstring(k.ptr(k.ptr(b, F.bType), F.typeName), 32), hook, priority, priorityText: priorityName(family, hook, priority),
      policy: verdictWord(k.num(b, F.bPolicy)), device };
  }
  for (const rl of listEntries(k.mem, c + F.cRules.offsetN, { where: `rules of chain ${chain.name}`, limit: LIMIT, onProblem: (p) => problems.push(p) })) {
    const r = rl - F.rList.offsetN;
    try {
      const rule = readRule(k, r, family, setOf, active);
      if (rule.active || inactive) chain.rules.push(rule);
    } catch (e) {
      problems.push(unreadable(`rule of chain ${chain.name}`, r, e));
    }
  }
  return chain;
}

// nf_tables_fill_rule_info: nft_rule_for_each_expr, then the userdata (nftnl TLVs: comment = type 0)
function readRule(k: Kernel, r: bigint, family: string, setOf: (a: bigint) => SetRef | undefined, active: (g: number) => boolean): NftRule {
  const F = fields(k);
  const dlen = k.num(r, F.rDlen);
  const exprs: NftExpr[] = [];
  const start = r + F.rData;
  for (let off = 0; off < dlen && exprs.length < 128; ) {
    const { expr, size } = readExpr(k, start + BigInt(off));
    if (size <= 0) throw new Error(`expression at +${off} has size ${size}`);
    exprs.push(expr);
    off += size;
  }
  let comment: string | null = null;
  if (k.num(r, F.rUdata)) {
    // struct nft_userdata {u8 len; unsigned char data[]}: len + 1 bytes of nftnl TLVs
    const ud = start + BigInt(dlen);
    const len = k.mem.u8(ud) + 1;
    const b = k.mem.read(ud + 1n, len);
    for (let i = 0; i + 2 <= b.length; ) {
      const type = b[i];
      const l = b[i + 1];
      if (type === 0) { const s = b.subarray(i + 2, i + 2 + l); const z = s.indexOf(0); comment = s.subarray(0, z < 0 ? s.length : z).toString('utf8'); }
      i += 2 + l;
    }
  }
  const counter = exprs.find((e) => e.type === 'counter') as Extract<NftExpr, { type: 'counter' }> | undefined;
  let text = ruleText(exprs, family, setOf);
  if (comment !== null) text += ` comment "${comment}"`;
  return { handle: k.num(r, F.rHandle), active: active(k.num(r, F.rGenmask)), text,
    counter: counter ? { packets: counter.packets, bytes: counter.bytes } : null, comment, exprs, address: r };
}
