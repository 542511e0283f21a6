// Nexthop objects of `ip nexthop` (5.3+): net->nexthop.rb_root, an rbtree of struct nexthop
// ordered by id; each is one nh_info (a gateway/device, or a blackhole) or an nh_group of
// nh_grp_entry {nh, weight}. Mirrors net/ipv4/nexthop.c rtm_dump_nexthop / nh_fill_node.

import type { Kernel } from '../kernel/kernel.js';
import { rbtreeNodes, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { NexthopReader } from './nexthop.js';
import { protocolName, scopeName } from './route-names.js';

export interface NexthopObjectRow {
  netns: number;
  id: number;
  /** nh_info.family ("inet", "inet6"); null for a group (AF_UNSPEC in nh_fill_node). */
  family: 'inet' | 'inet6' | null;
  /** Members of a group with their weights (nh_grp_entry.weight, as `ip nexthop` prints it). */
  group: { id: number; weight: number }[] | null;
  /** "mpath" or "resilient" for groups. */
  groupType: string | null;
  blackhole: boolean;
  fdb: boolean;
  gateway: string | null;
  iface: string | null;
  ifindex: number | null;
  /** nhc_scope of a single next hop; "global" for groups and blackholes (not sent). */
  scope: string;
  protocol: string;
  flags: string[];
  /** struct nexthop *. */
  address: bigint;
}

const MAX_NEXTHOPS = 1_000_000;
const MAX_GROUP = 1024;

// net/ipv4/nexthop.c: rtm_dump_nexthop walks net->nexthop.rb_root in id order; nh_fill_node.
export function nexthopObjects(k: Kernel, nets: NetNs[]): { rows: NexthopObjectRow[]; problems: WalkProblem[] } {
  const rows: NexthopObjectRow[] = [];
  const problems: WalkProblem[] = [];
  const rootF = k.tryField('struct net', 'nexthop.rb_root');
  if (!rootF) return { rows, problems }; // a kernel without nexthop objects
  const N = 'struct nexthop';
  const nodeOff = k.off(N, 'rb_node');
  const idF = k.field(N, 'id'), isGroupF = k.field(N, 'is_group'), infoF = k.field(N, 'nh_info');
  const protoF = k.field(N, 'protocol');
  const fdbF = k.tryField(N, 'is_fdb_nh');
  const nhr = new NexthopReader(k);
  for (const ns of nets) {
    const where = `nexthop objects (netns ${ns.inode})`;
    let root: bigint;
    try {
      root = k.ptr(ns.address, rootF);
    } catch (e) {
      problems.push({ where, address: ns.address, kind: 'unreadable', detail: (e as Error).message });
      continue;
    }
    for (const node of rbtreeNodes(k.mem, root, { where, limit: MAX_NEXTHOPS, onProblem: (p) => problems.push(p) })) {
      const nh = node - nodeOff;
      try {
        const v = k.view(nh, k.sizeof(N));
        const row: NexthopObjectRow = {
          netns: ns.inode, id: v.num(idF), family: null, group: null, groupType: null, blackhole: false,
          fdb: fdbF ? v.num(fdbF) !== 0 : false, gateway: null, iface: null, ifindex: null, scope: 'global',
          protocol: protocolName(v.num(protoF)), flags: [], address: nh,
        };
        const inner = v.ptr(infoF);
        if (v.num(isGroupF)) readGroup(k, inner, row);
        else readInfo(k, nhr, inner, row);
        rows.push(row);
      } catch (e) {
        problems.push({ where, address: nh, kind: 'unreadable', detail: (e as Error).message });
      }
    }
  }
  return { rows, problems };
}

function readGroup(k: Kernel, grp: bigint, row: NexthopObjectRow): void {
  const G = 'struct nh_group', E = 'struct nh_grp_entry';
  const num = Math.min(k.num(grp, k.field(G, 'num_nh')), MAX_GROUP);
  const base = grp + k.off(G, 'nh_entries');
  const size = BigInt(k.sizeof(E));
  const nhF = k.field(E, 'nh'), wF = k.field(E, 'weight'), idF = k.field('struct nexthop', 'id');
  row.group = [];
  for (let i = 0; i < num; i++) {
    const e = base + BigInt(i) * size;
    row.group.push({ id: k.num(k.ptr(e, nhF), idF), weight: k.num(e, wF) });
  }
  // 5.13+: resilient groups (nh_group.resilient); older kernels have multipath groups only.
  const res = k.tryField(G, 'resilient');
  row.groupType = res && k.num(grp, res) ? 'resilient' : 'mpath';
}

function readInfo(k: Kernel, nhr: NexthopReader, info: bigint, row: NexthopObjectRow): void {
  const I = 'struct nh_info';
  const fam = k.num(info, k.field(I, 'family'));
  row.family = fam === 10 ? 'inet6' : 'inet';
  if (k.num(info, k.field(I, 'reject_nh'))) {
    row.blackhole = true;
    return;
  }
  const nhc = info + k.off(I, 'fib_nhc');
  const hop = nhr.hop(nhc);
  row.gateway = hop.gateway;
  row.iface = hop.iface === '*' ? null : hop.iface;
  row.ifindex = hop.iface === '*' ? null : hop.ifindex;
  row.scope = scopeName(k.num(nhc, k.field('struct fib_nh_common', 'nhc_scope')));
  row.flags = hop.flags;
}
