// -s as text, in the seed's form: a header per MIB group, then `Name value` lines; by default
// only the non-zero counters (as `nstat` does), with -v every one.

import type { MibGroup } from '../net/snmp.js';
import { GAP } from '../views/table.js';

export function statisticsLines(groups: readonly MibGroup[], all: boolean): string[] {
  const out: string[] = [];
  for (const g of groups) {
    const shown = g.counters.filter((c) => all || c.value !== 0n);
    if (!shown.length && !all) continue;
    out.push(`-------------------- ${g.name} --------------------`);
    const w = Math.max(...shown.map((c) => c.name.length), 0);
    for (const c of shown) out.push(`${c.name.padEnd(w)} ${c.value === null ? GAP : c.value.toString()}`);
  }
  return out;
}
