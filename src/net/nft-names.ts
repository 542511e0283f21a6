// Names nftables prints for the kernel's numbers: families, hooks, standard priorities, meta
// and ct keys, the datatypes a set's key type carries, protocol and ICMP names. Values are
// uapi (include/uapi/linux/netfilter/nf_tables.h, netfilter.h) and nftables' own tables
// (src/datatype.h enum datatypes, src/rule.c std_prios, src/proto.c, src/meta.c, src/ct.c):
// all stable ABI, so kept here rather than read from BTF (5.10 has no module BTF at all).

/** NFPROTO_* → the family word nft prints. */
export const NFT_FAMILY: Record<number, string> = { 1: 'inet', 2: 'ip', 3: 'arp', 5: 'netdev', 7: 'bridge', 10: 'ip6' };

/** Hook names per family (NF_INET_*, NF_ARP_*, NF_NETDEV_*). */
export function hookName(family: string, hook: number): string {
  if (family === 'netdev') return ['ingress', 'egress'][hook] ?? String(hook);
  if (family === 'arp') return ['input', 'output', 'forward'][hook] ?? String(hook);
  return ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'][hook] ?? String(hook);
}

// nftables src/rule.c prio2str: the first standard priority within 10 of the chain's names it
// ("filter", "filter + 10", "mangle - 5") if that name fits the family and hook
// (std_prio_family_hook_compat); else, or when it does not fit, the number. The fixtures' nft
// (1.0.6 to 1.1.x) prints dstnat for prerouting only and srcnat for postrouting only
// ("type nat hook output priority -100").
const STD_PRIOS: [number, string][] = [[-300, 'raw'], [-150, 'mangle'], [-100, 'dstnat'], [0, 'filter'], [50, 'security'], [100, 'srcnat']];
const BRIDGE_PRIOS: [number, string][] = [[-300, 'dstnat'], [-200, 'filter'], [100, 'out'], [300, 'srcnat']];
const REACH = 10;

function stdPrioFits(name: string, family: string, hook: string): boolean {
  if (family === 'bridge') {
    return name === 'filter' || (name === 'dstnat' && hook === 'prerouting') || (name === 'out' && hook === 'output') || (name === 'srcnat' && hook === 'postrouting');
  }
  const ipLike = family === 'ip' || family === 'ip6' || family === 'inet';
  if (name === 'filter') return ipLike || family === 'arp' || family === 'netdev';
  if (name === 'dstnat') return ipLike && hook === 'prerouting';
  if (name === 'srcnat') return ipLike && hook === 'postrouting';
  return ipLike; // raw, mangle, security
}

export function priorityName(family: string, hook: string, prio: number): string {
  for (const [std, name] of family === 'bridge' ? BRIDGE_PRIOS : STD_PRIOS) {
    const off = prio - std;
    if (Math.abs(off) > REACH) continue;
    if (!stdPrioFits(name, family, hook)) break;
    return off > 0 ? `${name} + ${off}` : off < 0 ? `${name} - ${-off}` : name;
  }
  return String(prio);
}

/** enum nft_meta_keys → nft's word ("iifname" unqualified, others as "meta KEY"). */
const META_KEYS = ['len', 'protocol', 'priority', 'mark', 'iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype', 'skuid', 'skgid',
  'nftrace', 'rtclassid', 'secmark', 'nfproto', 'l4proto', 'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup',
  'random', 'secpath', 'iifkind', 'oifkind', 'ibrpvid', 'ibrvproto', 'time', 'day', 'hour', 'sdif', 'sdifname', 'broute'];
const UNQUALIFIED = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);
export const META = { PROTOCOL: 1, MARK: 3, IIFNAME: 6, OIFNAME: 7, NFPROTO: 15, L4PROTO: 16 };
export function metaKeyText(key: number): string {
  const n = META_KEYS[key] ?? `key${key}`;
  return UNQUALIFIED.has(n) ? n : `meta ${n}`;
}
export function metaKeyName(key: number): string {
  return META_KEYS[key] ?? `key${key}`;
}

/** enum nft_ct_keys */
const CT_KEYS = ['state', 'direction', 'status', 'mark', 'secmark', 'expiration', 'helper', 'l3proto', 'saddr', 'daddr', 'protocol',
  'proto-src', 'proto-dst', 'label', 'packets', 'bytes', 'avgpkt', 'zone', 'event', 'ip saddr', 'ip daddr', 'ip6 saddr', 'ip6 daddr', 'id'];
export const CT = { STATE: 0, STATUS: 2, MARK: 3 };
export function ctKeyName(key: number): string {
  return CT_KEYS[key] ?? `key${key}`;
}

