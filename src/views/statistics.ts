// The -s view: every SNMP MIB group of the chosen netns as the kernel names them, as an object
// `{netns, problems, Ip: {InReceives: n, …}, …}` (every counter, zeros included).

import type { NetnsStatistics, MibGroup } from '../net/snmp.js';
import type { Tables } from './tables.js';
import { problemJson } from './problems.js';

export type { NetnsStatistics, MibGroup };

/** A counter as JSON: a number, or its decimal string past 2^53; null for a gap. */
export function counterJson(v: bigint | null): number | string | null {
  if (v === null) return null;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export function statisticsOf(t: Tables, netns: number[]): NetnsStatistics[] {
  const rows = t.statistics().rows;
  return netns.map((ns) => rows.find((r) => r.netns === ns) ?? { netns: ns, groups: [], problems: t.statistics().problems });
}

export function statisticsJson(s: NetnsStatistics): Record<string, unknown> {
  const out: Record<string, unknown> = { netns: s.netns, problems: s.problems.map(problemJson) };
  for (const g of s.groups) out[g.name] = Object.fromEntries(g.counters.map((c) => [c.name, counterJson(c.value)]));
  return out;
}
