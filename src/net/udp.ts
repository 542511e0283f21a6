// UDP and UDP-Lite sockets: the port hash of each udp_table (net/ipv4/udp.c: udp_get_first
// walks udptable->hash[] with sk_for_each; /proc/net/udp6 walks the same table for AF_INET6).
//
// Kernel structures read here:
//   struct udp_table { struct udp_hslot *hash; ...; unsigned int mask; }   (global udp_table,
//       udplite_table; per-netns net->ipv4.udp_table since 6.2)
//   struct udp_hslot { struct hlist_head head (or union with nulls_head); int count; lock; }
//   sockets linked by sk_node (sock_common.skc_node)

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { readBucketsInAddressOrder } from './hashtable.js';
import { dgramReader } from './inet-dgram.js';
import type { SocketRow, SocketTable } from './socket-row.js';

/** The udp_table instances: the global one (symbol) plus any netns's own (6.2+). */
function udpTables(k: Kernel, nets: NetNs[], symbol: string, perNetns?: string): bigint[] {
  const set = new Set<bigint>();
  const g = k.trySymbol(symbol);
  if (g !== undefined) set.add(g);
  const f = perNetns ? k.tryField('struct net', perNetns) : undefined;
  if (f) {
    for (const n of nets) {
      try {
        const t = k.ptr(n.address, f);
        if (t) set.add(t);
      } catch {
        // unreadable netns: its sockets may still be in the global table
      }
    }
  }
  return [...set];
}

const UDP = { udp: true, remotePort: true };

function walkUdpTable(k: Kernel, table: bigint, name: string, lite: boolean, rows: SocketRow[], problems: WalkProblem[]): void {
  const r = dgramReader(k);
  const T = 'struct udp_table';
  const H = 'struct udp_hslot';
  const headOff = (k.tryField(H, 'head') ?? k.field(H, 'nulls_head')).offsetN;
  const b = {
    name,
    first: k.ptr(table, k.field(T, 'hash')) + headOff,
    count: k.num(table, k.field(T, 'mask')) + 1,
    stride: BigInt(k.sizeof(H)),
    nodeOffset: r.s.node.offsetN,
  };
  readBucketsInAddressOrder(
    k,
    b,
    (sk) => lite ? r.row(sk, 'udplite', 'udplite6', UDP) : r.row(sk, 'udp', 'udp6', UDP),
    problems,
    rows,
  );
}

export function udpSockets(k: Kernel, nets: NetNs[]): SocketTable {
  const rows: SocketRow[] = [];
  const problems: WalkProblem[] = [];
  const walk = (t: bigint, name: string, lite: boolean) => {
    try {
      walkUdpTable(k, t, name, lite, rows, problems);
    } catch (e) {
      problems.push(unreadable(name, t, e));
    }
  };
  for (const t of udpTables(k, nets, 'udp_table', 'ipv4.udp_table')) walk(t, 'udp_table', false);
  for (const t of udpTables(k, nets, 'udplite_table')) walk(t, 'udplite_table', true);
  return { rows, problems };
}