// nftables src/ct.c ct_state_tbl / ct_status_tbl (print order = table order)
export const CT_STATE_BITS: [number, string][] = [[1, 'invalid'], [2, 'established'], [4, 'related'], [8, 'new'], [64, 'untracked']];
export const CT_STATUS_BITS: [number, string][] = [[1, 'expected'], [2, 'seen-reply'], [4, 'assured'], [8, 'confirmed'], [16, 'snat'],
  [32, 'dnat'], [512, 'dying']];

/** /etc/protocols names nft prints for `meta l4proto`, `ip protocol`, `ip6 nexthdr`. */
export const PROTO_NAMES: Record<number, string> = { 0: 'ip', 1: 'icmp', 2: 'igmp', 4: 'ipencap', 6: 'tcp', 17: 'udp', 33: 'dccp', 41: 'ipv6',
  47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp', 136: 'udplite' };

export const ICMP_TYPES: Record<number, string> = { 0: 'echo-reply', 3: 'destination-unreachable', 4: 'source-quench', 5: 'redirect',
  8: 'echo-request', 9: 'router-advertisement', 10: 'router-solicitation', 11: 'time-exceeded', 12: 'parameter-problem',
  13: 'timestamp-request', 14: 'timestamp-reply', 15: 'info-request', 16: 'info-reply', 17: 'address-mask-request', 18: 'address-mask-reply' };
export const ICMP6_TYPES: Record<number, string> = { 1: 'destination-unreachable', 2: 'packet-too-big', 3: 'time-exceeded', 4: 'parameter-problem',
  128: 'echo-request', 129: 'echo-reply', 130: 'mld-listener-query', 131: 'mld-listener-report', 132: 'mld-listener-done',
  133: 'nd-router-solicit', 134: 'nd-router-advert', 135: 'nd-neighbor-solicit', 136: 'nd-neighbor-advert', 137: 'nd-redirect' };
export const ETHERTYPES: Record<number, string> = { 0x0800: 'ip', 0x86dd: 'ip6', 0x0806: 'arp', 0x8100: '8021q', 0x88a8: '8021ad' };

// nftables src/datatype.h enum datatypes (a set's ktype; concatenations are TYPE_BITS=6 apart)
const DATATYPES: Record<number, string> = { 1: 'verdict', 2: 'nf_proto', 3: 'bitmask', 4: 'integer', 5: 'string', 6: 'll_addr', 7: 'ipv4_addr',
  8: 'ipv6_addr', 9: 'ether_addr', 10: 'ether_type', 11: 'arp_op', 12: 'inet_proto', 13: 'inet_service', 14: 'icmp_type',
  15: 'tcp_flag', 16: 'dccp_pkttype', 17: 'mh_type', 18: 'time', 19: 'mark', 20: 'iface_index', 21: 'iface_type', 22: 'realm',
  23: 'classid', 24: 'uid', 25: 'gid', 26: 'ct_state', 27: 'ct_dir', 28: 'ct_status', 29: 'icmpv6_type', 30: 'ct_label',
  31: 'pkt_type', 32: 'icmp_code', 33: 'icmpv6_code', 34: 'icmpx_code', 35: 'devgroup', 36: 'dscp', 37: 'ecn', 38: 'fib_addrtype',
  39: 'boolean', 40: 'ct_event', 41: 'ifname', 42: 'igmp_type', 43: 'day', 44: 'hour', 45: 'cgroupsv2' };

/** The datatype ids of a (possibly concatenated) key type, first field first. */
export function datatypeIds(ktype: number): number[] {
  const ids: number[] = [];
  for (let t = ktype >>> 0; t > 0 && ids.length < 16; t = Math.floor(t / 64)) ids.unshift(t % 64);
  return ids;
}

export function datatypeName(ktype: number): string {
  const ids = datatypeIds(ktype);
  if (!ids.length) return 'invalid';
  return ids.map((t) => DATATYPES[t] ?? `type${t}`).join(' . ');
}

export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];

/** NF_DROP/NF_ACCEPT/... and NFT_CONTINUE..NFT_RETURN as nft prints them. */
export function verdictWord(code: number): string {
  switch (code) {
    case 0: return 'drop';
    case 1: return 'accept';
    case 2: return 'stolen';
    case 3: return 'queue';
    case 4: return 'repeat';
    case -1: return 'continue';
    case -2: return 'break';
    case -3: return 'jump';
    case -4: return 'goto';
    case -5: return 'return';
    default: return `verdict ${code}`;
  }
}
