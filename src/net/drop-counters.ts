// The counters that explain dropped packets, for --summary: a few TcpExt and Udp MIB counters
// of each netns (named by the kernel's own tables, net/ipv4/proc.c snmp4_net_list and
// snmp4_udp_list, net/ipv6/proc.c snmp6_udp6_list; summed over possible CPUs as
// snmp_fold_field does), TCP memory and orphans against their limits (net/ipv4/tcp.c
// tcp_memory_allocated, tcp_orphan_count; include/net/sock.h sk_memory_allocated), and the
// neighbour tables' overflow counter (net/core/neighbour.c neigh_stat_seq_show: table_fulls).
// The full -s view lives elsewhere (src/net/snmp.ts); this reads only what the summary needs.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, isKernelPointer, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { neighbourTables } from './neighbours.js';

export interface GlobalDropCounters {
  /** pages: tcp_memory_allocated, sysctl_tcp_mem[min, pressure, max]; tcp_memory_pressure set? */
  tcpMemPages: number | null;
  tcpMem: [number, number, number] | null;
  tcpMemoryPressure: boolean | null;
  orphans: number | null;
  maxOrphans: number | null;
  neighbourTables: { name: string; address: bigint; entries: number; gcThresh3: number; tableFulls: number }[];
}

export interface DropCounters {
  netns: number;
  /** counter name (as /proc/net/netstat and /proc/net/snmp spell it) → value */
  tcpExt: Record<string, number>;
  udp: Record<string, number>;
  udp6: Record<string, number>;
  global: GlobalDropCounters;
}

/** The MIB counters the summary looks at (every other name is skipped). */
export const TCPEXT_NAMES = ['ListenOverflows', 'ListenDrops', 'SyncookiesSent', 'SyncookiesFailed', 'TCPReqQFullDoCookies', 'TCPReqQFullDrop',
  'PruneCalled', 'RcvPruned', 'OfoPruned', 'TCPBacklogDrop', 'TCPRcvQDrop', 'TCPAbortOnMemory', 'TCPMemoryPressures', 'TCPOFODrop'];
export const UDP_NAMES = ['RcvbufErrors', 'SndbufErrors', 'InErrors', 'MemErrors'];

interface MibName {
  name: string;
  entry: number;
}

// net/ipv4/proc.c: static const struct snmp_mib {const char *name; int entry;} X[] — 16 bytes
// an entry; ≤6.12 ends with a NULL sentinel, 7.x does not (bounded by __X_MIB_MAX and by names
// that stop looking like counter names).
export function mibNames(k: Kernel, symbol: string, maxEnum: string): MibName[] {
  const a = k.trySymbol(symbol);
  if (a === undefined) return [];
  const max = Number(k.btf.findEnumerator(maxEnum)?.value ?? 512n);
  const out: MibName[] = [];
  for (let i = 0; i < max + 1; i++) {
    const p = k.mem.ptr(a + BigInt(i * 16));
    if (p === 0n || !isKernelPointer(p)) break;
    const entry = k.mem.s32(a + BigInt(i * 16 + 8));
    if (entry < 0 || entry >= max) break;
    let name: string;
    try {
      name = k.mem.cstring(p, 64);
    } catch {
      break;
    }
    if (!/^[A-Za-z0-9]+$/.test(name)) break;
    out.push({ name, entry });
  }
  return out;
}

/** Σ over possible CPUs of the wanted counters of a per-CPU `unsigned long mibs[]`. */
function foldMib(k: Kernel, pcpu: bigint, names: MibName[], wanted: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) {
    if (!wanted.includes(n.name)) continue;
    out[n.name] = Number(k.perCpuSum(pcpu + BigInt(n.entry * 8)));
  }
  return out;
}

