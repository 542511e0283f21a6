// Names the kernel's routing numbers have in iproute2 and net-tools: route types (RTN_*),
// scopes (RT_SCOPE_*), protocols (RTPROT_*), reserved table ids and route flags.
// Sources: include/uapi/linux/rtnetlink.h, include/uapi/linux/route.h, include/uapi/linux/ipv6_route.h,
// iproute2 lib/rt_names.c (rtnl_rtprot_tab, rtnl_rtscope_tab, rtnl_rttable_tab).

// include/uapi/linux/rtnetlink.h: enum { RTN_UNSPEC, RTN_UNICAST, ... }
const RTN = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;

export function routeTypeName(t: number): string {
  return RTN[t] ?? String(t);
}

// enum rt_scope_t; iproute2 prints RT_SCOPE_UNIVERSE as "global".
export function scopeName(s: number): string {
  switch (s) {
    case 0: return 'global';
    case 200: return 'site';
    case 253: return 'link';
    case 254: return 'host';
    case 255: return 'nowhere';
    default: return String(s);
  }
}

// RTPROT_* (rtnetlink.h) as iproute2's rtnl_rtprot_tab names them.
const RTPROT: Record<number, string> = {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra',
  12: 'bird', 13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 17: 'mrouted', 18: 'keepalived', 42: 'babel',
  99: 'openr', 186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp',
};
export function protocolName(p: number): string {
  return RTPROT[p] ?? String(p);
}

// enum rt_class_t: RT_TABLE_DEFAULT 253, RT_TABLE_MAIN 254, RT_TABLE_LOCAL 255.
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;
export function tableName(id: number): 'main' | 'local' | 'default' | number {
  return id === 254 ? 'main' : id === 255 ? 'local' : id === 253 ? 'default' : id;
}

// include/uapi/linux/route.h and ipv6_route.h: RTF_* bits as /proc/net/route and ipv6_route print them.
export const RTF = {
  UP: 0x0001, GATEWAY: 0x0002, HOST: 0x0004, REINSTATE: 0x0008, DYNAMIC: 0x0010, MODIFIED: 0x0020,
  REJECT: 0x0200, DEFAULT: 0x10000, ALLONLINK: 0x20000, ADDRCONF: 0x40000, PREFIX_RT: 0x80000,
  NONEXTHOP: 0x200000, EXPIRES: 0x400000, CACHE: 0x1000000, LOCAL: 0x80000000,
} as const;

/** The Flags column of net-tools `route -n` (lib/inet_gr.c): U G, '!' replaces them for reject
 *  routes, then H R D M. */
export function routeFlagLetters(f: number): string {
  let s = '';
  if (f & RTF.UP) s += 'U';
  if (f & RTF.GATEWAY) s += 'G';
  if (f & RTF.REJECT) s = '!';
  if (f & RTF.HOST) s += 'H';
  if (f & RTF.REINSTATE) s += 'R';
  if (f & RTF.DYNAMIC) s += 'D';
  if (f & RTF.MODIFIED) s += 'M';
  return s;
}

// include/uapi/linux/rtnetlink.h: RTNH_F_* (nexthop flags, fib_nh_common.nhc_flags), as iproute2 prints them.
const RTNH_F: [number, string][] = [
  [1, 'dead'], [2, 'pervasive'], [4, 'onlink'], [8, 'offload'], [16, 'linkdown'], [32, 'unresolved'], [64, 'trap'],
];
export function nexthopFlagNames(f: number): string[] {
  return RTNH_F.filter(([bit]) => f & bit).map(([, n]) => n);
}

/** A netmask for a prefix length, dotted. */
export function ipv4Mask(prefixLen: number): string {
  const m = prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
  return `${m >>> 24}.${(m >>> 16) & 0xff}.${(m >>> 8) & 0xff}.${m & 0xff}`;
}

/** A host-order IPv4 key (fib_trie's t_key) as dotted text. */
export function ipv4FromHost(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}
