// Every SNMP MIB group of a network namespace as /proc/net/snmp, /proc/net/netstat and
// /proc/net/snmp6 print them: names from the kernel's own tables (mib-names.ts), values
// summed over possible CPUs from `net->mib` (include/net/netns/mib.h).

import type { Kernel } from '../kernel/kernel.js';
import type { NetNs } from './netns.js';
import { unreadable, type WalkProblem } from '../kernel/walk.js';
import { readMibNames, icmpMibMap, icmp6TypeNames, ipv6Symbol, type MibName } from './mib-names.js';
import { perKernel } from '../kernel/memo.js';

export interface MibCounter {
  /** As the kernel's table or literal names it, without the group prefix ("InReceives"). */
  name: string;
  /** null: could not be read (a gap). Tcp MaxConn is signed (-1). */
  value: bigint | null;
}

export interface MibGroup {
  /** The kernel's group name: Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite, TcpExt, IpExt, MPTcpExt, Ip6 … */
  name: string;
  counters: MibCounter[];
}

export interface NetnsStatistics {
  netns: number;
  groups: MibGroup[];
  problems: WalkProblem[];
}

const M64 = 0xffffffffffffffffn;

/** Σ over possible CPUs of a per-CPU `mibs[]` array (include/net/ip.h snmp_get_cpu_field_batch). */
function foldPerCpu(k: Kernel, pcpu: bigint, n: number): bigint[] {
  const sums = new Array<bigint>(n).fill(0n);
  for (const off of k.perCpuOffsets()) {
    const b = k.mem.read((pcpu + off) & M64, n * 8);
    for (let i = 0; i < n; i++) sums[i] = (sums[i] + b.readBigUInt64LE(i * 8)) & M64;
  }
  return sums;
}

/** How many counters a MIB struct holds (`mibs[__X_MIB_MAX]` in BTF). */
function mibLen(k: Kernel, struct: string): number {
  const f = k.field(struct, 'mibs');
  return Math.floor(f.size / 8);
}

function enumValue(k: Kernel, name: string): number | undefined {
  const e = k.btf.findEnumerator(name);
  return e === undefined ? undefined : Number(e.value);
}

const signed = (v: bigint) => (v >= 1n << 63n ? v - (1n << 64n) : v);

/** The name tables are kernel data, the same for every netns: read once per kernel. */
const mibNames = perKernel(() => new Map<string, MibName[]>());

class MibReader {
  readonly groups: MibGroup[] = [];
  readonly problems: WalkProblem[] = [];

  constructor(
    private readonly k: Kernel,
    private readonly net: bigint,
  ) {}

  /** A `net->mib.X` pointer, or undefined when this kernel has no such member. */
  mibPtr(member: string): bigint | undefined {
    const f = this.k.tryField('struct net', `mib.${member}`);
    return f ? this.k.ptr(this.net, f) : undefined;
  }

  list(sym: string, struct: string): MibName[] {
    const names = mibNames(this.k);
    let l = names.get(sym);
    if (!l) names.set(sym, (l = readMibNames(this.k, sym, mibLen(this.k, struct))));
    return l;
  }

  /** One group, or a problem naming it; a group the kernel would print with zeros when its
   *  MIB is not allocated (MPTcpExt before the first MPTCP socket) gets zeros too. */
  group(name: string, build: () => MibCounter[]): void {
    try {
      this.groups.push({ name, counters: build() });
    } catch (e) {
      this.problems.push(unreadable(`${name} statistics`, this.net, e));
    }
  }

  /** Counters of a per-CPU MIB named by a kernel table. */
  perCpu(member: string, sym: string, struct: string, zeroIfNull = false, strip = ''): MibCounter[] {
    const list = this.list(sym, struct);
    const p = this.mibPtr(member);
    if (p === undefined || (p === 0n && !zeroIfNull)) throw new Error(`net->mib.${member} is ${p === undefined ? 'not in this kernel' : 'NULL'}`);
    const sums = p === 0n ? [] : foldPerCpu(this.k, p, mibLen(this.k, struct));
    return list.map((m) => ({ name: strip && m.name.startsWith(strip) ? m.name.slice(strip.length) : m.name, value: sums[m.entry] ?? 0n }));
  }
}

// net/ipv4/proc.c snmp_seq_show, netstat_seq_show; net/ipv6/proc.c snmp6_seq_show; net/mptcp/mib.c mptcp_seq_show
export function netnsStatistics(k: Kernel, ns: NetNs): NetnsStatistics {
  const r = new MibReader(k, ns.address);
  ipGroups(k, r, ns.address);
  r.group('TcpExt', () => r.perCpu('net_statistics', 'snmp4_net_list', 'struct linux_mib'));
  r.group('IpExt', () => r.perCpu('ip_statistics', 'snmp4_ipextstats_list', 'struct ipstats_mib'));
  // CONFIG_MPTCP is bool: its table is vmlinux's or absent. BTF asked first: a missed name costs a
  // read of every kallsyms name (and, through trySymbol, a decode of every module's symbols).
  if (k.has('struct net', 'mib.mptcp_statistics') && k.vmlinuxSymbol('mptcp_snmp_list') !== undefined)
    r.group('MPTcpExt', () => r.perCpu('mptcp_statistics', 'mptcp_snmp_list', 'struct mptcp_mib', true));
  ip6Groups(k, r);
  return { netns: ns.inode, groups: r.groups, problems: r.problems };
}