function globals(k: Kernel, problems: WalkProblem[]): GlobalDropCounters {
  const g: GlobalDropCounters = { tcpMemPages: null, tcpMem: null, tcpMemoryPressure: null, orphans: null, maxOrphans: null, neighbourTables: [] };
  const attempt = (where: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      problems.push(unreadable(where, 0n, e));
    }
  };
  // 7.x moved it into net_aligned_data (include/net/aligned_data.h)
  attempt('tcp_memory_allocated', () => {
    const f = k.tryCoreField('struct net_aligned_data', 'tcp_memory_allocated');
    const a = f ? k.symbol('net_aligned_data') + f.offsetN : k.trySymbol('tcp_memory_allocated');
    if (a !== undefined) g.tcpMemPages = Number(k.mem.s64(a));
  });
  attempt('sysctl_tcp_mem', () => {
    const a = k.trySymbol('sysctl_tcp_mem');
    if (a !== undefined) g.tcpMem = [0, 1, 2].map((i) => Number(k.mem.s64(a + BigInt(i * 8)))) as [number, number, number];
  });
  attempt('tcp_memory_pressure', () => {
    const a = k.trySymbol('tcp_memory_pressure');
    if (a !== undefined) g.tcpMemoryPressure = k.mem.u64(a) !== 0n;
  });
  // a per-CPU int (tcp_orphan_count in the BTF's per-CPU section) or, earlier, a percpu_counter
  attempt('tcp_orphan_count', () => {
    const a = k.trySymbol('tcp_orphan_count');
    if (a === undefined) return;
    // per-CPU: in the BTF's per-CPU section, or (BTF without variables) at a zero-based per-CPU offset
    if (k.btf.findVar('tcp_orphan_count') || a < 0x100000000n) {
      let sum = 0;
      for (let cpu = 0; cpu < k.perCpuOffsets().length; cpu++) sum += k.mem.s32(k.perCpu(a, cpu));
      g.orphans = sum;
    } else g.orphans = Number(k.mem.s64(a + k.off('struct percpu_counter', 'count')));
  });
  attempt('sysctl_tcp_max_orphans', () => {
    const a = k.trySymbol('sysctl_tcp_max_orphans');
    if (a !== undefined) g.maxOrphans = k.mem.s32(a);
  });
  attempt('neigh_tables', () => {
    const N = 'struct neigh_table';
    const stats = k.field(N, 'stats');
    const fulls = k.off('struct neigh_statistics', 'table_fulls');
    for (const t of neighbourTables(k, problems)) {
      const pcpu = k.ptr(t.address, stats);
      g.neighbourTables.push({
        name: t.name, address: t.address, entries: k.num(t.address, k.field(N, 'entries')), gcThresh3: k.num(t.address, k.field(N, 'gc_thresh3')),
        tableFulls: Number(k.perCpuSum(pcpu + fulls)),
      });
    }
  });
  return g;
}

// net/ipv4/proc.c netstat_seq_show / snmp_seq_show, for the counters above only
export function dropCounters(k: Kernel, nets: NetNs[]): { rows: DropCounters[]; problems: WalkProblem[] } {
  const problems: WalkProblem[] = [];
  const tcpNames = mibNames(k, 'snmp4_net_list', '__LINUX_MIB_MAX');
  const udpNames = mibNames(k, 'snmp4_udp_list', '__UDP_MIB_MAX');
  const udp6Names = mibNames(k, 'snmp6_udp6_list', '__UDP_MIB_MAX').map((n) => ({ ...n, name: n.name.replace(/^Udp6/, '') }));
  const netStats = k.field('struct net', 'mib.net_statistics');
  const udpStats = k.field('struct net', 'mib.udp_statistics');
  const udp6Stats = k.tryField('struct net', 'mib.udp_stats_in6');
  const global = globals(k, problems);
  const rows: DropCounters[] = [];
  for (const n of nets) {
    try {
      rows.push({
        netns: n.inode,
        tcpExt: foldMib(k, k.ptr(n.address, netStats), tcpNames, TCPEXT_NAMES),
        udp: foldMib(k, k.ptr(n.address, udpStats), udpNames, UDP_NAMES),
        udp6: udp6Stats ? foldMib(k, k.ptr(n.address, udp6Stats), udp6Names, UDP_NAMES) : {},
        global,
      });
    } catch (e) {
      problems.push(unreadable(`MIBs (netns ${n.inode})`, n.address, e));
    }
  }
  return { rows, problems };
}
