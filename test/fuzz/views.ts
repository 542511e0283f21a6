// The commands every fuzz case runs, and the oracle: on a damaged dump every record printed
// (a row of a table, a leaf object of a JSON view) must be one the undamaged dump has, a value
// that could not be read ('?', null) matching anything.

import { runLine } from '../../src/shell/dispatch.js';
import type { Session } from '../../src/views/session.js';

/** Each view with --json (rows compared) — text output is produced from the same tables. */
export const VIEWS = [
  'info', '-a', '--summary', '-s', '--sysctl', '--softnet', '--devpack', 'log', '--netfilter',
  'conntrack', 'nft', 'iptables', 'route', 'rules', 'interfaces', 'arp', 'bind', 'ps', 'modules',
];
/** Views whose JSON holds aggregates over rows (counts drop when rows are lost): run, not compared. */
const NOT_COMPARED = new Set(['info', '--summary', 'modules']);

export interface ViewOutput {
  view: string;
  error?: string;
  internal?: string; // a bug: a JS error escaped as "internal error"
  records: string[]; // JSON records, canonical
}

export function runViews(s: Session): ViewOutput[] {
  const out: ViewOutput[] = [];
  for (const view of VIEWS) {
    const text = runLine(s, view);
    const json = runLine(s, `${view} --json`);
    const o: ViewOutput = { view, records: [] };
    for (const r of [text, json]) {
      const all = [r.error ?? '', ...r.lines, ...(r.warnings ?? [])].join('\n');
      const m = /internal error: .*/.exec(all);
      if (m) o.internal = m[0];
    }
    if (json.error) o.error = json.error;
    else if (!NOT_COMPARED.has(view)) {
      try {
        o.records = records(JSON.parse(json.lines.join('\n')));
      } catch (e) {
        o.internal = `bad JSON from ${view}: ${(e as Error).message}`;
      }
    }
    out.push(o);
  }
  return out;
}

const isGap = (v: unknown) => v === null || v === '?' || v === undefined;

/** Leaf objects (all values scalar) of a JSON value, with their path (array indices dropped). */
export function records(v: unknown, path = '$'): string[] {
  const out: string[] = [];
  const walk = (x: unknown, p: string) => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e, p + '[]');
      return;
    }
    if (x && typeof x === 'object') {
      const scalars: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(x)) {
        // marked gaps, never rows (`gaps` names the fields of a row that could not be read)
        if (k === 'problems' || k === 'problem' || k === 'gaps') continue;
        if (val && typeof val === 'object') walk(val, `${p}.${k}`);
        else scalars[k] = val;
      }
      if ('problem' in (x as object) || 'gap' in (x as object)) return; // a marked gap, not a row
      if (Object.keys(scalars).length) out.push(`${p} ${JSON.stringify(scalars)}`);
      return;
    }
    out.push(`${p} ${JSON.stringify(x)}`);
  };
  walk(v, path);
  return out;
}

/** Records of `damaged` that no record of `good` matches (gaps match anything). */
export function invented(good: string[], damaged: string[]): string[] {
  const byPath = new Map<string, unknown[]>();
  const exact = new Set(good);
  for (const g of good) {
    const i = g.indexOf(' ');
    const list = byPath.get(g.slice(0, i)) ?? [];
    list.push(JSON.parse(g.slice(i + 1)));
    byPath.set(g.slice(0, i), list);
  }
  const bad: string[] = [];
  for (const d of damaged) {
    if (exact.has(d)) continue;
    const i = d.indexOf(' ');
    const rec = JSON.parse(d.slice(i + 1));
    const cands = byPath.get(d.slice(0, i)) ?? [];
    const ok = cands.some((g) => {
      if (!rec || typeof rec !== 'object') return isGap(rec);
      const gr = g as Record<string, unknown>;
      return Object.entries(rec as Record<string, unknown>).every(([k, v]) => isGap(v) || JSON.stringify(gr[k]) === JSON.stringify(v));
    });
    if (!ok) bad.push(d);
  }
  return bad;
}
