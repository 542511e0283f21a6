// The firewall views: `nft` (the nftables ruleset per netns, as `nft -a list ruleset`) and
// `iptables` (legacy x_tables rules, as `iptables-save -c` and `ip6tables-save -c`).
// JSON is object-shaped: one object per netns (an array with --netns all).

import type { NftRuleset, NftTable } from '../net/nftables.js';
import type { XtTable } from '../net/iptables.js';
import type { WalkProblem } from '../kernel/walk.js';
import type { Tables } from './tables.js';
import { hex } from './table.js';

export type { NftRuleset, XtTable };

const problemJson = (p: WalkProblem) => ({ where: p.where, address: hex(p.address), kind: p.kind, detail: p.detail });
const num = (v: bigint) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());

export function nftRows(t: Tables, netns: number[], inactive = false): NftRuleset[] {
  return t.nft(inactive).rows.filter((r) => netns.includes(r.netns));
}

function tableJson(tb: NftTable, inactive: boolean): Record<string, unknown> {
  return {
    family: tb.family, name: tb.name, handle: tb.handle, flags: tb.flags, ...(inactive ? { active: tb.active } : {}),
    chains: tb.chains.map((c) => ({
      name: c.name, handle: c.handle, type: c.base?.type ?? null, hook: c.base?.hook ?? null, priority: c.base?.priority ?? null,
      policy: c.base?.policy ?? null, device: c.base?.device ?? null, ...(inactive ? { active: c.active } : {}),
      rules: c.rules.map((r) => ({ handle: r.handle, text: r.text, counter: r.counter ? { packets: num(r.counter.packets), bytes: num(r.counter.bytes) } : null,
        comment: r.comment, ...(inactive ? { active: r.active } : {}), rule: hex(r.address) })),
    })),
    sets: tb.sets.filter((s) => !s.anonymous).map((s) => ({ name: s.name, handle: s.handle, type: s.type, flags: s.flagWords, backend: s.backend, elements: s.elements })),
  };
}

/** `{netns, problems, tables}` for one namespace (the contract). */
export function nftJson(r: NftRuleset, inactive = false): Record<string, unknown> {
  const problems: unknown[] = r.problems.map(problemJson);
  if (r.unavailable) problems.unshift({ where: 'nftables', kind: 'unavailable', detail: r.unavailable });
  return { netns: r.netns, problems, tables: r.tables.map((tb) => tableJson(tb, inactive)) };
}

export function iptablesRows(t: Tables, netns: number[], family?: 'ipv4' | 'ipv6'): XtTable[] {
  return t.iptables().rows.filter((r) => netns.includes(r.netns) && (family === undefined || r.family === family));
}

export function iptablesJson(netns: number, tables: XtTable[], problems: WalkProblem[], unavailable: string | null): Record<string, unknown> {
  const ps: unknown[] = problems.map(problemJson);
  if (unavailable) ps.unshift({ where: 'x_tables', kind: 'unavailable', detail: unavailable });
  return {
    netns, problems: ps,
    tables: tables.map((t) => ({
      family: t.family, name: t.name,
      chains: t.chains.map((c) => ({ name: c.name, policy: c.policy, packets: num(c.packets), bytes: num(c.bytes) })),
      rules: t.rules.map((r) => ({ chain: r.chain, packets: num(r.packets), bytes: num(r.bytes), spec: r.spec })),
    })),
  };
}
