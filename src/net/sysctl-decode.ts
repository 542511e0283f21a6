// A sysctl's value as /proc/sys prints it, decided by its proc_handler symbol: the generic
// kernel/sysctl.c handlers (vectors joined by TAB), the jiffies conversions, and the
// networking handlers that compute their value (net/ipv4/sysctl_net_ipv4.c,
// net/core/neighbour.c, net/core/sysctl_net_core.c). A handler we do not know gives its
// raw bytes marked with its name — never a guess.

import type { Kernel } from '../kernel/kernel.js';
import { listEntries, describe } from '../kernel/walk.js';
import { nextSymbolAddress } from './mib-names.js';
import { perKernel } from '../kernel/memo.js';

export interface SysctlEntry {
  name: string;
  /** Address of the struct ctl_table entry. */
  entry: bigint;
  /** The entry as the walk read it (else read here). */
  ctl?: Ctl;
  /** The struct net whose set holds it (init_net for the global set). */
  net: bigint;
}

export type SysctlValue =
  | { kind: 'value'; text: string }
  /** Mode without read permission: /proc/sys cannot print it either. */
  | { kind: 'write-only' }
  /** A handler we do not decode: its data bytes, as hex. */
  | { kind: 'raw'; hex: string }
  | { kind: 'gap'; detail: string }
  /** The handler refuses to print (stable_secret not set: EIO); sysctl -a skips it. */
  | { kind: 'error'; errno: string };

type Dec = 'int' | 'uint' | 'u8' | 'bool' | 'ulong' | 'long' | 'jiffies' | 'userhz' | 'ms' | 'ulong_ms' | 'string';

const GENERIC: Record<string, Dec> = {
  proc_dointvec: 'int', proc_dointvec_minmax: 'int', proc_douintvec: 'uint', proc_douintvec_minmax: 'uint',
  proc_dou8vec_minmax: 'u8', proc_dobool: 'bool', proc_doulongvec_minmax: 'ulong', proc_dostring: 'string',
  proc_dointvec_jiffies: 'jiffies', proc_dointvec_userhz_jiffies: 'userhz', proc_dointvec_ms_jiffies: 'ms',
  proc_dointvec_ms_jiffies_minmax: 'ms', proc_doulongvec_ms_jiffies_minmax: 'ulong_ms',
  // handlers that print through proc_dointvec* on their data (read path only)
  devinet_conf_proc: 'int', ipv4_doint_and_flush: 'int', proc_do_dev_weight: 'int', neigh_proc_dointvec: 'int',
  addrconf_sysctl_forward: 'int', addrconf_sysctl_mtu: 'int', addrconf_sysctl_disable: 'int', addrconf_sysctl_proxy_ndp: 'int',
  addrconf_sysctl_ignore_routes_with_linkdown: 'int', addrconf_sysctl_disable_policy: 'int', addrconf_sysctl_addr_gen_mode: 'int',
  proc_dointvec_minmax_bpf_restricted: 'int', proc_dointvec_minmax_bpf_enable: 'int', proc_dolongvec_minmax_bpf_restricted: 'long',
  proc_tfo_blackhole_detect_timeout: 'int', ipv4_privileged_ports: 'int', flow_limit_table_len_sysctl: 'int',
  nf_conntrack_hash_sysctl: 'int', proc_dointvec_minmax_warn_rst: 'int',
  proc_fib_multipath_hash_policy: 'u8', proc_rt6_multipath_hash_policy: 'u8', proc_tcp_early_demux: 'u8', proc_udp_early_demux: 'u8',
  ipv4_fwd_update_priority: 'u8', proc_fib_multipath_hash_fields: 'uint', proc_rt6_multipath_hash_fields: 'uint',
  neigh_proc_dointvec_jiffies: 'jiffies', neigh_proc_dointvec_userhz_jiffies: 'userhz', neigh_proc_dointvec_ms_jiffies: 'ms',
  proc_dointvec_minmax_coredump: 'int', devinet_sysctl_forward: 'int', neigh_proc_dointvec_zero_intmax: 'int',
  neigh_proc_dointvec_ms_jiffies_positive: 'ms', proc_scheduler: 'string', proc_path_manager: 'string', proc_pm_type: 'u8',
  nf_conntrack_log_invalid_sysctl: 'u8', proc_blackhole_detect_timeout: 'int', addrconf_sysctl_force_forwarding: 'int',
  proc_do_skb_defer_max: 'int',
};

