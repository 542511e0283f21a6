// Interfaces as `ip link`/`ip addr`/`ifconfig` show them, from struct net_device and what
// hangs off it: addresses (if-addr.ts), counters (dev-stats.ts), qdiscs (qdisc.ts).

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';
import { secondsAgo, type KernelClock } from '../kernel/time.js';
import type { NetNs } from './netns.js';
import { netDevices } from './devices.js';
import { ipv4Addresses, ipv6Addresses, type IfAddr4, type IfAddr6 } from './if-addr.js';
import { deviceStats, type DevStats } from './dev-stats.js';
import { qdiscTree, type QdiscRow } from './qdisc.js';
import { deviceRef, peerDevice, vlanInfo, type DeviceRef, type VlanInfo } from './dev-priv.js';
import {
  arphrdName, bridgePortStateName, hwAddress, ipLinkFlagNames, operstateName, IFF, IF_OPER_UP, IF_OPER_UNKNOWN,
} from './if-names.js';
import { perKernel } from '../kernel/memo.js';
import { GAP } from '../kernel/walk.js';

export interface TxQueue {
  index: number;
  /** netdev_queue.trans_start (jiffies) and how long before the dump, in seconds */
  transStart: number;
  /** undefined: never (a stamp of 0 or after the dump) */
  transStartAgo: number | undefined;
  /** netdev_queue.state bits (__QUEUE_STATE_DRV_XOFF 0, STACK_XOFF 1, FROZEN 2) */
  state: number;
}

export interface NetInterface {
  netns: number;
  /** struct net_device address */
  address: bigint;
  name: string;
  ifindex: number;
  mtu: number;
  /** ARPHRD_* number and iproute2's name: "ether", "loopback", "none" */
  type: number;
  typeName: string;
  mac: string;
  broadcast: string;
  /** net_device.flags as set; `flags` as dev_get_flags reports them (RUNNING, LOWER_UP, DORMANT from state) */
  rawFlags: number;
  flags: number;
  /** as `ip link` prints them: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP", ("M-DOWN")] */
  flagNames: string[];
  operstate: string;
  /** net_device.state bits by name: ["START", "PRESENT"] */
  linkState: string[];
  /** NETIF_F_* feature names (bits of dev->features) */
  features: string[];
  privFlags: string[];
  /** the master device (bridge, bond) from adj_list.upper */
  master: DeviceRef | null;
  /** the device `ip link` prints after '@' (veth peer, VLAN's real device); null when none */
  link: DeviceRef | null;
  /** why the link could not be found (a driver handler the dump cannot run) */
  linkGap?: string;
  vlan?: VlanInfo;
  bridgePort?: { bridge: string; portNo: number; state: string };
  /** root qdisc kind (ops->id) as `ip link` prints it after "qdisc" */
  qdisc: string | null;
  txQueueLen: number;
  promiscuity: number;
  allmulti: number;
  /** net_device_ops handlers as symbols (null when not set) */
  handlers: { ops: string; open: string | null; stop: string | null; xmit: string | null; stats64: string | null; stats: string | null; iflink: string | null };
  txQueues: TxQueue[];
  numTxQueues: number;
  realNumTxQueues: number;
  ipv4: IfAddr4[];
  ipv6: IfAddr6[];
  stats: DevStats;
  qdiscs: QdiscRow[];
}

export interface InterfaceWalk {
  rows: NetInterface[];
  problems: WalkProblem[];
}

const D = 'struct net_device';
const MAX_TXQ = 4096;

// net/core/dev.c: for_each_netdev (dev_base_head, per netns); dev_get_flags for the flags;
// rtnetlink.c rtnl_fill_ifinfo for what `ip link` prints (IFLA_LINK, IFLA_MASTER, IFLA_QDISC).
export function netInterfaces(k: Kernel, nets: NetNs[], clock: KernelClock): InterfaceWalk {
  const problems: WalkProblem[] = [];
  const rows: NetInterface[] = [];
  for (const d of netDevices(k, nets, problems)) {
    try {
      rows.push(readInterface(k, d.address, d.netns, clock, problems));
    } catch (e) {
      problems.push(unreadable(`net_device ${d.name}`, d.address, e));
    }
  }
  // M-DOWN: iproute2 marks a link whose device (in the same netns) is down.
  const byAddr = new Map(rows.map((r) => [r.address, r]));
  for (const r of rows) {
    const l = r.link && byAddr.get(r.link.address);
    if (l && l.netns === r.netns && !(l.flags & IFF.UP)) r.flagNames = ipLinkFlagNames(r.flags, true);
  }
  return { rows, problems };
}

