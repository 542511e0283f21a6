// Names `ip`, `ifconfig` and the kernel give to interface numbers: ARPHRD_* link types
// (include/uapi/linux/if_arp.h, iproute2 lib/ll_types.c), IFF_* flags in the order iproute2's
// print_link_flags prints them (ip/ipaddress.c), IF_OPER_* (include/uapi/linux/if.h),
// address flags IFA_F_* (include/uapi/linux/if_addr.h) and scopes (rt_scope, ipv6 IFA_*).
// These are UAPI numbers, fixed for good; the kernel-internal ones (IFF_* priv flags,
// __LINK_STATE_*, NETIF_F_*_BIT) are decoded from the dump's BTF enums instead.

/** iproute2 ll_types.c: ARPHRD_* → the name after `link/`. */
const ARPHRD: Record<number, string> = {
  0: 'netrom', 1: 'ether', 2: 'eether', 3: 'ax25', 4: 'pronet', 5: 'chaos', 6: 'ieee802', 7: 'arcnet',
  8: 'atalk', 15: 'dlci', 19: 'atm', 23: 'metricom', 24: 'ieee1394', 27: 'eui64', 32: 'infiniband',
  256: 'slip', 257: 'cslip', 258: 'slip6', 259: 'cslip6', 260: 'rsrvd', 264: 'adapt', 270: 'rose',
  271: 'x25', 272: 'hwx25', 280: 'can', 512: 'ppp', 513: 'hdlc', 516: 'lapb', 517: 'ddcmp',
  518: 'rawhdlc', 519: 'rawip', 768: 'ipip', 769: 'tunnel6', 770: 'frad', 771: 'skip',
  772: 'loopback', 773: 'localtlk', 774: 'fddi', 775: 'bif', 776: 'sit', 777: 'ip/ddp',
  778: 'gre', 779: 'pimreg', 780: 'hippi', 781: 'ash', 782: 'econet', 783: 'irda', 784: 'fcpp',
  785: 'fcal', 786: 'fcpl', 787: 'fcfb0', 800: 'tr', 801: 'tr+rif', 802: 'ieee802.11',
  803: 'ieee802.11/prism', 804: 'ieee802.11/radiotap', 805: 'ieee802.15.4',
  806: 'ieee802.15.4/monitor', 820: 'phonet', 821: 'phonet_pipe', 822: 'caif', 823: 'gre6',
  824: 'netlink', 825: '6lowpan', 826: 'vsockmon', 0xfffe: 'none', 0xffff: 'void',
};

export function arphrdName(type: number): string {
  return ARPHRD[type] ?? `[${type}]`;
}

export const IFF = {
  UP: 0x1, BROADCAST: 0x2, DEBUG: 0x4, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOTRAILERS: 0x20,
  RUNNING: 0x40, NOARP: 0x80, PROMISC: 0x100, ALLMULTI: 0x200, MASTER: 0x400, SLAVE: 0x800,
  MULTICAST: 0x1000, PORTSEL: 0x2000, AUTOMEDIA: 0x4000, DYNAMIC: 0x8000, LOWER_UP: 0x10000,
  DORMANT: 0x20000, ECHO: 0x40000,
} as const;

/** iproute2 ip/ipaddress.c print_link_flags: NO-CARRIER first, RUNNING never, this order,
 *  leftover bits in hex, M-DOWN last (the link device is down). */
const IP_FLAG_ORDER = [
  'LOOPBACK', 'BROADCAST', 'POINTOPOINT', 'MULTICAST', 'NOARP', 'ALLMULTI', 'PROMISC',
  'NOTRAILERS', 'DEBUG', 'DYNAMIC', 'AUTOMEDIA', 'PORTSEL', 'SLAVE', 'MASTER', 'UP', 'LOWER_UP',
  'DORMANT', 'ECHO',
] as const;