/** /proc/net/snmp: Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite. */
function ipGroups(k: Kernel, r: MibReader, net: bigint): void {
  r.group('Ip', () => {
    // IPV4_DEVCONF_ALL(net, FORWARDING): devconf_all->data[IPV4_DEVCONF_FORWARDING - 1]
    const dc = k.ptr(net, k.field('struct net', 'ipv4.devconf_all'));
    const fwdIdx = (enumValue(k, 'IPV4_DEVCONF_FORWARDING') ?? 1) - 1;
    const fwd = k.mem.s32(dc + k.off('struct ipv4_devconf', 'data') + BigInt(fwdIdx * 4));
    const ttl = k.num(net, k.field('struct net', 'ipv4.sysctl_ip_default_ttl'));
    return [
      { name: 'Forwarding', value: fwd ? 1n : 2n },
      { name: 'DefaultTTL', value: BigInt(ttl) },
      ...r.perCpu('ip_statistics', 'snmp4_ipstats_list', 'struct ipstats_mib'),
    ];
  });
  const msgPtr = () => {
    const p = r.mibPtr('icmpmsg_statistics');
    if (!p) throw new Error('net->mib.icmpmsg_statistics is NULL');
    return k.mem.read(p, mibLen(k, 'struct icmpmsg_mib') * 8);
  };
  r.group('Icmp', () => {
    // icmp_put: literal names around the icmpmibmap-named message counters
    const p = r.mibPtr('icmp_statistics');
    if (!p) throw new Error('net->mib.icmp_statistics is NULL');
    const sums = foldPerCpu(k, p, mibLen(k, 'struct icmp_mib'));
    const msgs = msgPtr();
    const lit = (name: string, e: string): MibCounter[] => {
      const i = enumValue(k, e);
      return i === undefined ? [] : [{ name, value: sums[i] }];
    };
    const map = icmpMibMap(k);
    return [
      ...lit('InMsgs', 'ICMP_MIB_INMSGS'), ...lit('InErrors', 'ICMP_MIB_INERRORS'), ...lit('InCsumErrors', 'ICMP_MIB_CSUMERRORS'),
      ...map.map((m) => ({ name: 'In' + m.name, value: msgs.readBigUInt64LE(m.entry * 8) })),
      ...lit('OutMsgs', 'ICMP_MIB_OUTMSGS'), ...lit('OutErrors', 'ICMP_MIB_OUTERRORS'),
      ...lit('OutRateLimitGlobal', 'ICMP_MIB_RATELIMITGLOBAL'), ...lit('OutRateLimitHost', 'ICMP_MIB_RATELIMITHOST'),
      ...map.map((m) => ({ name: 'Out' + m.name, value: msgs.readBigUInt64LE((m.entry | 0x100) * 8) })),
    ];
  });
  r.group('IcmpMsg', () => {
    // icmpmsg_put: only the non-zero types, InTypeN / OutTypeN
    const msgs = msgPtr();
    const out: MibCounter[] = [];
    for (let i = 0; i < msgs.length / 8; i++) {
      const v = msgs.readBigUInt64LE(i * 8);
      if (v) out.push({ name: `${i & 0x100 ? 'Out' : 'In'}Type${i & 0xff}`, value: v });
    }
    return out;
  });
  r.group('Tcp', () => {
    const maxConn = enumValue(k, 'TCP_MIB_MAXCONN');
    const list = r.list('snmp4_tcp_list', 'struct tcp_mib');
    const c = r.perCpu('tcp_statistics', 'snmp4_tcp_list', 'struct tcp_mib');
    // "MaxConn field is signed, RFC 2012"
    return c.map((x, i) => (list[i].entry === maxConn && x.value !== null ? { ...x, value: signed(x.value) } : x));
  });
  r.group('Udp', () => r.perCpu('udp_statistics', 'snmp4_udp_list', 'struct udp_mib'));
  if (k.has('struct net', 'mib.udplite_statistics')) r.group('UdpLite', () => r.perCpu('udplite_statistics', 'snmp4_udp_list', 'struct udp_mib'));
}

/** /proc/net/snmp6: Ip6, Icmp6 (+ named and numbered ICMPv6 types), Udp6, UdpLite6. */
function ip6Groups(k: Kernel, r: MibReader): void {
  if (!k.has('struct net', 'mib.ipv6_statistics')) return;
  r.group('Ip6', () => r.perCpu('ipv6_statistics', 'snmp6_ipstats_list', 'struct ipstats_mib', false, 'Ip6'));
  r.group('Icmp6', () => {
    const c = r.perCpu('icmpv6_statistics', 'snmp6_icmp6_list', 'struct icmpv6_mib', false, 'Icmp6');
    const p = r.mibPtr('icmpv6msg_statistics');
    if (!p) throw new Error('net->mib.icmpv6msg_statistics is NULL');
    const n = mibLen(k, 'struct icmpv6msg_mib');
    const msgs = k.mem.read(p, n * 8);
    // snmp6_seq_show_icmpv6msg: by name for every i whose type has one, then non-zero by number
    const names = new Map(icmp6TypeNames(k));
    for (let i = 0; i < n; i++) {
      const nm = names.get(i & 0xff);
      if (nm) c.push({ name: `${i & 0x100 ? 'Out' : 'In'}${nm}`, value: msgs.readBigUInt64LE(i * 8) });
    }
    for (let i = 0; i < n; i++) {
      const v = msgs.readBigUInt64LE(i * 8);
      if (v) c.push({ name: `${i & 0x100 ? 'Out' : 'In'}Type${i & 0xff}`, value: v });
    }
    return c;
  });
  r.group('Udp6', () => r.perCpu('udp_stats_in6', 'snmp6_udp6_list', 'struct udp_mib', false, 'Udp6'));
  if (k.has('struct net', 'mib.udplite_stats_in6') && ipv6Symbol(k, 'snmp6_udplite6_list') !== undefined)
    r.group('UdpLite6', () => r.perCpu('udplite_stats_in6', 'snmp6_udplite6_list', 'struct udp_mib', false, 'UdpLite6'));
}
