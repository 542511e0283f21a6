// The device a socket is bound to: sock_common.skc_bound_dev_if (SO_BINDTODEVICE, IPv6
// link-local binds, VRF), as `ss` prints "%dev"; AF_PACKET sockets name theirs in
// packet_sock.ifindex (the packet walker's extra.ifindex). include/net/sock.h sk_bound_dev_if.

import type { Kernel } from '../kernel/kernel.js';
import type { SocketRow } from './socket-row.js';

/** ifindex each socket is bound to (0: none), for the rows given; unreadable ones are left out. */
export function boundDevices(k: Kernel, rows: readonly SocketRow[]): Map<bigint, number> {
  const out = new Map<bigint, number>();
  const f = k.field('struct sock_common', 'skc_bound_dev_if');
  for (const r of rows) {
    if (r.proto === 'packet') {
      out.set(r.sock, Number(r.extra?.ifindex ?? 0));
      continue;
    }
    if (r.proto === 'unix' || r.proto === 'netlink') continue;
    try {
      out.set(r.sock, k.num(r.sock, f)); // sock, timewait and request socks all start with sock_common
    } catch {
      // an unreadable socket is reported by its own table
    }
  }
  return out;
}
