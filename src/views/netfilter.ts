// The netfilter hooks view (--netfilter): every registered hook of the selected namespaces,
// by family and hook point in the order the kernel runs them, with what registered it.

import type { HookRow } from '../net/nf-hooks.js';
import type { Tables } from './tables.js';
import type { RowSpec } from './table.js';
import { hex } from './table.js';

export type { HookRow };

// The order `nft list hooks` prints families in (nfnetlink_hook.c dumps per family).
export const HOOK_FAMILIES = ['ip', 'ip6', 'arp', 'bridge', 'netdev'] as const;
const HOOK_ORDER = ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress'];

export function hookRows(t: Tables, q: { netns: number[]; family?: string; device?: string }): HookRow[] {
  const fam = (f: string) => HOOK_FAMILIES.indexOf(f as (typeof HOOK_FAMILIES)[number]);
  const rows = t.nfHooks().rows.filter((r) => q.netns.includes(r.netns) && (q.family === undefined || r.family === q.family) && (q.device === undefined || r.device === q.device));
  // Stable: within one hook point the kernel's order (priority, then registration) is kept.
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => q.netns.indexOf(a.r.netns) - q.netns.indexOf(b.r.netns) || fam(a.r.family) - fam(b.r.family)
      || (a.r.device ?? '').localeCompare(b.r.device ?? '') || HOOK_ORDER.indexOf(a.r.hook) - HOOK_ORDER.indexOf(b.r.hook) || a.i - b.i)
    .map((x) => x.r);
}


/** `nft list hooks` prints priorities as a sign ('-', ' ' for 0, '+') and ten digits. */
export function nftPriority(p: number): string {
  return (p < 0 ? '-' : p === 0 ? ' ' : '+') + String(Math.abs(p)).padStart(10, '0');
}

export const HOOK_SPEC: RowSpec<HookRow> = {
  columns: [
    { key: 'family', title: 'Family', text: (r) => r.family },
    { key: 'device', title: 'Device', text: (r) => r.device ?? '', json: (r) => r.device },
    { key: 'hook', title: 'Hook', text: (r) => r.hook },
    { key: 'priority', title: 'Priority', align: 'right', text: (r) => String(r.priority), json: (r) => r.priority },
    { key: 'func', title: 'Function', text: (r) => (r.via ? '  ' : '') + r.func, json: (r) => r.func },
    { key: 'module', title: 'Module', text: (r) => r.module ?? '', json: (r) => r.module },
    { key: 'owner', title: 'Owner', text: (r) => r.owner.text },
  ],
  extra: (r) => ({
    netns: r.netns,
    ownerKind: r.owner.kind,
    ...(r.owner.table !== undefined ? { table: r.owner.table } : {}),
    ...(r.owner.chain !== undefined ? { chain: r.owner.chain, tableFamily: r.owner.tableFamily } : {}),
    via: r.via,
    address: hex(r.funcAddress),
    ops: hex(r.ops),
    priv: hex(r.priv),
  }),
  ref: (r) => ({ kind: 'struct', type: 'struct nf_hook_ops', address: r.ops }),
};
