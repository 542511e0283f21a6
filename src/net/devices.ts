// Network devices of a namespace: net->dev_base_head, linked by net_device.dev_list
// (include/linux/netdevice.h: for_each_netdev).

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';

export interface NetDevice {
  address: bigint;
  name: string;
  ifindex: number;
  netns: number;
}

/** for_each_netdev of each namespace: name, ifindex and netns of every net_device. */
export function netDevices(k: Kernel, nets: NetNs[], problems: WalkProblem[] = []): NetDevice[] {
  const D = 'struct net_device';
  const head = k.field('struct net', 'dev_base_head');
  const link = k.field(D, 'dev_list');
  const name = k.field(D, 'name');
  const ifindex = k.field(D, 'ifindex');
  const out: NetDevice[] = [];
  for (const n of nets) {
    const where = `dev_base_head (netns ${n.inode})`;
    for (const l of listEntries(k.mem, n.address + head.offsetN, { where, limit: 100_000, onProblem: (p) => problems.push(p) })) {
      const dev = l - link.offsetN;
      try {
        out.push({ address: dev, name: k.str(dev, name), ifindex: k.num(dev, ifindex), netns: n.inode });
      } catch (e) {
        problems.push(unreadable(where, dev, e));
      }
    }
  }
  return out;
}
