// Neighbour tables (ARP `arp_tbl`, NDP `nd_tbl`) and their proxy entries. The tables are
// global: every namespace's entries share one hash, told apart by dev_net(n->dev) (pneigh:
// pneigh_net(pn)), as neigh_get_first / pneigh_get_first do for /proc/net/arp.
//
// Kernel structures read here (include/net/neighbour.h; layouts probed in BTF, never by version):
//   static struct neigh_table *neigh_tables[NEIGH_NR_TABLES]   (+ arp_tbl / nd_tbl symbols;
//       nd_tbl lives in ipv6.ko when CONFIG_IPV6=m)
//   struct neigh_table { family; key_len; nht; phash_buckets }
//   struct neigh_hash_table: ≤6.12 `struct neighbour __rcu **hash_buckets`, chained by
//       neighbour.next; 6.13+ `struct hlist_head *hash_heads`, chained by neighbour.hash
//       (both existed briefly during the conversion: hash_heads is preferred when present);
//       1 << hash_shift buckets
//   struct neighbour { confirmed, updated, used; refcnt; arp_queue_len_bytes; arp_queue;
//       probes; nud_state, type, dead, protocol; flags (__u8 in 5.10, u32 from 6.1);
//       ha[]; dev; primary_key[key_len] }
//   struct pneigh_entry { next; possible_net_t net; dev; flags (u8 → u32); key[key_len] },
//       16 buckets (PNEIGH_HASHMASK 0xF, a #define not in BTF)

import type { Kernel, Field } from '../kernel/kernel.js';
import { readEach, unreadable, chainEntries, type WalkProblem } from '../kernel/walk.js';
import { readChainsInAddressOrder, type ChainShape, type ChainStart, type EntryReader, type Step } from './address-order.js';
import type { KernelClock } from '../kernel/time.js';
import type { NetNs } from './netns.js';
import { ipv6 } from './addr.js';
import { arphrdName, neighFlagNames, nudStateName, rtnTypeName, NUD } from './neigh-names.js';
import type { JiffiesAge, NeighTableName, NeighbourRow, NeighbourWalk } from './neighbour-row.js';

export type { JiffiesAge, NeighTableName, NeighbourDetail, NeighbourRow, NeighbourWalk } from './neighbour-row.js';

export interface NeighTable {
  address: bigint;
  name: NeighTableName;
  family: 'inet' | 'inet6';
  keyLen: number;
}

const AF_INET = 2;
const AF_INET6 = 10;
const PNEIGH_BUCKETS = 16; // net/core/neighbour.c: PNEIGH_HASHMASK 0xF
const MAX_HASH_SHIFT = 20; // a million buckets: neigh_hash_grow doubles from 8 as entries pass the bucket count; beyond this the header is garbage

/** The neighbour tables: neigh_tables[] (net/core/neighbour.c) plus the arp_tbl/nd_tbl symbols. */
export function neighbourTables(k: Kernel, problems: WalkProblem[] = []): NeighTable[] {
  const addrs = new Set<bigint>();
  const arr = k.trySymbol('neigh_tables');
  const nr = k.btf.findEnumerator('NEIGH_NR_TABLES');
  if (arr !== undefined && nr !== undefined) {
    for (let i = 0; i < Number(nr.value); i++) {
      try {
        const t = k.mem.ptr(arr + BigInt(i) * 8n);
        if (t) addrs.add(t);
      } catch (e) {
        problems.push(unreadable(`neigh_tables[${i}]`, arr, e));
      }
    }
  }
  for (const s of ['arp_tbl', 'nd_tbl']) {
    const a = k.trySymbol(s);
    if (a !== undefined) addrs.add(a);
  }
  const T = 'struct neigh_table';
  const familyF = k.field(T, 'family');
  const keyLenF = k.field(T, 'key_len');
  const out: NeighTable[] = [];
  for (const a of addrs) {
    try {
      const family = k.num(a, familyF);
      const keyLen = k.num(a, keyLenF);
      if (family === AF_INET && keyLen === 4) out.push({ address: a, name: 'arp_tbl', family: 'inet', keyLen });
      else if (family === AF_INET6 && keyLen === 16) out.push({ address: a, name: 'nd_tbl', family: 'inet6', keyLen });
      else problems.push({ where: 'neigh_tables', address: a, kind: 'bad-pointer', detail: `table of family ${family}, key_len ${keyLen}: not shown` });
    } catch (e) {
      problems.push(unreadable('neigh_tables', a, e));
    }
  }
  return out.sort((x, y) => (x.name < y.name ? -1 : 1));
}

