// What registered a netfilter hook: an nft base chain (named through ops->priv, the chain),
// an x_tables table (ops->priv = the xt_table since 5.13; the handler's name before), conntrack,
// defrag, NAT, a security module, BPF... Read from the hook's ops and handler symbol.
//
// Kernel sources mirrored:
//   net/netfilter/nf_tables_api.c nft_basechain_init: ops->priv = chain (struct nft_chain *),
//     ops->hook_ops_type = NF_HOOK_OP_NF_TABLES (6.1+); chain->name, chain->table->name/family
//   net/ipv4/netfilter/ip_tables.c ipt_register_table: ops[i].priv = new_table (struct xt_table)
//   net/bridge/netfilter/ebtables.c ebt_register_table: ops[i].priv = table (struct ebt_table)
//   net/netfilter/nf_nat_core.c nf_nat_register_fn: priv = struct nf_nat_lookup_hook_priv
//     { struct nf_hook_entries __rcu *entries; struct rcu_head rcu_head; }

import type { Kernel } from '../kernel/kernel.js';
import { GAP } from '../kernel/walk.js';

export type HookOwnerKind = 'nft' | 'iptables' | 'conntrack' | 'defrag' | 'nat' | 'lsm' | 'bpf' | 'other';

export interface HookOwner {
  kind: HookOwnerKind;
  /** As the text shows it: "chain inet filter input", "iptables filter", "conntrack", ... */
  text: string;
  /** nft: the chain's table family, table and chain; iptables: the table. */
  tableFamily?: string;
  table?: string;
  chain?: string;
}

// include/uapi/linux/netfilter.h: NFPROTO_*
const NFPROTO: Record<number, string> = { 0: 'unspec', 1: 'inet', 2: 'ip', 3: 'arp', 5: 'netdev', 7: 'bridge', 10: 'ip6' };
const XT_TOOL: Record<string, string> = { ip: 'iptables', ip6: 'ip6tables', arp: 'arptables', bridge: 'ebtables' };

const CONNTRACK = /^(ipv4_conntrack_(in|local)|ipv6_conntrack_(in|local)|nf_confirm|ipv[46]_confirm|ipv[46]_helper|nf_conntrack_\w+)$/;
const DEFRAG = /^(ipv4_conntrack_defrag|ipv6_defrag|nf_ct_frag6_\w+)$/;
const NAT = /^nf_nat_(ipv4|ipv6|inet)_\w+$/;
const XT_HANDLER = /^(ipt|ip6t|arpt|ebt)_do_table$/;
const XT_NAMED = /^(?:ip6?|arp|eb)table_(\w+?)_(?:hook|do_chain)$/;
const NFT = /^nft_(nat_)?do_chain/;
const LSM: [RegExp, string][] = [[/^selinux_/, 'SELinux'], [/^apparmor_/, 'AppArmor'], [/^smack_/, 'Smack']];
const OTHER: [RegExp, string][] = [[/synproxy/, 'synproxy'], [/^br_nf_/, 'br_netfilter'], [/^ip_vs_/, 'IPVS'], [/^nf_flow_offload/, 'flowtable'], [/^bpf_|_bpf_/, 'bpf']];

const NAME_OK = /^[\x21-\x7e][\x20-\x7e]{0,255}$/;

function opsType(k: Kernel, ops: bigint): string | undefined {
  const f = k.tryField('struct nf_hook_ops', 'hook_ops_type');
  if (!f) return undefined;
  const v = k.num(ops, f);
  const ref = k.typeRef('enum nf_hook_ops_type');
  if (ref) for (const e of ref.btf.enumerators(ref.id)) if (e.value === BigInt(v)) return e.name;
  return String(v);
}

/** The nft chain an ops' priv points at: "chain <family> <table> <chain>" as nft list hooks
 *  prints it; undefined when nf_tables' types are not in the dump (5.10 has no module BTF). */
export function nftChainOf(k: Kernel, chain: bigint): { family: string; table: string; chain: string } | undefined {
  const C = 'struct nft_chain';
  const T = 'struct nft_table';
  if (chain === 0n || !k.has(C, 'name') || !k.has(C, 'table') || !k.has(T, 'name')) return undefined;
  const name = k.mem.cstring(k.ptr(chain, k.field(C, 'name')), 256);
  const table = k.ptr(chain, k.field(C, 'table'));
  const tname = k.mem.cstring(k.ptr(table, k.field(T, 'name')), 256);
  const famF = k.tryField(T, 'family');
  const family = famF ? (NFPROTO[k.num(table, famF)] ?? String(k.num(table, famF))) : GAP;
  if (!NAME_OK.test(name) || !NAME_OK.test(tname)) throw new Error(`nft chain at 0x${chain.toString(16)}: names unreadable`);
  return { family, table: tname, chain: name };
}

/** Name of the x_tables (or ebtables) table an ops' priv points at, if readable. */
function xtTableName(k: Kernel, priv: bigint, family: string): string | undefined {
  if (priv === 0n) return undefined;
  const type = family === 'bridge' ? 'struct ebt_table' : 'struct xt_table';
  const f = k.tryField(type, 'name');
  if (!f) return undefined;
  try {
    const n = k.str(priv, f);
    return /^[a-z0-9_]{1,31}$/.test(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function hookOwner(k: Kernel, h: { func: string; module: string | null; ops: bigint; priv: bigint; family: string }): HookOwner {
  const type = opsType(k, h.ops);
  if (type === 'NF_HOOK_OP_NF_TABLES' || NFT.test(h.func)) {
    let c;
    try {
      c = nftChainOf(k, h.priv);
    } catch {
      c = undefined;
    }
    if (c) return { kind: 'nft', text: `chain ${c.family} ${c.table} ${c.chain}`, tableFamily: c.family, table: c.table, chain: c.chain };
    return { kind: 'nft', text: 'nft chain (name not readable: no nf_tables types in this dump)' };
  }
  if (type === 'NF_HOOK_OP_BPF') return { kind: 'bpf', text: 'bpf program' };
  if (type === 'NF_HOOK_OP_NFT_FT') return { kind: 'other', text: 'nft flowtable' };
  if (XT_HANDLER.test(h.func) || XT_NAMED.test(h.func)) {
    const tool = XT_TOOL[h.family] ?? 'x_tables';
    const table = xtTableName(k, h.priv, h.family) ?? XT_NAMED.exec(h.func)?.[1];
    return { kind: 'iptables', text: table ? `${tool} ${table}` : tool, table };
  }
  if (DEFRAG.test(h.func)) return { kind: 'defrag', text: 'defrag' };
  if (CONNTRACK.test(h.func)) return { kind: 'conntrack', text: 'conntrack' };
  if (NAT.test(h.func)) return { kind: 'nat', text: 'NAT' };
  for (const [re, name] of LSM) if (re.test(h.func)) return { kind: 'lsm', text: name };
  for (const [re, name] of OTHER) if (re.test(h.func)) return { kind: name === 'bpf' ? 'bpf' : 'other', text: name };
  return { kind: 'other', text: h.module ?? 'kernel' };
}

/** The nested NAT entries behind a NAT entry hook's priv (nf_nat_lookup_hook_priv.entries). */
export function natNestedEntries(k: Kernel, priv: bigint): bigint | undefined {
  if (priv === 0n) return undefined;
  // Without nf_nat's types (5.10: no module BTF) the struct's first member is `entries`
  // (nf_nat_core.c since it was introduced), so offset 0.
  const f = k.tryField('struct nf_nat_lookup_hook_priv', 'entries');
  return k.mem.ptr(priv + (f?.offsetN ?? 0n));
}