const fields = perKernel((k: Kernel) => {
  const f = (p: string) => k.field(D, p);
  const t = (p: string) => k.tryField(D, p);
  return {
    mtu: f('mtu'), type: f('type'), flags: f('flags'), gflags: f('gflags'), operstate: f('operstate'),
    state: f('state'), features: f('features'), privFlags: f('priv_flags'), addrLen: f('addr_len'),
    devAddr: f('dev_addr'), broadcast: f('broadcast'), ops: f('netdev_ops'), qdisc: f('qdisc'),
    txqlen: f('tx_queue_len'), promisc: f('promiscuity'), allmulti: f('allmulti'), tx: f('_tx'),
    numTx: f('num_tx_queues'), realNumTx: f('real_num_tx_queues'), upper: f('adj_list.upper'),
    rxHandlerData: f('rx_handler_data'), name: f('name'), ifindex: f('ifindex'), ndNet: t('nd_net.net'),
    size: k.sizeof(D),
  };
});

/** A property computed on first read and kept: what only some views print (handler symbols,
 *  counters, state names) is not made for the others. Only for values whose making can
 *  neither throw nor report a problem: when it runs then changes nothing but the time. */
function lazy<T extends object, K extends keyof T>(o: T, key: K, get: () => T[K]): void {
  let v: T[K];
  let done = false;
  Object.defineProperty(o, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!done) {
        v = get();
        done = true;
      }
      return v;
    },
  });
}

function readInterface(k: Kernel, dev: bigint, netns: number, clock: KernelClock, problems: WalkProblem[]): NetInterface {
  const F = fields(k);
  // A copy: the members are read between walks of the device's addresses, queues and links.
  const v = k.viewCopy(dev, F.size);
  const rawFlags = v.num(F.flags);
  const operstate = v.num(F.operstate);
  const state = v.num(F.state);
  const flags = getFlags(rawFlags, v.num(F.gflags), state, operstate);
  const addrLen = v.num(F.addrLen);
  const devAddr = v.ptr(F.devAddr);
  const ops = v.ptr(F.ops);
  const handlers = opsHandlers(k, ops);
  const privFlags = v.num(F.privFlags);
  const ln = link(k, dev, handlers.iflink);
  const type = v.num(F.type);
  const qd = v.ptr(F.qdisc);
  const row: NetInterface = {
    netns,
    address: dev,
    name: k.str(dev, F.name),
    ifindex: v.num(F.ifindex),
    mtu: v.num(F.mtu),
    type,
    typeName: arphrdName(type),
    mac: devAddr ? hwAddress(k.mem.read(devAddr, addrLen), addrLen) : '',
    broadcast: hwAddress(v.bytes(F.broadcast), addrLen),
    rawFlags,
    flags,
    flagNames: ipLinkFlagNames(flags),
    operstate: operstateName(operstate),
    linkState: [],
    features: featureNames(k, k.big(dev, F.features)),
    privFlags: [],
    master: master(k, dev + F.upper.offsetN, problems),
    link: ln.ref,
    ...(ln.gap ? { linkGap: ln.gap } : {}),
    qdisc: qd ? qdiscKind(k, qd) : null,
    txQueueLen: v.num(F.txqlen),
    promiscuity: v.num(F.promisc),
    allmulti: v.num(F.allmulti),
    handlers,
    txQueues: [],
    numTxQueues: v.num(F.numTx),
    realNumTxQueues: v.num(F.realNumTx),
    ipv4: ipv4Addresses(k, dev, problems),
    ipv6: ipv6Addresses(k, dev, problems),
    stats: undefined as unknown as DevStats,
    qdiscs: qdiscTree(k, dev, problems),
  };
  lazy(row, 'linkState', () => bitNames(k, 'enum netdev_state_t', '__LINK_STATE_', BigInt(state)));
  lazy(row, 'privFlags', () => bitNames(k, 'enum netdev_priv_flags', 'IFF_', BigInt(privFlags)));
  // deviceStats catches what it cannot read (a gap, never a throw) and reports no problem
  lazy(row, 'stats', () => deviceStats(k, dev, handlers.stats64 ?? null, handlers.stats ?? null));
  if (handlers.iflink?.startsWith('vlan_dev_get_iflink')) {
    const vl = vlanInfo(k, dev);
    if (vl) row.vlan = vl;
  }
  const portBit = privFlagBit(k, 'IFF_BRIDGE_PORT');
  if (portBit !== undefined && BigInt(privFlags) & portBit) {
    const bp = bridgePort(k, v.ptr(F.rxHandlerData));
    if (bp) row.bridgePort = bp;
  }
  row.txQueues = txQueues(k, v.ptr(F.tx), Math.min(row.numTxQueues, MAX_TXQ), clock, problems);
  return row;
}