interface DevInfo {
  name: string;
  ifindex: number;
  type: number;
  addrLen: number;
  net: bigint;
}

/** Fields resolved once per walk. */
function neighFields(k: Kernel) {
  const N = 'struct neighbour';
  const D = 'struct net_device';
  const P = 'struct pneigh_entry';
  const heads = k.tryField('struct neigh_hash_table', 'hash_heads');
  return {
    heads,
    buckets: heads ? undefined : k.field('struct neigh_hash_table', 'hash_buckets'),
    hashShift: k.field('struct neigh_hash_table', 'hash_shift'),
    link: heads ? k.field(N, 'hash') : k.field(N, 'next'),
    nht: k.field('struct neigh_table', 'nht'),
    phash: k.field('struct neigh_table', 'phash_buckets'),
    confirmed: k.field(N, 'confirmed'),
    updated: k.field(N, 'updated'),
    used: k.field(N, 'used'),
    refcnt: k.field(N, 'refcnt.refs.counter'),
    qlen: k.field(N, 'arp_queue.qlen'),
    qbytes: k.tryField(N, 'arp_queue_len_bytes'),
    probes: k.field(N, 'probes.counter'),
    nud: k.field(N, 'nud_state'),
    type: k.field(N, 'type'),
    dead: k.field(N, 'dead'),
    protocol: k.tryField(N, 'protocol'),
    flags: k.field(N, 'flags'),
    ha: k.field(N, 'ha'),
    dev: k.field(N, 'dev'),
    key: k.field(N, 'primary_key'),
    pNext: k.field(P, 'next'),
    pNet: k.tryField(P, 'net.net'),
    pDev: k.field(P, 'dev'),
    pFlags: k.field(P, 'flags'),
    pKey: k.field(P, 'key'),
    devName: k.field(D, 'name'),
    devIfindex: k.field(D, 'ifindex'),
    devType: k.field(D, 'type'),
    devAddrLen: k.field(D, 'addr_len'),
    // possible_net_t is empty without CONFIG_NET_NS: every device is then in init_net
    devNet: k.tryField(D, 'nd_net.net'),
  };
}
type NeighFields = ReturnType<typeof neighFields>;

// net/core/neighbour.c: neigh_for_each, neigh_dump_table (RTM_GETNEIGH) and neigh_get_first/next + pneigh_get_first
// (the /proc/net/arp iterator): every bucket of tbl->nht, then tbl->phash_buckets.
export function walkNeighbours(k: Kernel, nets: NetNs[], clock: KernelClock, chains: ChainReader = readChainsInAddressOrder): NeighbourWalk {
  const problems: WalkProblem[] = [];
  const rows: NeighbourRow[] = [];
  const F = neighFields(k);
  const ctx: WalkContext = {
    k,
    F,
    clock,
    problems,
    devs: new Map(),
    inodes: new Map(nets.map((n) => [n.address, n.inode])),
    initNet: k.trySymbol('init_net') ?? 0n,
    unknownNets: new Set(),
    unknownNetNotes: new WeakSet(),
    chains,
  };
  for (const t of neighbourTables(k, problems)) {
    walkHash(ctx, t, rows);
    walkProxies(ctx, t, rows);
  }
  return { rows, problems };
}

interface WalkContext {
  k: Kernel;
  F: NeighFields;
  clock: KernelClock;
  problems: WalkProblem[];
  devs: Map<bigint, DevInfo | Error>;
  inodes: Map<bigint, number>;
  initNet: bigint;
  unknownNets: Set<bigint>;
  /** While an entry is read in address order: where its problems go, kept at its place. */
  emit?: (p: WalkProblem) => void;
  /** The notes `emit` was given for an unknown netns: only the first of each, in hash order,
   *  is kept. */
  unknownNetNotes: WeakSet<WalkProblem>;
  /** How the hash's chains are read: in address order; the tests compare a walk in hash order. */
  chains: ChainReader;
}

type ChainReader = <R>(k: Kernel, starts: readonly ChainStart[], shape: ChainShape, read: EntryReader<R>) => Step<R>[];