const WIDTH: Record<Dec, number> = { int: 4, uint: 4, u8: 1, bool: 4, ulong: 8, long: 8, jiffies: 4, userhz: 4, ms: 4, ulong_ms: 8, string: 1 };

/** The members of one struct ctl_table entry that a value depends on. */
export interface Ctl {
  procname: string;
  data: bigint;
  maxlen: number;
  mode: number;
  handler: bigint;
}

const T = 'struct ctl_table';
/** ctl_table's layout, resolved once per kernel: every entry is read through one view of it. */
const ctlLayout = perKernel((k: Kernel) => {
  const f = { procname: k.field(T, 'procname'), data: k.field(T, 'data'), maxlen: k.field(T, 'maxlen'), mode: k.field(T, 'mode'), handler: k.field(T, 'proc_handler') };
  // Only the bytes these members span (not extra1/extra2 after them): the same pages as reading each.
  return { ...f, span: Math.max(...Object.values(f).map((x) => x.offset + x.size)) };
});

/** One ctl_table entry: its members from one view, the procname string it points to. */
export function readCtl(k: Kernel, e: bigint, names?: Map<bigint, string>): Ctl {
  const L = ctlLayout(k);
  const v = k.view(e, L.span);
  const p = v.ptr(L.procname);
  // the members before the name, which is on another page
  const ctl = { procname: '', data: v.ptr(L.data), maxlen: v.num(L.maxlen), mode: v.num(L.mode), handler: v.ptr(L.handler) };
  let procname = names?.get(p);
  if (procname === undefined) {
    procname = k.mem.cstring(p, 256);
    names?.set(p, procname);
  }
  ctl.procname = procname;
  return ctl;
}

/** The handler's symbol name ("proc_dointvec"), or its address in hex. */
const handlerNames = perKernel(() => new Map<bigint, string>());
function handlerName(k: Kernel, addr: bigint): string {
  if (addr === 0n) return '';
  const m = handlerNames(k);
  let s = m.get(addr);
  if (s === undefined) m.set(addr, (s = k.symbolize(addr).replace(/\s*\[.*\]$/, '')));
  return s;
}

const num = (v: number | bigint) => String(v);

function vector(k: Kernel, c: Ctl, d: Dec, hz: number): string {
  d = d === 'u8' && c.maxlen === 4 ? 'int' : d;
  // proc_dobool: int ≤6.1, bool from 6.12; the u8 handlers' fields were ints in early 5.10.y (T1)
  const w = d === 'bool' && c.maxlen === 1 ? 1 : WIDTH[d];
  const n = Math.max(1, Math.floor(c.maxlen / w));
  const b = k.mem.read(c.data, n * w);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * w;
    switch (d) {
      case 'int': out.push(num(b.readInt32LE(o))); break;
      case 'uint': out.push(num(b.readUInt32LE(o))); break;
      case 'u8': out.push(num(b[o])); break;
      case 'bool': out.push(w === 1 ? (b[o] ? '1' : '0') : b.readInt32LE(o) ? '1' : '0'); break;
      case 'ulong': out.push(num(b.readBigUInt64LE(o))); break;
      case 'long': out.push(num(b.readBigInt64LE(o))); break;
      case 'jiffies': out.push(num(Math.trunc(b.readInt32LE(o) / hz))); break;
      // kernel/time/time.c jiffies_to_clock_t (USER_HZ 100), jiffies_to_msecs
      case 'userhz': out.push(num(Math.trunc((b.readInt32LE(o) * 100) / hz))); break;
      case 'ms': out.push(num(Math.trunc((b.readInt32LE(o) * 1000) / hz))); break;
      case 'ulong_ms': out.push(num((b.readBigUInt64LE(o) * 1000n) / BigInt(hz))); break;
      default: break;
    }
  }
  return out.join('\t');
}