// net/core/dev.c dev_get_flags (netif_get_flags in 7.x).
function getFlags(flags: number, gflags: number, state: number, operstate: number): number {
  const volatile = IFF.PROMISC | IFF.ALLMULTI | IFF.RUNNING | IFF.LOWER_UP | IFF.DORMANT;
  let out = (flags & ~volatile) | (gflags & (IFF.PROMISC | IFF.ALLMULTI));
  const START = 1, NOCARRIER = 4, DORMANT = 16; // __LINK_STATE_* bits (enum netdev_state_t, unchanged since 2.6)
  if (state & START) {
    if (operstate === IF_OPER_UP || operstate === IF_OPER_UNKNOWN) out |= IFF.RUNNING;
    if (!(state & NOCARRIER)) out |= IFF.LOWER_UP;
    if (state & DORMANT) out |= IFF.DORMANT;
  }
  return out >>> 0;
}

const HANDLERS = [['open', 'ndo_open'], ['stop', 'ndo_stop'], ['xmit', 'ndo_start_xmit'], ['stats64', 'ndo_get_stats64'], ['stats', 'ndo_get_stats'], ['iflink', 'ndo_get_iflink']] as const;
const opsFields = perKernel((k: Kernel) => HANDLERS.map(([, m]) => k.tryField('struct net_device_ops', m)));

/** The pointers are read now (an unreadable ops table fails the device, as always); their
 *  symbols when first asked for: symbolizing a module's handler decodes that module's kallsyms,
 *  and only -iv, JSON and the counters use them (the link, ndo_get_iflink, is asked at once). */
function opsHandlers(k: Kernel, ops: bigint): NetInterface['handlers'] {
  const fs = opsFields(k);
  const ptrs = HANDLERS.map((_, i) => (fs[i] && ops ? k.ptr(ops, fs[i]!) : 0n));
  const out = {} as NetInterface['handlers'];
  lazy(out, 'ops', () => (ops ? k.symbolize(ops) : '0'));
  HANDLERS.forEach(([key], i) => lazy(out, key, () => (ptrs[i] ? k.symbolize(ptrs[i]) : null)));
  return out;
}

// rtnetlink.c rtnl_fill_link_ifmap/nla_put_iflink: IFLA_LINK = dev_get_iflink(dev) when it
// differs from ifindex; ndo_get_iflink is driver code, so only the drivers we know are followed.
function link(k: Kernel, dev: bigint, iflink: string | null): { ref: DeviceRef | null; gap?: string } {
  if (!iflink) return { ref: null };
  const fn = iflink.split(/[+ ]/)[0];
  try {
    if (fn === 'veth_get_iflink') {
      const peer = peerDevice(k, dev);
      return peer.ref ? { ref: peer.ref } : { ref: null, gap: peer.gap };
    }
    if (fn === 'vlan_dev_get_iflink') {
      const vl = vlanInfo(k, dev);
      return vl ? { ref: vl.realDev } : { ref: null, gap: 'struct vlan_dev_priv not in BTF' };
    }
  } catch (e) {
    return { ref: null, gap: (e as Error).message };
  }
  return { ref: null, gap: `computed by ${iflink}: not in the dump` };
}

// include/linux/netdevice.h netdev_master_upper_dev_get: the first adj_list.upper entry, if master.
function master(k: Kernel, upperHead: bigint, problems: WalkProblem[]): DeviceRef | null {
  const A = 'struct netdev_adjacent';
  const list = k.field(A, 'list');
  for (const l of listEntries(k.mem, upperHead, { where: 'adj_list.upper', limit: 1, onProblem: (p) => p.kind !== 'limit' && problems.push(p) })) {
    const adj = l - list.offsetN;
    if (!k.num(adj, k.field(A, 'master'))) return null;
    return deviceRef(k, k.ptr(adj, k.field(A, 'dev')));
  }
  return null;
}

