// `--netfilter` / `netfilter`: every registered netfilter hook of the netns, as `nft list
// hooks` prints them, each with what registered it (nft chain, iptables table, conntrack,
// defrag, NAT and the NAT chains nested under it, security modules); -v adds addresses and
// the nftables ruleset of the netns (the `nft` view; of the family's tables with a family word).

import { hookRows, HOOK_FAMILIES, HOOK_SPEC } from '../../views/netfilter.js';
import { selectNetns } from '../../views/netns.js';
import { rowJson } from '../../views/table.js';
import { hooksText } from '../../report/netfilter-text.js';
import { nftRows } from '../../views/firewall.js';
import { nftRulesetLines } from '../../report/nft-text.js';
import { problemLines } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';
import { checkInterface } from './interfaces.js';

export const netfilterCommand: Command = {
  name: 'netfilter',
  aliases: ['hooks'],
  synopsis: 'netfilter [-v] [ip|ip6|arp|bridge|netdev] [--interface IF] [--netns INODE|all]',
  summary: 'netfilter hooks per family and hook point in priority order, with handler, module and owner (same as --netfilter)',
  details: [
    'Shows the initial network namespace unless --netns says otherwise.',
    'Owners: "chain FAMILY TABLE CHAIN" for nft chains, "iptables TABLE", conntrack, defrag, NAT (the NAT chains',
    'it runs are listed under it, indented), SELinux/AppArmor. netdev hooks are per device (ingress, egress).',
    '-v adds each hook\'s addresses, then the nftables ruleset as `nft` shows it (text only: --json stays the hook',
    'rows; the ruleset as JSON is `nft --json`).',
  ],
  examples: ['--netfilter', 'netfilter ip6', 'netfilter netdev --interface eth0', '--netfilter -v --netns all'],
  complete: (_s, index) => (index === 0 ? [...HOOK_FAMILIES] : []),
  run(s, inv) {
    const t = s.tables;
    const nets = selectNetns(t, inv.line.options.netns as string | undefined, 'init');
    const family = inv.args[0];
    if (family !== undefined && !(HOOK_FAMILIES as readonly string[]).includes(family)) {
      throw new UsageError(`netfilter: '${family}' is not a hook family (${HOOK_FAMILIES.join(', ')})`);
    }
    if (inv.args.length > 1) throw new UsageError(`netfilter: unexpected '${inv.args[1]}'`);
    const device = checkInterface(s, inv.line.options.interface);
    const lines: string[] = [];
    const rows = hookRows(t, { netns: nets, family, device });
    for (const ns of nets) {
      const mine = rows.filter((r) => r.netns === ns);
      if (nets.length > 1) lines.push(`# netns ${ns}`);
      lines.push(...hooksText(mine, inv.verbose));
      if (mine.length === 0) lines.push('(no hooks registered)');
      if (inv.verbose >= 1) lines.push(...nftLines(t, ns, family, inv.verbose >= 2));
    }
    const notes = problemLines(t.nfHooks().problems);
    return { kind: 'text', lines: [...lines, ...notes], data: [...rows.map((r) => rowJson(HOOK_SPEC, r)), ...notes.map((p) => ({ problem: p }))] };
  },
};

/** -v: the nftables ruleset of one netns after its hooks; with a family word, that family's
 *  tables (inet tables hook into both ip and ip6). */
function nftLines(t: Parameters<typeof nftRows>[0], ns: number, family: string | undefined, inactive: boolean): string[] {
  const r = nftRows(t, [ns], inactive)[0];
  if (!r) return [];
  const fits = (f: string) => family === undefined || f === family || (f === 'inet' && (family === 'ip' || family === 'ip6'));
  const shown = { ...r, tables: r.tables.filter((tb) => fits(tb.family)) };
  const lines = ['', '# nft -a list ruleset'];
  if (r.unavailable) lines.push(r.unavailable);
  else if (shown.tables.length === 0) lines.push('(no nftables tables)');
  return [...lines, ...nftRulesetLines(shown, { inactive }), ...problemLines(r.problems)];
}