/** include/linux/skbuff.h SKB_TRUESIZE(ETH_FRAME_LEN): 1514 + both structs cache-aligned. */
function skbTruesize(k: Kernel): number {
  const align = (n: number) => Math.ceil(n / 64) * 64;
  return 1514 + align(k.sizeof('struct sk_buff')) + align(k.sizeof('struct skb_shared_info'));
}

function names(k: Kernel, head: string, type: string, pick: (a: bigint) => boolean = () => true): string {
  const listOff = k.off(type, 'list');
  const nameF = k.field(type, 'name');
  const out: string[] = [];
  for (const l of listEntries(k.mem, k.symbol(head), { where: head, limit: 1000 })) {
    const a = l - listOff;
    if (pick(a)) out.push(k.str(a, nameF));
  }
  return out.join(' ');
}

/** Handlers that compute what they print. Returns undefined when not one of them, null for EIO. */
function special(k: Kernel, h: string, c: Ctl, e: SysctlEntry, hz: number): string | null | undefined {
  switch (h) {
    case 'ipv4_local_port_range': {
      // struct local_ports: int range[2] (≤6.x), or one u32 high<<16|low (7.x)
      const f = k.field('struct net', 'ipv4.ip_local_ports.range');
      if (f.size === 8) return `${k.mem.s32(e.net + f.offsetN)}\t${k.mem.s32(e.net + f.offsetN + 4n)}`;
      const v = k.mem.u32(e.net + f.offsetN);
      return `${v & 0xffff}\t${v >>> 16}`;
    }
    case 'ipv4_ping_group_range': {
      const f = k.field('struct net', 'ipv4.ping_group_range.range');
      return `${k.mem.u32(e.net + f.offsetN)}\t${k.mem.u32(e.net + f.offsetN + 4n)}`;
    }
    case 'proc_tcp_congestion_control': {
      const ops = k.ptr(e.net, k.field('struct net', 'ipv4.tcp_congestion_control'));
      return k.str(ops, k.field('struct tcp_congestion_ops', 'name'));
    }
    case 'proc_tcp_available_congestion_control':
      return names(k, 'tcp_cong_list', 'struct tcp_congestion_ops');
    case 'proc_allowed_congestion_control': {
      const flags = k.field('struct tcp_congestion_ops', 'flags');
      return names(k, 'tcp_cong_list', 'struct tcp_congestion_ops', (a) => (k.num(a, flags) & 1) !== 0); // TCP_CONG_NON_RESTRICTED
    }
    case 'proc_tcp_available_ulp':
      return names(k, 'tcp_ulp_list', 'struct tcp_ulp_ops');
    case 'set_default_qdisc': {
      const ops = k.mem.ptr(k.symbol('default_qdisc_ops'));
      return k.str(ops, k.field('struct Qdisc_ops', 'id'));
    }
    case 'neigh_proc_dointvec_unres_qlen':
      return String(Math.trunc(k.mem.s32(c.data) / skbTruesize(k)));
    case 'neigh_proc_base_reachable_time':
      return vector(k, c, c.procname.endsWith('_ms') ? 'ms' : 'jiffies', hz);
    case 'ndisc_ifinfo_sysctl_change':
      // net/ipv6/ndisc.c: retrans_time as the plain int, base_reachable_time in s, *_ms in ms
      return vector(k, c, c.procname.endsWith('_ms') ? 'ms' : c.procname === 'retrans_time' ? 'int' : 'jiffies', hz);
    case 'addrconf_sysctl_stable_secret': {
      // net/ipv6/addrconf.c: EIO until set, then the address as %pI6
      if (k.mem.u8(c.data) === 0) return null;
      const b = k.mem.read(c.data + k.off('struct ipv6_stable_secret', 'secret'), 16);
      return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16).padStart(4, '0')).join(':');
    }
    case 'proc_fib_multipath_hash_seed':
      return String(k.mem.u32(e.net + k.off('struct net', 'ipv4.sysctl_fib_multipath_hash_seed.user_seed')));
    case 'rps_default_mask_sysctl': {
      const m = k.ptr(e.net, k.field('struct net', 'core.rps_default_mask'));
      return cpuMask(k, m === 0n ? 0n : bitsOf(k.mem.read(m, Math.ceil(k.perCpuOffsets().length / 64) * 8)));
    }
    case 'nf_hooks_lwtunnel_sysctl_handler':
      return k.mem.s32(k.symbol('nf_hooks_lwtunnel_enabled')) > 0 ? '1' : '0';
    case 'proc_available_schedulers':
      return names(k, 'mptcp_sched_list', 'struct mptcp_sched_ops');
    case 'proc_available_path_managers':
      return names(k, 'mptcp_pm_list', 'struct mptcp_pm_ops');
    case 'proc_tcp_ehash_entries':
    case 'proc_udp_hash_entries': {
      // net/ipv4/sysctl_net_ipv4.c: the table's size, negative when a netns shares the global one
      const tcp = h === 'proc_tcp_ehash_entries';
      const f = tcp
        ? k.tryField('struct net', 'ipv4.tcp_death_row.hashinfo')
        : k.field('struct net', 'ipv4.udp_table');
      let hinfo: bigint;
      if (f) hinfo = k.ptr(e.net, f);
      else hinfo = k.ptr(k.ptr(e.net, k.field('struct net', 'ipv4.tcp_death_row')), k.field('struct inet_timewait_death_row', 'hashinfo'));
      const n = tcp ? k.mem.u32(hinfo + k.off('struct inet_hashinfo', 'ehash_mask')) + 1 : k.mem.u32(hinfo + k.off('struct udp_table', 'mask')) + 1;
      const shared = e.net !== k.symbol('init_net') && hinfo === k.symbol(tcp ? 'tcp_hashinfo' : 'udp_table');
      return String(shared ? -n : n);
    }
    case 'proc_tcp_fastopen_key': {
      // tcp_fastopen_get_cipher: no context yet prints four zero words (a set key is a secret: raw)
      const f = k.tryField('struct net', 'ipv4.tcp_fastopen_ctx');
      if (f && k.ptr(e.net, f) === 0n) return '00000000-00000000-00000000-00000000';
      return undefined;
    }
    case 'nf_log_proc_dostring': {
      // net/netfilter/nf_log.c: the logger bound to protocol family <procname>, or NONE
      const pf = Number(c.procname);
      const lg = k.mem.ptr(e.net + k.off('struct net', 'nf.nf_loggers') + BigInt(pf * 8));
      return lg === 0n ? 'NONE' : k.mem.cstring(k.mem.ptr(lg + k.off('struct nf_logger', 'name')), 64);
    }
    case 'flow_limit_cpu_sysctl': {
      // net/core/sysctl_net_core.c: the CPUs with a flow-limit table, as %*pb
      const sd = k.symbol('softnet_data');
      const fl = k.off('struct softnet_data', 'flow_limit');
      const n = k.perCpuOffsets().length;
      let mask = 0n;
      for (let cpu = 0; cpu < n; cpu++) if (k.mem.ptr(k.perCpu(sd, cpu) + fl) !== 0n) mask |= 1n << BigInt(cpu);
      return cpuMask(k, mask);
    }
    case 'proc_do_static_key':
      return k.mem.s32(c.data) > 0 ? '1' : '0'; // static_key_enabled: enabled.counter > 0
    case 'proc_do_large_bitmap':
      return bitmapRanges(k.mem.read(k.mem.ptr(c.data), Math.ceil(c.maxlen / 64) * 8), c.maxlen);
    case 'proc_do_rss_key': {
      // u8 netdev_rss_key[NETDEV_RSS_KEY_LEN]: 52 bytes, 256 in 7.x; bounded by the next symbol
      const a = k.symbol('netdev_rss_key');
      const next = nextSymbolAddress(k, a);
      const key = k.mem.read(a, next !== undefined && next - a <= 256n ? Number(next - a) : 52);
      return [...key].map((x) => x.toString(16).padStart(2, '0')).join(':');
    }
    case 'rps_sock_flow_sysctl': {
      // a global until 6.8, then in net_hotdata
      const hot = k.tryCoreField('struct net_hotdata', 'rps_sock_flow_table');
      const t = k.mem.ptr(hot ? k.symbol('net_hotdata') + hot.offsetN : k.symbol('rps_sock_flow_table'));
      return t === 0n ? '0' : String(k.mem.u32(t + k.off('struct rps_sock_flow_table', 'mask')) + 1);
    }
    default:
      return undefined;
  }
}

