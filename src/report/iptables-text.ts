// Legacy rules as `iptables-save -c` prints them (iptables/iptables-save.c, libiptc):
// `*table`, `:CHAIN POLICY [packets:bytes]`, `[packets:bytes] -A CHAIN spec`, `COMMIT`.

import type { XtTable } from '../net/iptables.js';

export function iptablesSaveLines(tables: XtTable[]): string[] {
  const out: string[] = [];
  for (const t of tables) {
    out.push(`*${t.name}`);
    for (const c of t.chains) out.push(`:${c.name} ${c.policy} [${c.packets}:${c.bytes}]`);
    for (const r of t.rules) out.push(`[${r.packets}:${r.bytes}] -A ${r.chain}${r.spec ? ' ' + r.spec : ''}`);
    out.push('COMMIT');
  }
  return out;
}
