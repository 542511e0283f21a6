// Packet handlers (struct packet_type, include/linux/netdevice.h): what the receive path hands
// each frame to, by ethertype. Mirrors net/core/net-procfs.c ptype_get_idx/ptype_seq_show and
// net/core/dev.c ptype_head(); the per-device `ptype_specific` lists, which /proc/net/ptype
// never prints (a SOCK_DGRAM packet socket bound to one device lands there), are shown too.
//
// Where the lists live (probed): global `ptype_all` + `ptype_base[16]` (to 6.8);
// `net_hotdata.ptype_all` (6.9+); per netns `net->ptype_all`/`net->ptype_specific` (7.x, where
// ptype_base keeps only kernel protocol handlers). Always: dev->ptype_all, dev->ptype_specific.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import type { NetDevice } from './devices.js';
import { GAP } from '../kernel/walk.js';

export type PtypeList = 'dev ptype_all' | 'ptype_all' | 'ptype_specific' | 'ptype_base' | 'dev ptype_specific';

export interface PtypeRow {
  netns: number;
  /** struct packet_type address */
  address: bigint;
  /** "ALL" (ETH_P_ALL) or the ethertype as 4 hex digits, as /proc/net/ptype prints it */
  type: string;
  /** the device it is bound to ("" when none) */
  device: string;
  func: string;
  /** the module that holds func ("" for vmlinux) */
  module: string;
  list: PtypeList;
  /** does /proc/net/ptype of this netns print it? */
  inProc: boolean;
  /** AF_PACKET handlers: af_packet_priv, the packet socket (struct sock) that receives */
  sock: bigint | null;
}

export interface PtypeWalk {
  rows: PtypeRow[];
  problems: WalkProblem[];
}

const PT = 'struct packet_type';
const PTYPE_HASH_SIZE = 16;
const ETH_P_ALL = 0x0003;
/** net/packet/af_packet.c: the receive functions whose af_packet_priv is the packet_sock. */
const PACKET_SOCK_FUNCS = new Set(['packet_rcv', 'tpacket_rcv', 'packet_rcv_spkt']);

interface Raw {
  address: bigint;
  type: number;
  dev: bigint;
  func: bigint;
  net: bigint;
  priv: bigint;
}

// net/core/net-procfs.c: ptype_seq_show, every namespace; `devices` are the netns's devices.
export function packetHandlers(k: Kernel, nets: NetNs[], devices: NetDevice[]): PtypeWalk {
  const problems: WalkProblem[] = [];
  const f = (p: string) => k.field(PT, p);
  const typeF = f('type');
  const devF = f('dev');
  const funcF = f('func');
  const netF = k.tryField(PT, 'af_packet_net');
  const privF = f('af_packet_priv');
  const listF = f('list');
  const D = 'struct net_device';
  const devAll = k.field(D, 'ptype_all');
  const devSpecific = k.tryField(D, 'ptype_specific');
  const devName = k.field(D, 'name');
  const netAll = k.tryField('struct net', 'ptype_all');
  const netSpecific = k.tryField('struct net', 'ptype_specific');

  const walkList = (head: bigint, where: string): Raw[] => {
    const out: Raw[] = [];
    for (const link of listEntries(k.mem, head, { where, limit: 10_000, onProblem: (p) => problems.push(p) })) {
      const pt = link - listF.offsetN;
      try {
        const v = k.view(pt, k.sizeof(PT));
        out.push({ address: pt, type: v.num(typeF), dev: v.ptr(devF), func: v.ptr(funcF), net: netF ? v.ptr(netF) : 0n, priv: v.ptr(privF) });
      } catch (e) {
        problems.push(unreadable(where, pt, e));
      }
    }
    return out;
  };

  // The global lists, walked once.
  let globalAll: Raw[] = [];
  if (!netAll) {
    const hot = k.tryCoreField('struct net_hotdata', 'ptype_all');
    const head = hot ? k.symbol('net_hotdata') + hot.offsetN : k.symbol('ptype_all');
    globalAll = walkList(head, 'ptype_all');
  }
  const baseAddr = k.symbol('ptype_base');
  const listSize = k.sizeof('struct list_head');
  const base: Raw[] = [];
  for (let t = 0; t < PTYPE_HASH_SIZE; t++) base.push(...walkList(baseAddr + BigInt(t * listSize), `ptype_base ${t}`));

  const names = new Map<bigint, string>();
  const nameOf = (dev: bigint): string => {
    if (dev === 0n) return '';
    let n = names.get(dev);
    if (n === undefined) {
      try {
        n = k.str(dev, devName);
      } catch {
        n = GAP;
      }
      names.set(dev, n);
    }
    return n;
  };
  const rows: PtypeRow[] = [];
  const ntohs = (v: number) => ((v & 0xff) << 8) | (v >> 8);
  const add = (ns: NetNs, r: Raw, list: PtypeList, inProc: boolean, dev = r.dev) => {
    const type = ntohs(r.type);
    const sym = k.symbolize(r.func);
    const m = /^(\S+)(?: \[(\S+)\])?$/.exec(sym);
    const func = m ? m[1] : sym;
    rows.push({
      netns: ns.inode, address: r.address, type: type === ETH_P_ALL ? 'ALL' : type.toString(16).padStart(4, '0'),
      device: nameOf(dev), func, module: m?.[2] ?? '', list, inProc,
      sock: PACKET_SOCK_FUNCS.has(func) && r.priv !== 0n ? r.priv : null,
    });
  };
  for (const ns of nets) {
    // ptype_seq_show's filter: a handler of another netns's packet socket is not printed.
    const mine = (r: Raw) => r.net === 0n || r.net === ns.address;
    const devs = devices.filter((d) => d.netns === ns.inode);
    for (const d of devs) for (const r of walkList(d.address + devAll.offsetN, `${d.name} ptype_all`)) add(ns, r, 'dev ptype_all', true, d.address);
    const nsAll = netAll ? walkList(ns.address + netAll.offsetN, `ptype_all (netns ${ns.inode})`) : globalAll.filter(mine);
    for (const r of nsAll) add(ns, r, 'ptype_all', true);
    if (netSpecific) for (const r of walkList(ns.address + netSpecific.offsetN, `ptype_specific (netns ${ns.inode})`)) add(ns, r, 'ptype_specific', true);
    for (const r of base.filter(mine)) add(ns, r, 'ptype_base', true);
    if (devSpecific) for (const d of devs) for (const r of walkList(d.address + devSpecific.offsetN, `${d.name} ptype_specific`)) add(ns, r, 'dev ptype_specific', false, d.address);
  }
  return { rows, problems };
}

/** One /proc/net/ptype line (ptype_seq_show: "ALL " or "%04x", then " %-8s %ps"). */
export function ptypeLine(r: PtypeRow): string {
  return `${r.type === 'ALL' ? 'ALL ' : r.type} ${r.device.padEnd(8)} ${r.func}${r.module ? ` [${r.module}]` : ''}`;
}
