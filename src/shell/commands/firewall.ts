// `nft`: the nftables ruleset as `nft -a list ruleset` prints it (-vv: inactive objects of the
// next generation too, marked); `iptables`: the legacy x_tables rules as `iptables-save -c` and
// `ip6tables-save -c` print them (4 or 6 to pick one family).

import { nftRows, nftJson, iptablesRows, iptablesJson } from '../../views/firewall.js';
import { selectNetns } from '../../views/netns.js';
import { nftRulesetLines } from '../../report/nft-text.js';
import { iptablesSaveLines } from '../../report/iptables-text.js';
import { problemLines } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';

export const nftCommand: Command = {
  name: 'nft',
  synopsis: 'nft [-vv] [--netns INODE|all]',
  summary: 'the nftables ruleset as nft -a list ruleset prints it: tables, sets with elements, chains, rules with handles and counters',
  details: ['Shows the initial network namespace unless --netns says otherwise.',
    'Only objects active in the current generation, as nft shows them; -vv also shows those of a transaction caught mid-commit, marked.',
    'Kernels without module BTF (5.10) cannot decode nf_tables (a module): the view says so.'],
  examples: ['nft', 'nft --netns all', 'nft --json'],
  run(s, inv) {
    const nets = selectNetns(s.tables, inv.line.options.netns as string | undefined, 'init');
    const inactive = inv.verbose >= 2;
    const rows = nftRows(s.tables, nets, inactive);
    const lines: string[] = [];
    for (const r of rows) {
      if (nets.length > 1) lines.push(`# netns ${r.netns}`);
      if (r.unavailable) lines.push(r.unavailable);
      lines.push(...nftRulesetLines(r, { inactive }), ...problemLines(r.problems));
    }
    const data = rows.map((r) => nftJson(r, inactive));
    return { kind: 'text', lines, data: nets.length > 1 ? data : data[0] };
  },
};

export const iptablesCommand: Command = {
  name: 'iptables',
  synopsis: 'iptables [4|6] [--netns INODE|all]',
  summary: 'legacy iptables and ip6tables rules as iptables-save -c prints them (x_tables, not iptables-nft)',
  details: ['Shows the initial network namespace unless --netns says otherwise; both families unless 4 or 6 is given.',
    'Rules made with iptables-nft live in nftables: see `nft`.'],
  examples: ['iptables', 'iptables 6', 'iptables --netns all --json'],
  run(s, inv) {
    const t = s.tables;
    const nets = selectNetns(t, inv.line.options.netns as string | undefined, 'init');
    const word = inv.args[0];
    if (word !== undefined && !['4', '6', 'ipv4', 'ipv6'].includes(word)) throw new UsageError(`iptables: '${word}' is not a family (4 or 6)`);
    const fam: 'ipv4' | 'ipv6' | undefined = word === '6' || word === 'ipv6' ? 'ipv6' : word === '4' || word === 'ipv4' ? 'ipv4' : undefined;
    const all = t.iptables();
    const lines: string[] = [];
    const data: unknown[] = [];
    for (const ns of nets) {
      if (nets.length > 1) lines.push(`# netns ${ns}`);
      if (all.unavailable) lines.push(all.unavailable);
      for (const f of fam ? [fam] : (['ipv4', 'ipv6'] as const)) {
        const rows = iptablesRows(t, [ns], f);
        if (!rows.length) continue;
        lines.push(`# ${f === 'ipv4' ? 'iptables' : 'ip6tables'}-save -c`, ...iptablesSaveLines(rows));
      }
      data.push(iptablesJson(ns, iptablesRows(t, [ns], fam), all.problems, all.unavailable));
    }
    lines.push(...problemLines(all.problems));
    return { kind: 'text', lines, data: nets.length > 1 ? data : data[0] };
  },
};
