// The session's parsed kernel tables: one typed method per table, each built on first use
// and kept until `reload`, each keeping the problems its walk met (shown, never dropped).

import type { Kernel } from '../kernel/kernel.js';
import { kernelClock, type KernelClock } from '../kernel/time.js';
import { netNamespaces, type NetNs } from '../net/netns.js';
import { netDevices, type NetDevice } from '../net/devices.js';
import { emptyOwnerIndex, ownerIndex, type OwnerIndex, type Owner } from '../net/owners.js';
import type { SocketRow } from '../net/socket-row.js';
import { tcpHashinfos } from '../net/tcp.js';
import { bindBuckets, type BindBucket } from '../net/bind.js';
import { summarize, type Summary } from '../net/summary.js';
import type { WalkProblem } from '../kernel/walk.js';
import { ipv4Routes } from '../net/fib.js';
import { ipv6Routes } from '../net/fib6.js';
import { fibRules, type RuleRow } from '../net/fib-rules.js';
import { routeExceptions, type RouteException } from '../net/route-cache.js';
import { nexthopObjects, type NexthopObjectRow } from '../net/nexthop-objects.js';
import { boundDevices } from '../net/bound-dev.js';
import type { RouteRow } from '../net/route-row.js';
import { walkNeighbours, type NeighbourRow } from '../net/neighbours.js';
import { netInterfaces, type NetInterface } from '../net/interfaces.js';
import { softnetStats, type SoftnetRow } from '../net/softnet.js';
import { packetHandlers, type PtypeRow } from '../net/ptype.js';
import { kernelLog, type LogRecord } from '../kernel/printk.js';
import { dropCounters, type DropCounters } from '../net/drop-counters.js';
import { netnsStatistics, type NetnsStatistics } from '../net/snmp.js';
import { netSysctls, type NetnsSysctls } from '../net/sysctl.js';
import { netfilterHooks, type HookRow } from '../net/nf-hooks.js';
import { conntrackTable, type ConntrackTable } from '../net/conntrack.js';
import { nftRulesets, type NftRuleset } from '../net/nftables.js';
import { xtTables, type XtTable } from '../net/iptables.js';
import { guardedTable, type Table } from './table.js';
import { ALL_FAMILIES, socketFamily, type Family } from './families.js';

interface Cache {
  namespaces?: Table<NetNs>;
  sockets: Partial<Record<Family, Table<SocketRow>>>;
  socketIndex?: Map<bigint, SocketRow>;
  owners?: OwnerIndex;
  clock?: KernelClock;
  /** Outputs a view built from these tables (memo()), dropped with them on reload. */
  memo?: Map<string, unknown>;
  devices?: Table<NetDevice>;
  bind?: Table<BindBucket>;
  summary?: Summary;
  routes4?: Table<RouteRow>;
  routes6?: Table<RouteRow>;
  routes6Proc?: Table<RouteRow>;
  rules?: Table<RuleRow>;
  routeExceptions?: Table<RouteException>;
  nexthops?: Table<NexthopObjectRow>;
  boundDev?: Map<bigint, number>;
  neighbours?: Table<NeighbourRow>;
  interfaces?: Table<NetInterface>;
  softnet?: Table<SoftnetRow>;
  ptype?: Table<PtypeRow>;
  log?: Table<LogRecord>;
  drops?: Table<DropCounters>;
  statistics?: Table<NetnsStatistics>;
  sysctls?: Table<NetnsSysctls>;
  nfHooks?: Table<HookRow>;
  conntrack?: ConntrackTable;
  nft?: Table<NftRuleset>;
  nftAll?: Table<NftRuleset>;
  iptables?: Table<XtTable> & { unavailable: string | null };
}

export class Tables {
  private c: Cache = { sockets: {} };

  constructor(private readonly k: Kernel) {}

  /** Forget every parsed table (the dump stays open); returns how many were built. */
  reload(): number {
    const n = Object.keys(this.c).filter((k) => k !== 'memo').length - 1 + Object.keys(this.c.sockets).length;
    this.c = { sockets: {} };
    return n;
  }

  /** A value computed from the tables (a view's output, its rendered rows), kept until reload:
   *  a repeated `-at` answers without re-pairing owners or re-formatting 20,000 rows. */
  memo<T>(key: string, make: () => T): T {
    const m = (this.c.memo ??= new Map<string, unknown>());
    if (m.has(key)) return m.get(key) as T;
    const v = make();
    m.set(key, v);
    return v;
  }

  /** Every problem of the tables built so far (for the session's damage diagnosis). */
  problemsSoFar(): WalkProblem[] {
    const out: WalkProblem[] = [];
    const tables = [...Object.values(this.c), ...Object.values(this.c.sockets)];
    for (const t of tables) {
      const ps = (t as { problems?: unknown } | undefined)?.problems;
      if (Array.isArray(ps)) out.push(...(ps as WalkProblem[]));
    }
    return out;
  }

  // net/core/net_namespace.c: for_each_net
  namespaces(): Table<NetNs> {
    return (this.c.namespaces ??= guardedTable('net_namespace_list', () => {
      const problems: WalkProblem[] = [];
      return { rows: netNamespaces(this.k, problems), problems };
    }));
  }

