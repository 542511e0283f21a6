// The rows the neighbour walker (src/net/neighbours.ts) returns: one per struct neighbour or
// struct pneigh_entry of arp_tbl / nd_tbl, with the fields `--arp`, `--arp -v` and `--json` show.

import type { WalkProblem } from '../kernel/walk.js';

export type NeighTableName = 'arp_tbl' | 'nd_tbl';

/** A jiffies stamp as time before the dump: `seconds` undefined when the stamp is 0 (never
 *  set) or later than the dump's jiffies (a clock or dump inconsistency), with the reason. */
export interface JiffiesAge {
  jiffies: number;
  seconds: number | undefined;
  mark?: 'never' | 'future';
}

/** What `ip -s neigh` and `--arp -v` add; absent for proxy entries (pneigh has none). */
export interface NeighbourDetail {
  confirmed: JiffiesAge;
  updated: JiffiesAge;
  used: JiffiesAge;
  probes: number;
  /** refcount_t as stored (`ip -s neigh` prints it minus 1 as "ref"). */
  refcnt: number;
  /** Packets waiting for resolution (arp_queue.qlen) and their bytes (arp_queue_len_bytes). */
  queueLen: number;
  queueBytes: number | undefined;
  dead: boolean;
  /** RTPROT_* of who added it (5.10+: `protocol`); undefined when the member is absent. */
  protocol: number | undefined;
}

export interface NeighbourRow {
  /** Inode of the device's (pneigh: the entry's) network namespace; null if that namespace is
   *  not on net_namespace_list (a problem says so). */
  netns: number | null;
  family: 'inet' | 'inet6';
  ip: string;
  /** ARPHRD name of the device type ("ether", "loopback"); "0x…" for an unknown code. */
  hwType: string;
  /** dev->type, as /proc/net/arp prints it ("0x1"); 0 for a proxy entry without a device. */
  hwTypeCode: number;
  /** ha[0..dev->addr_len) as "aa:bb:…"; '' when the device has no hardware address. */
  hwAddress: string;
  /** Device name; "*" for a proxy entry without a device. */
  device: string;
  ifindex: number | undefined;
  /** NUD state as `ip neigh` prints it ("REACHABLE", "PERMANENT", "NOARP", "NONE", …). */
  state: string;
  nudState: number;
  /** NTF_* flag names as `ip neigh` prints them: "router", "extern_learn", "offload", "managed". */
  flags: string[];
  proxy: boolean;
  table: NeighTableName;
  /** RTN_* type of the key ("unicast", "multicast", "local", "broadcast"); '' for proxies. */
  type: string;
  /** Skipped by /proc/net/arp and plain `ip neigh`: state NOARP or NONE (neigh_get_first with
   *  NEIGH_SEQ_SKIP_NOARP keeps only `nud_state & ~NUD_NOARP`; ip's default filter likewise). */
  hidden: boolean;
  /** struct neighbour / struct pneigh_entry address. */
  address: bigint;
  detail?: NeighbourDetail;
}

export interface NeighbourWalk {
  rows: NeighbourRow[];
  problems: WalkProblem[];
}
