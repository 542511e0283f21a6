// A ruleset as `nft -a list ruleset` prints it (nftables src/rule.c table_print, set_print,
// chain_print, rule_print): tables, then each table's sets and chains, tab-indented, with
// `# handle N` after every object.

import type { NftRuleset } from '../net/nftables.js';

export function nftRulesetLines(rs: NftRuleset, opts: { handles?: boolean; inactive?: boolean } = {}): string[] {
  const h = (n: number) => (opts.handles === false ? '' : ` # handle ${n}`);
  const mark = (active: boolean) => (active ? '' : ' # inactive (next generation)');
  const out: string[] = [];
  for (const t of rs.tables) {
    out.push(`table ${t.family} ${t.name} {${h(t.handle)}${mark(t.active)}`);
    if (t.flags & 1) out.push('\tflags dormant');
    let first = true;
    const sep = () => { if (!first) out.push(''); first = false; };
    for (const s of t.sets) {
      if (s.anonymous) continue;
      sep();
      out.push(`\tset ${s.name} {${h(s.handle)}${mark(s.active)}`);
      out.push(`\t\ttype ${s.type}`);
      const flags = s.flagWords.filter((w) => w !== 'constant' || !s.anonymous);
      if (flags.length) out.push(`\t\tflags ${flags.join(',')}`);
      if (s.elements === null) out.push(`\t\t# elements of this ${s.backend} set could not be read`);
      else if (s.elements.length) out.push(`\t\telements = { ${s.elements.join(', ')} }`);
      out.push('\t}');
    }
    for (const c of t.chains) {
      sep();
      out.push(`\tchain ${c.name} {${h(c.handle)}${mark(c.active)}`);
      if (c.base) {
        const dev = c.base.device ? ` device "${c.base.device}"` : '';
        out.push(`\t\ttype ${c.base.type} hook ${c.base.hook}${dev} priority ${c.base.priorityText}; policy ${c.base.policy};`);
      }
      for (const r of c.rules) out.push(`\t\t${r.text}${h(r.handle)}${mark(r.active)}`);
      out.push('\t}');
    }
    out.push('}');
  }
  return out;
}