  /** The sockets of one family in every namespace. */
  sockets(f: Family): Table<SocketRow> {
    return (this.c.sockets[f] ??= guardedTable(`${f} tables`, () => socketFamily(f).walk(this.k, this.namespaces().rows)));
  }

  /** skc_bound_dev_if (packet: po->ifindex) of every socket of every family, by socket address. */
  boundDevices(): Map<bigint, number> {
    return (this.c.boundDev ??= boundDevices(this.k, ALL_FAMILIES.flatMap((f) => this.sockets(f).rows)));
  }

  /** Is this family's table already built (the shell's completion never walks a table)? */
  hasSockets(f: Family): boolean {
    return this.c.sockets[f] !== undefined;
  }

  /** A socket row by its kernel address, in any table (an index built once: a process view
   *  asks once per fd, and a process may hold tens of thousands). */
  findSocket(sock: bigint): SocketRow | undefined {
    if (!this.c.socketIndex) {
      const m = new Map<bigint, SocketRow>();
      for (const f of ALL_FAMILIES) for (const r of this.sockets(f).rows) if (!m.has(r.sock)) m.set(r.sock, r);
      this.c.socketIndex = m;
    }
    return this.c.socketIndex.get(sock);
  }

  /** A socket row by its inode (what lsof and /proc/PID/fd show). */
  findSocketByInode(inode: number): SocketRow | undefined {
    for (const f of ALL_FAMILIES) {
      const r = this.sockets(f).rows.find((x) => x.inode === inode);
      if (r) return r;
    }
    return undefined;
  }

  /** Which processes hold which sockets (every task's fd table). */
  owners(): OwnerIndex {
    return (this.c.owners ??= (() => {
      try {
        return ownerIndex(this.k);
      } catch (e) {
        const problems: WalkProblem[] = [{ where: 'tasks', address: 0n, kind: 'unreadable', detail: (e as Error).message }];
        return emptyOwnerIndex(problems);
      }
    })());
  }

  ownersOf(sock: bigint): Owner[] {
    return this.owners().bySock.get(sock) ?? [];
  }

  clock(): KernelClock {
    return (this.c.clock ??= kernelClock(this.k));
  }

  // include/linux/netdevice.h: for_each_netdev, in every namespace
  devices(): Table<NetDevice> {
    return (this.c.devices ??= guardedTable('dev_base_head', () => {
      const problems: WalkProblem[] = [];
      return { rows: netDevices(this.k, this.namespaces().rows, problems), problems };
    }));
  }

  /** Interface name of ifindex in a netns ('*' for 0, the index itself if unknown). */
  ifName(netns: number, ifindex: number): string {
    if (ifindex === 0) return '*';
    return this.devices().rows.find((d) => d.netns === netns && d.ifindex === ifindex)?.name ?? String(ifindex);
  }

  // net/ipv4/inet_hashtables.c: the TCP bind hash (a netns's own hashinfo shares the global one)
  bind(): Table<BindBucket> {
    return (this.c.bind ??= guardedTable('tcp bind hash', () => {
      const problems: WalkProblem[] = [];
      const seen = new Set<bigint>();
      const rows: BindBucket[] = [];
      const k = this.k;
      const bhashF = k.field('struct inet_hashinfo', 'bhash');
      // The TCP table when it is built: the bucket owners are its sockets, not read again
      // (a listener's owners are every connection it accepted: 58,000 → 151,000 page decodes
      // at 100,000 sockets without it).
      const known = this.hasSockets('tcp') ? new Map(this.sockets('tcp').rows.map((r) => [r.sock, r])) : undefined;
      for (const hi of tcpHashinfos(k, this.namespaces().rows)) {
        const bhash = k.ptr(hi, bhashF);
        if (seen.has(bhash)) continue;
        seen.add(bhash);
        rows.push(...bindBuckets(k, hi, problems, known));
      }
      return { rows, problems };
    }));
  }

  summary(): Summary {
    return (this.c.summary ??= summarize(this.k, {
      tcp: this.sockets('tcp').rows,
      udp: this.sockets('udp').rows,
      raw: this.sockets('raw').rows,
      unix: this.sockets('unix').rows,
      packet: this.sockets('packet').rows,
    }));
  }

  // net/ipv4/fib_trie.c: every fib_table of every netns (main, local, default, numbered)
  routes4(): Table<RouteRow> {
    return (this.c.routes4 ??= guardedTable('fib tables', () => ipv4Routes(this.k, this.namespaces().rows)));
  }

  // net/ipv6/ip6_fib.c: every fib6_table, as `ip -6 route` lists them (siblings merged)
  routes6(): Table<RouteRow> {
    return (this.c.routes6 ??= guardedTable('fib6 tables', () => ipv6Routes(this.k, this.namespaces().rows)));
  }

  /** IPv6 routes one per fib6_info, as /proc/net/ipv6_route lists them. */
  routes6Proc(): Table<RouteRow> {
    return (this.c.routes6Proc ??= guardedTable('fib6 tables', () => ipv6Routes(this.k, this.namespaces().rows, { procForm: true })));
  }

