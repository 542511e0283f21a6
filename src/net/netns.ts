// Network namespaces: init_net and every `struct net` on net_namespace_list
// (net/core/net_namespace.c: for_each_net). Each is identified, as `ip netns`/`lsns` do,
// by the inode number of its nsfs file (net->ns.inum).

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';

// struct net: list (list_head), ns.inum (unsigned int) — include/net/net_namespace.h
export interface NetNs {
  address: bigint;
  /** NaN when it could not be read. */
  inode: number;
  isInit: boolean;
}

/** for_each_net: every network namespace on net_namespace_list (init_net added if the walk missed it). */
export function netNamespaces(k: Kernel, problems: WalkProblem[] = []): NetNs[] {
  const init = k.symbol('init_net');
  const listF = k.field('struct net', 'list');
  const inumF = k.field('struct net', 'ns.inum');
  const out: NetNs[] = [];
  const head = k.symbol('net_namespace_list');
  for (const link of listEntries(k.mem, head, { where: 'net_namespace_list', limit: 100_000, onProblem: (p) => problems.push(p) })) {
    const net = link - listF.offsetN;
    try {
      out.push({ address: net, inode: k.num(net, inumF), isInit: net === init });
    } catch (e) {
      problems.push(unreadable('net_namespace_list', net, e));
    }
  }
  if (!out.some((n) => n.isInit)) {
    let inode = NaN; // unknown: init_net's page is not in the dump (a gap: '?' in text, null in JSON)
    try {
      inode = k.num(init, inumF);
    } catch (e) {
      problems.push(unreadable('init_net', init, e));
    }
    out.unshift({ address: init, inode, isInit: true });
  }
  return out;
}