export function ipLinkFlagNames(flags: number, mDown = false): string[] {
  const out: string[] = [];
  if (flags & IFF.UP && !(flags & IFF.RUNNING)) out.push('NO-CARRIER');
  let rest = flags & ~IFF.RUNNING;
  for (const n of IP_FLAG_ORDER) {
    const bit = IFF[n];
    if (rest & bit) {
      out.push(n);
      rest &= ~bit;
    }
  }
  if (rest) out.push(rest.toString(16));
  if (mDown) out.push('M-DOWN');
  return out;
}

/** The seed's `flags=<IFF_UP|IFF_BROADCAST|...>`: every set bit by its kernel name, low bit first. */
export function iffNames(flags: number): string[] {
  const out: string[] = [];
  for (const [n, bit] of Object.entries(IFF)) if (flags & bit) out.push('IFF_' + n);
  return out;
}

const OPERSTATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
export const IF_OPER_UP = 6;
export const IF_OPER_UNKNOWN = 0;

export function operstateName(v: number): string {
  return OPERSTATES[v] ?? String(v);
}

/** rtnetlink scopes (include/uapi/linux/rtnetlink.h rt_scope_t), as `ip` names them. */
export function rtScopeName(scope: number): string {
  switch (scope) {
    case 0: return 'global';
    case 200: return 'site';
    case 253: return 'link';
    case 254: return 'host';
    case 255: return 'nowhere';
    default: return String(scope);
  }
}

/** IPv6 address scope as kept in inet6_ifaddr.scope (IPV6_ADDR_SCOPE_TYPE: include/net/ipv6.h,
 *  IFA_HOST 0x10, IFA_LINK 0x20, IFA_SITE 0x40) → the rtnetlink scope inet6_fill_ifaddr reports. */
export function ipv6RtScope(scope: number): number {
  if (scope & 0x10) return 254;
  if (scope & 0x20) return 253;
  if (scope & 0x40) return 200;
  return 0;
}

/** IFA_F_* (include/uapi/linux/if_addr.h) in the order iproute2 prints them; 0x01 is
 *  "secondary" for IPv4 and "temporary" for IPv6. PERMANENT is shown by its absence
 *  ("dynamic"), as iproute2 does. */
const IFA_FLAGS: [number, string, string][] = [
  [0x01, 'secondary', 'temporary'],
  [0x02, 'nodad', 'nodad'],
  [0x04, 'optimistic', 'optimistic'],
  [0x08, 'dadfailed', 'dadfailed'],
  [0x10, 'home', 'home'],
  [0x20, 'deprecated', 'deprecated'],
  [0x40, 'tentative', 'tentative'],
  [0x100, 'mngtmpaddr', 'mngtmpaddr'],
  [0x200, 'noprefixroute', 'noprefixroute'],
  [0x400, 'autojoin', 'autojoin'],
  [0x800, 'stable-privacy', 'stable-privacy'],
];
export const IFA_F_SECONDARY = 0x01;
export const IFA_F_PERMANENT = 0x80;

export function ifaFlagNames(flags: number, family: 'inet' | 'inet6'): string[] {
  const out: string[] = [];
  for (const [bit, v4, v6] of IFA_FLAGS) if (flags & bit) out.push(family === 'inet' ? v4 : v6);
  if (!(flags & IFA_F_PERMANENT)) out.push('dynamic');
  return out;
}

/** Bridge port states (include/uapi/linux/if_bridge.h BR_STATE_*). */
export function bridgePortStateName(v: number): string {
  return ['disabled', 'listening', 'learning', 'forwarding', 'blocking'][v] ?? String(v);
}

/** "aa:bb:cc:..." of `len` bytes. */
export function hwAddress(b: Buffer | Uint8Array, len: number): string {
  const parts: string[] = [];
  for (let i = 0; i < len && i < b.length; i++) parts.push(b[i].toString(16).padStart(2, '0'));
  return parts.join(':');
}