function walkHash(c: WalkContext, t: NeighTable, rows: NeighbourRow[]): void {
  const { k, F, problems } = c;
  let nht: bigint, first: bigint, shift: number;
  try {
    nht = k.ptr(t.address, F.nht);
    if (nht === 0n) return;
    shift = k.num(nht, F.hashShift);
    first = k.ptr(nht, F.heads ?? F.buckets!);
  } catch (e) {
    problems.push(unreadable(`${t.name}.nht`, t.address, e));
    return;
  }
  if (shift > MAX_HASH_SHIFT) {
    problems.push({ where: `${t.name}.nht`, address: nht, kind: 'limit', detail: `hash_shift ${shift} is absurd: table not walked` });
    return;
  }
  const count = 1 << shift;
  let heads: Buffer | undefined;
  try {
    heads = k.mem.read(first, count * 8);
  } catch {
    // a page of the bucket array is missing: read bucket by bucket below to name the lost ones
  }
  const where = (i: number) => `${t.name} bucket ${i}`;
  const starts: ChainStart[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const head = heads ? heads.readBigUInt64LE(i * 8) : k.mem.ptr(first + BigInt(i) * 8n);
      if (head !== 0n) starts.push({ chain: i, first: head });
    } catch (e) {
      starts.push({ chain: i, first: 0n, problem: unreadable(where(i), first + BigInt(i) * 8n, e) });
    }
  }
  // 6.13+: hlist of neighbour.hash links; before: neighbour pointers chained by neighbour.next.
  // Read in address order (a large table outgrows the page cache), listed in hash order.
  const shape = F.heads
    ? { where, nextOffset: 0n, entryOffset: F.link.offsetN, nulls: false, span: F.key.offset + t.keyLen }
    : { where, nextOffset: F.link.offsetN, entryOffset: 0n, nulls: false, span: F.key.offset + t.keyLen };
  const steps = c.chains(k, starts, shape, (n, _link, _i, emit) => {
    c.emit = emit;
    try {
      return neighbourRow(c, t, n);
    } finally {
      c.emit = undefined;
    }
  });
  for (const s of steps) {
    if (s.row) rows.push(s.row);
    else if (!c.unknownNetNotes.has(s.problem!)) problems.push(s.problem!);
    else if (!c.unknownNets.has(s.problem!.address)) {
      // the first entry of an unknown netns, in hash order, names it (as a walk bucket by bucket)
      c.unknownNets.add(s.problem!.address);
      problems.push(s.problem!);
    }
  }
}

// net/ipv4/arp.c: arp_format_neigh_entry; net/core/neighbour.c: neigh_fill_info
function neighbourRow(c: WalkContext, t: NeighTable, n: bigint): NeighbourRow {
  const { k, F } = c;
  const span = F.key.offset + t.keyLen;
  const dev = device(c, k.view(n, span).ptr(F.dev));
  // The view again: the device's first read (other pages) may have reused this one's page.
  const v = k.view(n, span);
  const nud = v.num(F.nud);
  const flags = v.num(F.flags);
  const age = (f: Field) => jiffiesAge(c.clock, v.num(f));
  return {
    netns: netnsOf(c, dev.net),
    family: t.family,
    ip: keyText(v.bytes(F.key, t.keyLen)),
    hwType: arphrdName(dev.type),
    hwTypeCode: dev.type,
    hwAddress: macText(v.bytes(F.ha, Math.min(dev.addrLen, F.ha.size))),
    device: dev.name,
    ifindex: dev.ifindex,
    state: nudStateName(nud),
    nudState: nud,
    flags: neighFlagNames(flags),
    proxy: false,
    table: t.name,
    type: rtnTypeName(v.num(F.type)),
    hidden: (nud & ~NUD.NOARP & 0xff) === 0,
    address: n,
    detail: {
      confirmed: age(F.confirmed),
      updated: age(F.updated),
      used: age(F.used),
      probes: v.num(F.probes),
      refcnt: v.num(F.refcnt),
      queueLen: v.num(F.qlen),
      queueBytes: F.qbytes ? v.num(F.qbytes) : undefined,
      dead: v.num(F.dead) !== 0,
      protocol: F.protocol ? v.num(F.protocol) : undefined,
    },
  };
}