  // net/core/fib_rules.c: the policy rules of every family and netns
  rules(): Table<RuleRow> {
    return (this.c.rules ??= guardedTable('fib rules', () => fibRules(this.k, this.namespaces().rows)));
  }

  // net/ipv4/nexthop.c: the nexthop objects of every netns (`ip nexthop`)
  nexthops(): Table<NexthopObjectRow> {
    return (this.c.nexthops ??= guardedTable('nexthop objects', () => nexthopObjects(this.k, this.namespaces().rows)));
  }

  // net/ipv4/route.c fnhe_dump_bucket, net/ipv6/route.c rt6_nh_dump_exceptions
  routeExceptions(): Table<RouteException> {
    return (this.c.routeExceptions ??= guardedTable('route exceptions', () =>
      routeExceptions(this.k, this.namespaces().rows, this.routes4(), this.routes6Proc())));
  }

  // net/core/neighbour.c: arp_tbl and nd_tbl (global tables; rows carry their netns)
  neighbours(): Table<NeighbourRow> {
    return (this.c.neighbours ??= guardedTable('neighbour tables', () => walkNeighbours(this.k, this.namespaces().rows, this.clock())));
  }

  // net/core/dev.c: every net_device of every netns, with addresses, counters and qdiscs
  interfaces(): Table<NetInterface> {
    return (this.c.interfaces ??= guardedTable('dev_base_head', () => netInterfaces(this.k, this.namespaces().rows, this.clock())));
  }

  // net/core/net-procfs.c softnet_seq_show: every possible CPU's softnet_data
  softnet(): Table<SoftnetRow> {
    return (this.c.softnet ??= guardedTable('softnet_data', () => softnetStats(this.k)));
  }

  // net/core/net-procfs.c ptype_seq_show: the packet handlers of every netns and device
  packetHandlers(): Table<PtypeRow> {
    return (this.c.ptype ??= guardedTable('packet handlers', () => packetHandlers(this.k, this.namespaces().rows, this.devices().rows)));
  }

  // kernel/printk/printk_ringbuffer.c: the kernel log
  kernelLog(): Table<LogRecord> {
    return (this.c.log ??= guardedTable('printk ringbuffer', () => {
      const l = kernelLog(this.k);
      return { rows: l.records, problems: l.problems };
    }));
  }

  /** The counters that explain drops, per netns (TcpExt, Udp MIBs; TCP memory; neighbour tables). */
  dropCounters(): Table<DropCounters> {
    return (this.c.drops ??= guardedTable('drop counters', () => dropCounters(this.k, this.namespaces().rows)));
  }

  // net/ipv4/proc.c snmp_seq_show + netstat_seq_show, net/ipv6/proc.c snmp6_seq_show: one row per netns
  statistics(): Table<NetnsStatistics> {
    return (this.c.statistics ??= guardedTable('net->mib', () => {
      const rows = this.namespaces().rows.map((ns) => netnsStatistics(this.k, ns));
      return { rows, problems: rows.flatMap((r) => r.problems) };
    }));
  }

  // fs/proc/proc_sysctl.c: every net.* sysctl, the global tables and each netns's own set
  sysctls(): Table<NetnsSysctls> {
    return (this.c.sysctls ??= guardedTable('sysctl tables', () => netSysctls(this.k, this.namespaces().rows)));
  }

  // net/netfilter/core.c: every registered hook of every netns and device (nested NAT chains too)
  nfHooks(): Table<HookRow> {
    return (this.c.nfHooks ??= guardedTable('netfilter hooks', () => netfilterHooks(this.k, this.namespaces().rows, this.devices().rows)));
  }

  // net/netfilter/nf_conntrack_core.c: nf_conntrack_hash, with each netns's count and the max
  conntrack(): ConntrackTable {
    return (this.c.conntrack ??= (() => {
      const g = guardedTable('nf_conntrack_hash', () => {
        const c = this.clock();
        return conntrackTable(this.k, this.namespaces().rows, c.jiffies, c.hz);
      });
      return 'counts' in g ? (g as ConntrackTable) : { ...g, counts: [], max: null, htableSize: 0 };
    })());
  }

  /** The nftables ruleset of every netns (one row per netns); `inactive` keeps the objects of
   *  the next generation too (a transaction caught mid-commit). */
  // net/netfilter/nf_tables_api.c: nf_tables_dump_tables … _rules
  nft(inactive = false): Table<NftRuleset> {
    const build = () => guardedTable('nftables', () => ({ rows: nftRulesets(this.k, this.namespaces().rows, { inactive }), problems: [] }));
    return inactive ? (this.c.nftAll ??= build()) : (this.c.nft ??= build());
  }

  // net/netfilter/x_tables.c: the legacy iptables/ip6tables tables of every netns
  iptables(): Table<XtTable> & { unavailable: string | null } {
    return (this.c.iptables ??= (() => {
      try {
        return xtTables(this.k, this.namespaces().rows);
      } catch (e) {
        return { ...guardedTable<XtTable>('x_tables', () => { throw e; }), unavailable: null };
      }
    })());
  }
}