// net/bridge/br_private.h br_port_get_rcu: rx_handler_data is the struct net_bridge_port.
function bridgePort(k: Kernel, p: bigint): NetInterface['bridgePort'] | undefined {
  const P = 'struct net_bridge_port';
  if (!p || !k.has(P, 'br') || !k.has('struct net_bridge', 'dev')) return undefined;
  const br = k.ptr(p, k.field(P, 'br'));
  const brDev = br ? k.ptr(br, k.field('struct net_bridge', 'dev')) : 0n;
  return {
    bridge: brDev ? k.str(brDev, k.field(D, 'name')) : GAP,
    portNo: k.num(p, k.field(P, 'port_no')),
    state: bridgePortStateName(k.num(p, k.field(P, 'state'))),
  };
}

// include/linux/netdevice.h netdev_get_tx_queue: dev->_tx[i], i < num_tx_queues.
function txQueues(k: Kernel, tx: bigint, n: number, clock: KernelClock, problems: WalkProblem[]): TxQueue[] {
  const Q = 'struct netdev_queue';
  if (!tx) return [];
  const size = BigInt(k.sizeof(Q));
  const ts = k.field(Q, 'trans_start');
  const st = k.field(Q, 'state');
  const out: TxQueue[] = [];
  for (let i = 0; i < n; i++) {
    const q = tx + BigInt(i) * size;
    try {
      const t = k.big(q, ts);
      out.push({ index: i, transStart: Number(t), transStartAgo: secondsAgo(clock, t), state: k.num(q, st) });
    } catch (e) {
      problems.push(unreadable(`netdev_queue ${i}`, q, e));
      break;
    }
  }
  return out;
}

export function qdiscKind(k: Kernel, q: bigint): string {
  const ops = k.ptr(q, k.field('struct Qdisc', 'ops'));
  return ops ? k.str(ops, k.field('struct Qdisc_ops', 'id')) : '?';
}

const enumCache = perKernel(() => new Map<string, { name: string; bit: bigint }[]>());

function enumBits(k: Kernel, key: string, list: () => { name: string; value: bigint }[]): { name: string; bit: bigint }[] {
  const m = enumCache(k);
  let r = m.get(key);
  if (!r) m.set(key, (r = list().map((e) => ({ name: e.name, bit: e.value }))));
  return r;
}

/** Names of the set bits of an enum of bit numbers (netdev_state_t) or of masks (netdev_priv_flags). */
function bitNames(k: Kernel, spec: string, prefix: string, value: bigint): string[] {
  const masks = spec === 'enum netdev_priv_flags';
  const list = enumBits(k, spec, () => {
    const id = k.findType(spec);
    return id === undefined ? [] : k.btf.enumerators(id).map((e) => ({ name: e.name, value: masks ? e.value : 1n << e.value }));
  });
  return list.filter((e) => e.bit && (value & e.bit) === e.bit).map((e) => e.name.replace(prefix, ''));
}

function privFlagBit(k: Kernel, name: string): bigint | undefined {
  return enumBits(k, 'enum netdev_priv_flags', () => {
    const id = k.findType('enum netdev_priv_flags');
    return id === undefined ? [] : k.btf.enumerators(id);
  }).find((e) => e.name === name)?.bit;
}

// include/linux/netdev_features.h: enum { NETIF_F_SG_BIT, ..., NETDEV_FEATURE_COUNT }.
function featureNames(k: Kernel, features: bigint): string[] {
  const list = enumBits(k, 'features', () => {
    const e = k.btf.findEnumerator('NETIF_F_SG_BIT');
    if (!e) return [];
    return k.btf.enumerators(e.enumId)
      .filter((x) => x.name.startsWith('NETIF_F_') && x.name.endsWith('_BIT') && x.value < 64n)
      .map((x) => ({ name: x.name.slice(8, -4), value: 1n << x.value }));
  });
  return list.filter((e) => features & e.bit).map((e) => e.name);
}

export type { DeviceRef, VlanInfo };
