// Names of the neighbour constants, as iproute2 prints them (ip/ipneigh.c nud_state_a and
// print_neigh flags, lib/ll_types.c). These are #defines in the uapi headers, not in BTF:
// include/uapi/linux/neighbour.h (NUD_*, NTF_*), include/uapi/linux/rtnetlink.h (RTN_*),
// include/uapi/linux/if_arp.h (ARPHRD_*), include/net/neighbour.h (NTF_MANAGED).

export const NUD = {
  INCOMPLETE: 0x01,
  REACHABLE: 0x02,
  STALE: 0x04,
  DELAY: 0x08,
  PROBE: 0x10,
  FAILED: 0x20,
  NOARP: 0x40,
  PERMANENT: 0x80,
} as const;

/** include/net/neighbour.h: NUD_VALID */
export const NUD_VALID = NUD.PERMANENT | NUD.NOARP | NUD.REACHABLE | NUD.PROBE | NUD.STALE | NUD.DELAY;

/** "REACHABLE", "PERMANENT", "NONE" for 0; several bits joined by spaces as ip prints them. */
export function nudStateName(state: number): string {
  if (state === 0) return 'NONE';
  const names: string[] = [];
  for (const [name, bit] of Object.entries(NUD)) if (state & bit) names.push(name);
  const rest = state & ~0xff;
  if (rest) names.push('0x' + rest.toString(16));
  return names.join(' ');
}

// NTF_* bits of neighbour.flags / pneigh_entry.flags. NTF_MANAGED is NTF_EXT_MANAGED << 8
// (include/net/neighbour.h, 6.1+, where flags became u32).
const NTF: [number, string][] = [
  [0x01, 'use'],
  [0x02, 'self'],
  [0x04, 'master'],
  [0x08, 'proxy'],
  [0x10, 'extern_learn'],
  [0x20, 'offload'],
  [0x40, 'sticky'],
  [0x80, 'router'],
  [0x100, 'managed'],
];

export function neighFlagNames(flags: number): string[] {
  const out: string[] = [];
  let rest = flags >>> 0;
  for (const [bit, name] of NTF) {
    if (rest & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push('0x' + rest.toString(16));
  return out;
}

const RTN = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];

export function rtnTypeName(t: number): string {
  return RTN[t] ?? String(t);
}

// include/uapi/linux/if_arp.h, named as iproute2's lib/ll_types.c does
const ARPHRD = new Map<number, string>([
  [0, 'netrom'],
  [1, 'ether'],
  [2, 'eether'],
  [3, 'ax25'],
  [4, 'pronet'],
  [5, 'chaos'],
  [6, 'ieee802'],
  [7, 'arcnet'],
  [8, 'atalk'],
  [15, 'dlci'],
  [19, 'atm'],
  [23, 'metricom'],
  [24, 'ieee1394'],
  [27, 'eui64'],
  [32, 'infiniband'],
  [256, 'slip'],
  [257, 'cslip'],
  [258, 'slip6'],
  [259, 'cslip6'],
  [260, 'rsrvd'],
  [264, 'adapt'],
  [270, 'rose'],
  [271, 'x25'],
  [272, 'hwx25'],
  [280, 'can'],
  [290, 'mctp'],
  [512, 'ppp'],
  [513, 'hdlc'],
  [516, 'lapb'],
  [517, 'ddcmp'],
  [518, 'rawhdlc'],
  [519, 'rawip'],
  [768, 'ipip'],
  [769, 'tunnel6'],
  [770, 'frad'],
  [771, 'skip'],
  [772, 'loopback'],
  [773, 'ltalk'],
  [774, 'fddi'],
  [775, 'bif'],
  [776, 'sit'],
  [777, 'ip/ddp'],
  [778, 'gre'],
  [779, 'pimreg'],
  [780, 'hippi'],
  [781, 'ash'],
  [782, 'econet'],
  [783, 'irda'],
  [784, 'fcpp'],
  [785, 'fcal'],
  [786, 'fcpl'],
  [787, 'fcfb0'],
  [800, 'tr'],
  [801, 'ieee802.11'],
  [802, 'ieee802.11/prism'],
  [803, 'ieee802.11/radiotap'],
  [804, 'ieee802.15.4'],
  [805, 'ieee802.15.4/monitor'],
  [820, 'phonet'],
  [821, 'phonet_pipe'],
  [822, 'caif'],
  [823, 'gre6'],
  [824, 'netlink'],
  [825, '6lowpan'],
  [826, 'vsockmon'],
  [0xfffe, 'none'],
  [0xffff, 'void'],
]);

/** ARPHRD name of dev->type ("ether"); "0x…" for a code this table does not know. */
export function arphrdName(type: number): string {
  return ARPHRD.get(type) ?? '0x' + type.toString(16);
}