function bitsOf(b: Buffer): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** lib/bitmap.c bitmap_print_to_pagebuf (%*pb) over nr_cpu_ids bits: hex, 32-bit groups by ','. */
function cpuMask(k: Kernel, mask: bigint): string {
  const n = k.perCpuOffsets().length;
  const hex = mask.toString(16).padStart(Math.ceil(n / 4), '0');
  const groups: string[] = [];
  for (let i = hex.length; i > 0; i -= 8) groups.unshift(hex.slice(Math.max(0, i - 8), i));
  return groups.join(',');
}

/** "1-3,7" (kernel/sysctl.c proc_do_large_bitmap's read side). */
function bitmapRanges(b: Buffer, bits: number): string {
  const on = (i: number) => (b[i >> 3] >> (i & 7)) & 1;
  const out: string[] = [];
  for (let i = 0; i < bits; i++) {
    if (!b[i >> 3] && (i & 7) === 0) {
      i += 7; // a zero byte: none of its 8 bits is set (65,536 bits for ip_local_reserved_ports)
      continue;
    }
    if (!on(i)) continue;
    let j = i;
    while (j + 1 < bits && on(j + 1)) j++;
    out.push(i === j ? String(i) : `${i}-${j}`);
    i = j;
  }
  return out.join(',');
}

