// The --sysctl view: every net.* sysctl of the chosen netns (the global tables plus the
// netns's own), filtered by a glob or prefix; JSON `{netns, problems, name: value, ...}`
// (issue 10: one object, full name → value; names always hold a dot, so never meet netns/problems).

import type { NetnsSysctls, SysctlRow, SysctlValue } from '../net/sysctl.js';
import type { Tables } from './tables.js';
import { problemJson } from './problems.js';
import { GAP } from './table.js';

export type { SysctlRow };

/** `net.ipv4.tcp_*` (glob: * ? [..]) or a prefix (`net.ipv4`, `net.ipv4.tcp_`). */
export function sysctlMatcher(pattern: string | undefined): (name: string) => boolean {
  if (!pattern) return () => true;
  if (/[*?[]/.test(pattern)) {
    const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    return (n) => re.test(n);
  }
  return (n) => n === pattern || n.startsWith(pattern.endsWith('.') ? pattern : pattern + '.') || n.startsWith(pattern);
}

export function sysctlsOf(t: Tables, netns: number[], pattern?: string): NetnsSysctls[] {
  const all = t.sysctls();
  const match = sysctlMatcher(pattern);
  return netns.map((ns) => {
    const r = all.rows.find((x) => x.netns === ns);
    return r ? { ...r, rows: r.rows.filter((x) => match(x.name)) } : { netns: ns, rows: [], problems: all.problems };
  });
}

/** The value as /proc/sys prints it, or a marked stand-in. */
export function sysctlText(v: SysctlValue, handler: string): string {
  switch (v.kind) {
    case 'value': return v.text;
    case 'write-only': return '(write-only)';
    case 'error': return `(${v.errno}: not set)`;
    case 'raw': return `(raw ${handler}: ${v.hex || 'no data'})`;
    case 'gap': return GAP;
  }
}

/** JSON value: the string /proc/sys prints; else an object saying why there is none. */
export function sysctlJsonValue(r: SysctlRow): unknown {
  const v = r.value;
  switch (v.kind) {
    case 'value': return v.text;
    case 'write-only': return { writeOnly: true, handler: r.handler };
    case 'error': return { error: v.errno, handler: r.handler };
    case 'raw': return { raw: v.hex, handler: r.handler };
    case 'gap': return null;
  }
}

export function sysctlJson(s: NetnsSysctls): Record<string, unknown> {
  // One object filled in place: the same keys in the same order as spreading fromEntries into
  // it (names always hold a dot, so none is an integer key or netns/problems). Started as a
  // dictionary (a member deleted): adding 2,000 names to a fast-mode object makes 1,000 maps.
  const out: Record<string, unknown> = { '': 0, netns: s.netns, problems: s.problems.map(problemJson) };
  delete out[''];
  for (const r of s.rows) out[r.name] = sysctlJsonValue(r);
  return out;
}
