// What a sock really is: its protocol as the kernel names it (struct proto.name, which
// /proc/net/protocols lists: TCP, TCPv6, UDP, PING, PINGv6, RAW, RAWv6, UNIX, PACKET, …) and the
// C struct it was allocated as. net/core/sock.c: sk_prot_alloc allocates sk->sk_prot->obj_size
// bytes, the sizeof of that struct (net/ipv4/ping.c ping_prot: struct inet_sock;
// net/ipv6/ping.c pingv6_prot and net/ipv6/raw.c rawv6_prot: struct raw6_sock), so a struct
// is named only when its BTF size equals the proto's obj_size.
//   struct sock { struct sock_common __sk_common { struct proto *skc_prot; } }
//   struct proto { char name[32]; unsigned int obj_size; }

import type { Kernel } from '../kernel/kernel.js';
import { perKernel } from '../kernel/memo.js';
import { GAP } from '../kernel/walk.js';

export interface SockProto {
  /** struct proto.name ("PINGv6"), '?' when unreadable. */
  name: string;
  /** "struct raw6_sock"; undefined when no known struct has the proto's obj_size. */
  struct?: string;
  objSize?: number;
}

/** The structs each proto allocates (include/net/*.h, include/linux/*.h), by proto name. */
const STRUCT_BY_PROTO: Record<string, string> = {
  TCP: 'tcp_sock',
  TCPv6: 'tcp6_sock',
  UDP: 'udp_sock',
  UDPv6: 'udp6_sock',
  'UDP-Lite': 'udp_sock',
  UDPLITEv6: 'udp6_sock',
  RAW: 'raw_sock',
  RAWv6: 'raw6_sock',
  PING: 'inet_sock',
  PINGv6: 'raw6_sock',
  UNIX: 'unix_sock',
  'UNIX-STREAM': 'unix_sock',
  PACKET: 'packet_sock',
  NETLINK: 'netlink_sock',
  MPTCP: 'mptcp_sock',
  SCTP: 'sctp_sock',
  SCTPv6: 'sctp6_sock',
  L2TP_IP: 'l2tp_ip_sock',
  L2TP_IP6: 'l2tp_ip6_sock',
};

const protoCache = perKernel(() => new Map<bigint, SockProto>());

/** sk->sk_prot's name and the struct the sock is (cached per struct proto). */
export function sockProto(k: Kernel, sk: bigint): SockProto {
  const protoF = k.tryField('struct sock', '__sk_common.skc_prot');
  if (!protoF) return { name: GAP };
  const byProto = protoCache(k);
  let proto: bigint;
  try {
    proto = k.ptr(sk, protoF);
  } catch {
    return { name: GAP };
  }
  let p = byProto.get(proto);
  if (!p) {
    p = readProto(k, proto);
    byProto.set(proto, p);
  }
  return p;
}

function readProto(k: Kernel, proto: bigint): SockProto {
  const P = 'struct proto';
  let name = GAP;
  let objSize: number | undefined;
  try {
    name = k.str(proto, k.field(P, 'name'));
    objSize = k.num(proto, k.field(P, 'obj_size'));
  } catch {
    return { name };
  }
  const candidate = STRUCT_BY_PROTO[name];
  const spec = candidate ? `struct ${candidate}` : undefined;
  const struct = spec && k.has(spec) && k.sizeof(spec) === objSize ? spec : undefined;
  return { name, struct, objSize };
}
