// Policy routing rules of each netns and family: net->rules_ops lists one fib_rules_ops per
// family (AF_INET, AF_INET6, RTNL_FAMILY_IPMR 128, RTNL_FAMILY_IP6MR 129); each holds its rules
// (struct fib_rule, the first member of fib4_rule / fib6_rule) sorted by preference.

import type { Kernel } from '../kernel/kernel.js';
import { readEach, unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';
import { ipv4FromLE, ipv6 } from './addr.js';
import type { NetNs } from './netns.js';
import { protocolName, tableName } from './route-names.js';

export interface RuleRow {
  netns: number;
  family: 'inet' | 'inet6' | 'ipmr' | 'ip6mr' | number;
  priority: number;
  /** include/uapi/linux/fib_rules.h FR_ACT_*: lookup, goto, nop, blackhole, unreachable, prohibit. */
  action: string;
  table: 'main' | 'local' | 'default' | number;
  tableId: number;
  /** FIB_RULE_INVERT: `not` before the selector. */
  not: boolean;
  /** "all" or "prefix/len" (a bare address for a host prefix). */
  from: string;
  to: string;
  tos: number;
  iif: string | null;
  oif: string | null;
  /** iif/oif named but the device is gone (FIB_RULE_IIF_DETACHED / OIF_DETACHED). */
  iifDetached: boolean;
  oifDetached: boolean;
  fwmark: number;
  fwmask: number;
  /** `lookup [l3mdev-table]` (VRF). */
  l3mdev: boolean;
  /** -1 when unset. */
  suppressPrefixlen: number;
  suppressIfgroup: number;
  /** FR_ACT_GOTO target preference. */
  goto: number | null;
  protocol: string;
  ipProto: number;
  sport: [number, number] | null;
  dport: [number, number] | null;
  uidRange: [number, number] | null;
  /** Host-order tunnel id (fib_rule.tun_id is __be64), 0n when unset. */
  tunId: bigint;
  /** struct fib_rule *. */
  address: bigint;
}

const ACTIONS: Record<number, string> = { 1: 'lookup', 2: 'goto', 3: 'nop', 6: 'blackhole', 7: 'unreachable', 8: 'prohibit' };
const FAMILIES: Record<number, RuleRow['family']> = { 2: 'inet', 10: 'inet6', 128: 'ipmr', 129: 'ip6mr' };
const FIB_RULE_INVERT = 0x2, FIB_RULE_IIF_DETACHED = 0x8, FIB_RULE_OIF_DETACHED = 0x10;

// net/core/fib_rules.c: fib_nl_dumprule / fib_nl_fill_rule (+ fib4_rule_fill, fib6_rule_fill).
export function fibRules(k: Kernel, nets: NetNs[]): { rows: RuleRow[]; problems: WalkProblem[] } {
  const problems: WalkProblem[] = [];
  const rows: RuleRow[] = [];
  if (!k.has('struct net', 'rules_ops')) return { rows, problems }; // CONFIG_FIB_RULES off: no rules
  const O = 'struct fib_rules_ops';
  const opsHead = k.off('struct net', 'rules_ops');
  const opsLink = k.off(O, 'list');
  const famF = k.field(O, 'family');
  const rulesOff = k.off(O, 'rules_list');
  for (const ns of nets) {
    const where = `rules_ops (netns ${ns.inode})`;
    for (const ol of listEntries(k.mem, ns.address + opsHead, { where, limit: 64, onProblem: (p) => problems.push(p) })) {
      const ops = ol - opsLink;
      let fam: number;
      try {
        fam = k.num(ops, famF);
      } catch (e) {
        problems.push(unreadable(where, ops, e));
        continue;
      }
      const rwhere = `fib rules family ${fam} (netns ${ns.inode})`;
      readEach(
        listEntries(k.mem, ops + rulesOff, { where: rwhere, limit: 100_000, onProblem: (p) => problems.push(p) }),
        rwhere,
        (rl) => rl,
        (rl) => ruleRow(k, rl - k.off('struct fib_rule', 'list'), fam, ns.inode),
        problems,
        rows,
      );
    }
  }
  return { rows, problems };
}

function ruleRow(k: Kernel, r: bigint, fam: number, netns: number): RuleRow {
  const R = 'struct fib_rule';
  const f = (p: string) => k.field(R, p);
  const num = (p: string) => k.num(r, f(p));
  const opt = (p: string) => (k.has(R, p) ? num(p) : 0);
  const flags = num('flags');
  const action = num('action');
  const tableId = num('table');
  const iif = k.str(r, f('iifname'));
  const oif = k.str(r, f('oifname'));
  let from = 'all', to = 'all', tos = 0;
  if (fam === 2) {
    const F4 = 'struct fib4_rule';
    const g = (p: string) => k.num(r, k.field(F4, p));
    const addr = (p: string, len: number) => { const a = ipv4FromLE(k.mem.u32(r + k.off(F4, p))); return len === 32 ? a : `${a}/${len}`; };
    const sl = g('src_len'), dl = g('dst_len');
    if (sl) from = addr('src', sl);
    if (dl) to = addr('dst', dl);
    // 6.1 "ipv4: Use dscp_t in struct fib4_rule": u8 tos → dscp_t dscp (same byte, same meaning).
    tos = k.num(r, k.tryField(F4, 'dscp') ?? k.field(F4, 'tos'));
  } else if (fam === 10) {
    const F6 = 'struct fib6_rule';
    const pfx = (p: string) => {
      const len = k.num(r, k.field(F6, `${p}.plen`));
      if (!len) return 'all';
      const a = ipv6(k.mem.read(r + k.off(F6, `${p}.addr`), 16));
      return len === 128 ? a : `${a}/${len}`;
    };
    from = pfx('src');
    to = pfx('dst');
    tos = k.num(r, k.tryField(F6, 'dscp') ?? k.field(F6, 'tclass'));
  }
  const range = (p: string): [number, number] | null => {
    if (!k.has(R, p)) return null;
    const a = k.num(r, k.field(R, `${p}.start`)), b = k.num(r, k.field(R, `${p}.end`));
    return a || b ? [a, b] : null;
  };
  let uidRange = range('uid_range');
  if (uidRange && uidRange[0] === 0 && uidRange[1] === 0xffffffff) uidRange = null; // fib_kuid_range_unset
  return {
    netns,
    family: FAMILIES[fam] ?? fam,
    priority: num('pref'),
    action: ACTIONS[action] ?? String(action),
    table: tableName(tableId),
    tableId,
    not: (flags & FIB_RULE_INVERT) !== 0,
    from,
    to,
    tos,
    iif: iif || null,
    oif: oif || null,
    iifDetached: (flags & FIB_RULE_IIF_DETACHED) !== 0,
    oifDetached: (flags & FIB_RULE_OIF_DETACHED) !== 0,
    fwmark: num('mark'),
    fwmask: num('mark_mask'),
    l3mdev: opt('l3mdev') !== 0,
    suppressPrefixlen: num('suppress_prefixlen'),
    suppressIfgroup: num('suppress_ifgroup'),
    goto: action === 2 ? num('target') : null,
    protocol: protocolName(opt('proto')),
    ipProto: opt('ip_proto'),
    sport: range('sport_range'),
    dport: range('dport_range'),
    uidRange,
    tunId: k.has(R, 'tun_id') ? k.mem.read(r + f('tun_id').offsetN, 8).readBigUInt64BE(0) : 0n,
    address: r,
  };
}