// kernel/sysctl.c proc_dointvec & co., read side; the networking handlers by name
export function decodeSysctl(k: Kernel, e: SysctlEntry, hz: number): { value: SysctlValue; handler: string } {
  let c: Ctl;
  try {
    c = e.ctl ?? readCtl(k, e.entry);
  } catch (err) {
    return { value: { kind: 'gap', detail: describe(err) }, handler: '' };
  }
  const h = handlerName(k, c.handler);
  if ((c.mode & 0o444) === 0) return { value: { kind: 'write-only' }, handler: h };
  try {
    const s = special(k, h, c, e, hz);
    if (s === null) return { value: { kind: 'error', errno: 'EIO' }, handler: h };
    if (s !== undefined) return { value: { kind: 'value', text: s }, handler: h };
    const d = GENERIC[h];
    if (d === 'string') return { value: { kind: 'value', text: k.mem.cstring(c.data, Math.max(1, c.maxlen)) }, handler: h };
    if (d && c.data !== 0n) return { value: { kind: 'value', text: vector(k, c, d, hz) }, handler: h };
    const raw = c.data !== 0n && c.maxlen > 0 ? k.mem.read(c.data, Math.min(c.maxlen, 64)).toString('hex') : '';
    return { value: { kind: 'raw', hex: raw }, handler: h };
  } catch (err) {
    return { value: { kind: 'gap', detail: describe(err) }, handler: h };
  }
}
