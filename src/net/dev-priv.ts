// A driver's private part of a net_device (netdev_priv) for the drivers whose links `ip`
// shows: the veth peer and the VLAN's real device.

import type { Kernel } from '../kernel/kernel.js';
import { isKernelPointer } from '../kernel/walk.js';

export interface DeviceRef {
  address: bigint;
  name: string;
  ifindex: number;
  /** netns inode of that device, null when unknown */
  netns: number | null;
}

export interface VlanInfo {
  id: number;
  /** "802.1Q" (0x8100) or "802.1ad" (0x88a8) */
  protocol: string;
  realDev: DeviceRef;
}

const D = 'struct net_device';

// include/linux/netdevice.h netdev_priv: dev->priv (a flexible array member, 6.11+), earlier
// (char *)dev + ALIGN(sizeof(struct net_device), NETDEV_ALIGN = 32).
export function netdevPriv(k: Kernel, dev: bigint): bigint {
  const f = k.tryField(D, 'priv');
  if (f) return dev + f.offsetN;
  return dev + BigInt(Math.ceil(k.sizeof(D) / 32) * 32);
}

/** Name, ifindex and netns of any net_device. */
export function deviceRef(k: Kernel, dev: bigint): DeviceRef {
  const nd = k.tryField(D, 'nd_net.net');
  const net = nd ? k.ptr(dev, nd) : 0n;
  return {
    address: dev,
    name: k.str(dev, k.field(D, 'name')),
    ifindex: k.num(dev, k.field(D, 'ifindex')),
    netns: net ? k.num(net, k.field('struct net', 'ns.inum')) : null,
  };
}

// drivers/net/veth.c veth_get_iflink: rcu_dereference(priv->peer)->ifindex.
// struct veth_priv comes from the veth module's BTF (6.1+). Without it (5.10 has no module
// BTF) the first member is taken as `peer` — it has been since veth.c was written — and only
// believed if that device's own first member points back here (a veth pair is mutual).
export function peerDevice(k: Kernel, dev: bigint): { ref: DeviceRef | null; gap?: string } {
  const P = 'struct veth_priv';
  const f = k.tryField(P, 'peer');
  const off = f ? f.offsetN : 0n;
  const peer = k.mem.ptr(netdevPriv(k, dev) + off);
  if (!peer) return { ref: null, gap: 'veth peer is gone (NULL)' };
  if (!isKernelPointer(peer)) return { ref: null, gap: `veth peer 0x${peer.toString(16)} is not a kernel address` };
  if (!f) {
    let back = 0n;
    try {
      back = k.mem.ptr(netdevPriv(k, peer));
    } catch {
      /* not readable: not believed */
    }
    if (back !== dev) return { ref: null, gap: 'struct veth_priv not in BTF and the peer guess did not point back' };
  }
  return { ref: deviceRef(k, peer) };
}

// net/8021q/vlan.h vlan_dev_priv(dev): netdev_priv as struct vlan_dev_priv {vlan_proto, vlan_id, real_dev}.
export function vlanInfo(k: Kernel, dev: bigint): VlanInfo | undefined {
  const V = 'struct vlan_dev_priv';
  if (!k.has(V, 'real_dev')) return undefined;
  const p = netdevPriv(k, dev);
  const real = k.ptr(p, k.field(V, 'real_dev'));
  if (!real) return undefined;
  const proto = k.num(p, k.field(V, 'vlan_proto'));
  const host = ((proto & 0xff) << 8) | (proto >>> 8);
  return {
    id: k.num(p, k.field(V, 'vlan_id')),
    protocol: host === 0x8100 ? '802.1Q' : host === 0x88a8 ? '802.1ad' : `0x${host.toString(16)}`,
    realDev: deviceRef(k, real),
  };
}
