// RAW sockets: raw_v4_hashinfo and raw_v6_hashinfo (net/ipv4/raw.c: raw_get_first walks
// h->ht[] with sk_for_each / sk_nulls_for_each; raw_sock_seq_show prints the columns), and
// ICMP "ping" sockets (net/ipv4/ping.c: ping_table, ping_v4_format_sock — /proc/net/icmp{,6}),
// shown with RAW as `ss -w` users expect to find datagram ICMP.
//
// Kernel structures read here:
//   struct raw_hashinfo { lock; struct hlist_head ht[RAW_HTABLE_SIZE]; }  (hlist_nulls_head in 6.0–6.x)
//   struct ping_table { struct hlist_nulls_head hash[PING_HTABLE_SIZE] (hlist_head later); lock; }
//   sockets linked by sk_node / sk_nulls_node (same place in sock_common)

import type { Kernel } from '../kernel/kernel.js';
import type { WalkProblem } from '../kernel/walk.js';
import { readBucketsInAddressOrder } from './hashtable.js';
import { dgramReader } from './inet-dgram.js';
import type { SocketRow, SocketTable } from './socket-row.js';

export function rawSockets(k: Kernel): SocketTable {
  const rows: SocketRow[] = [];
  const problems: WalkProblem[] = [];
  const r = dgramReader(k);
  const ht = k.field('struct raw_hashinfo', 'ht');
  const { elemType, nelems } = k.btf.array(ht.typeId);
  for (const name of ['raw_v4_hashinfo', 'raw_v6_hashinfo']) {
    const h = k.trySymbol(name);
    if (h === undefined) continue; // IPv6 built as a module and not loaded
    const b = { name, first: h + ht.offsetN, count: nelems, stride: BigInt(k.btf.size(elemType)), nodeOffset: r.s.node.offsetN };
    readBucketsInAddressOrder(
      k,
      b,
      (sk) => r.row(sk, 'raw', 'raw6', { udp: false, remotePort: false }), // raw_sock_seq_show: destp = 0
      problems,
      rows,
    );
  }
  pingSockets(k, rows, problems);
  return { rows, problems };
}

function pingSockets(k: Kernel, rows: SocketRow[], problems: WalkProblem[]): void {
  const table = k.trySymbol('ping_table');
  if (table === undefined) return;
  const r = dgramReader(k);
  const hash = k.field('struct ping_table', 'hash');
  const { elemType, nelems } = k.btf.array(hash.typeId);
  const b = { name: 'ping_table', first: table + hash.offsetN, count: nelems, stride: BigInt(k.btf.size(elemType)), nodeOffset: r.s.node.offsetN };
  readBucketsInAddressOrder(
    k,
    b,
    (sk) => r.row(sk, 'icmp', 'icmp6', { udp: false, remotePort: true }), // ping_v4_format_sock
    problems,
    rows,
  );
}