// net/core/neighbour.c: pneigh_get_first / pneigh_dump_table; net/ipv4/arp.c: arp_format_pneigh_entry
function walkProxies(c: WalkContext, t: NeighTable, rows: NeighbourRow[]): void {
  const { k, F, problems } = c;
  const onProblem = (p: WalkProblem) => problems.push(p);
  let buckets: bigint;
  try {
    buckets = k.ptr(t.address, F.phash);
  } catch (e) {
    problems.push(unreadable(`${t.name}.phash_buckets`, t.address, e));
    return;
  }
  if (buckets === 0n) return;
  for (let i = 0; i < PNEIGH_BUCKETS; i++) {
    const where = `${t.name} proxy bucket ${i}`;
    let head: bigint;
    try {
      head = k.mem.ptr(buckets + BigInt(i) * 8n);
    } catch (e) {
      problems.push(unreadable(where, buckets + BigInt(i) * 8n, e));
      continue;
    }
    readEach(
      chainEntries(k.mem, head, F.pNext.offsetN, { where, limit: 100_000, onProblem }),
      where,
      (pn) => pn,
      (pn) => proxyRow(c, t, pn),
      problems,
      rows,
    );
  }
}

function proxyRow(c: WalkContext, t: NeighTable, pn: bigint): NeighbourRow {
  const { k, F } = c;
  const span = F.pKey.offset + t.keyLen;
  const devAddr = k.view(pn, span).ptr(F.pDev);
  const dev = devAddr ? device(c, devAddr) : undefined;
  const v = k.view(pn, span); // again, after the device's reads
  const net = F.pNet ? v.ptr(F.pNet) : c.initNet;
  return {
    netns: netnsOf(c, net),
    family: t.family,
    ip: keyText(v.bytes(F.pKey, t.keyLen)),
    hwType: dev ? arphrdName(dev.type) : '*',
    hwTypeCode: dev?.type ?? 0, // arp_format_pneigh_entry: hatype = dev ? dev->type : 0
    hwAddress: '',
    device: dev?.name ?? '*',
    ifindex: dev?.ifindex,
    state: nudStateName(0),
    nudState: 0,
    flags: neighFlagNames(v.num(F.pFlags)),
    proxy: true,
    table: t.name,
    type: '',
    hidden: false,
    address: pn,
  };
}

/** The device fields a row needs, read once per device; an unreadable device throws (its
 *  neighbours become problems, not rows with made-up names). */
function device(c: WalkContext, addr: bigint): DevInfo {
  let d = c.devs.get(addr);
  if (d === undefined) {
    const { k, F } = c;
    try {
      const v = k.view(addr, Math.max(F.devName.offset + F.devName.size, F.devIfindex.offset + 4, F.devType.offset + 2, F.devAddrLen.offset + 1));
      d = {
        name: k.str(addr, F.devName),
        ifindex: v.num(F.devIfindex),
        type: v.num(F.devType),
        addrLen: v.num(F.devAddrLen),
        net: F.devNet ? k.ptr(addr, F.devNet) : c.initNet,
      };
    } catch (e) {
      d = new Error(`net_device 0x${addr.toString(16)}: ${(e as Error).message}`);
    }
    c.devs.set(addr, d);
  }
  if (d instanceof Error) throw d;
  return d;
}

function netnsOf(c: WalkContext, net: bigint): number | null {
  const inode = c.inodes.get(net);
  if (inode !== undefined) return inode;
  if (!c.unknownNets.has(net)) {
    const note: WalkProblem = { where: 'neighbour netns', address: net, kind: 'bad-pointer', detail: `struct net 0x${net.toString(16)} is not on net_namespace_list` };
    if (c.emit) {
      c.unknownNetNotes.add(note);
      c.emit(note);
    } else {
      c.unknownNets.add(net);
      c.problems.push(note);
    }
  }
  return null;
}

function keyText(b: Buffer): string {
  return b.length === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : ipv6(b);
}

/** Lower-case "aa:bb:cc" as arp_format_neigh_entry and ip print it. */
export function macText(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

// include/net/neighbour.h: confirmed/updated/used are jiffies (unsigned long)
function jiffiesAge(clock: KernelClock, stamp: number): JiffiesAge {
  if (stamp === 0) return { jiffies: stamp, seconds: undefined, mark: 'never' };
  const delta = Number(clock.jiffies - BigInt(stamp));
  if (delta < 0) return { jiffies: stamp, seconds: undefined, mark: 'future' };
  return { jiffies: stamp, seconds: delta / clock.hz };
}
