// The qdiscs of a device as `tc -s qdisc show dev X` lists them (net/sched/sch_api.c
// tc_dump_qdisc_root + tc_fill_qdisc): the root dev->qdisc, every qdisc in dev->qdisc_hash,
// the children of mq/mqprio (dev->_tx[i].qdisc_sleeping) and the ingress queue's qdisc.
// Builtin (noop) and invisible qdiscs, which tc skips, are kept and marked.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, hlistEntries, type WalkProblem } from '../kernel/walk.js';
import { perKernel } from '../kernel/memo.js';

export interface QdiscRow {
  address: bigint;
  /** Qdisc_ops.id: "fq_codel", "noqueue", "mq", "pfifo_fast", "ingress" */
  kind: string;
  /** "8001:" as tc prints handles; parent "root", "ffff:fff1", "8001:1" */
  handle: string;
  parent: string;
  role: 'root' | 'child' | 'ingress';
  /** TCQ_F_* bits; tc leaves out builtin and invisible qdiscs */
  flags: number;
  tcHidden: boolean;
  limit: number;
  refcnt: number | null;
  /** qdisc_qlen_sum: qstats.qlen + per-CPU qlen (TCQ_F_CPUSTATS) or q.qlen */
  qlen: number;
  backlog: number;
  drops: number;
  requeues: number;
  overlimits: number;
  bytes: number;
  packets: number;
  /** where the counters come from: per-CPU sums, or the children (mq_dump) */
  perCpu: boolean;
  summedFromChildren: boolean;
}

// include/net/sch_generic.h TCQ_F_* (#defines: not in BTF; unchanged since 4.x)
const TCQ_F_BUILTIN = 0x1;
const TCQ_F_CPUSTATS = 0x20;
const TCQ_F_INVISIBLE = 0x80;
const TC_H_ROOT = 0xffffffff;
const Q = 'struct Qdisc';

export function tcHandle(h: number): string {
  const maj = h >>> 16, min = h & 0xffff;
  return min ? `${maj.toString(16)}:${min.toString(16)}` : `${maj.toString(16)}:`;
}

function parentText(p: number): string {
  if (p === TC_H_ROOT) return 'root';
  return (p >>> 16).toString(16) + ':' + (p & 0xffff).toString(16);
}

export function qdiscTree(k: Kernel, dev: bigint, problems: WalkProblem[]): QdiscRow[] {
  const D = 'struct net_device';
  const out: QdiscRow[] = [];
  const seen = new Set<bigint>();
  const add = (q: bigint, role: QdiscRow['role']): QdiscRow | undefined => {
    if (!q || seen.has(q)) return undefined;
    seen.add(q);
    try {
      const r = readQdisc(k, q, role);
      out.push(r);
      return r;
    } catch (e) {
      problems.push(unreadable('Qdisc', q, e));
      return undefined;
    }
  };
  const root = add(k.ptr(dev, k.field(D, 'qdisc')), 'root');
  // sch_mq.c mq_attach / sch_mqprio.c: one child per tx queue, grafted as qdisc_sleeping.
  const children: QdiscRow[] = [];
  if (root && (root.kind === 'mq' || root.kind === 'mqprio')) {
    const NQ = 'struct netdev_queue';
    const tx = k.ptr(dev, k.field(D, '_tx'));
    const n = Math.min(k.num(dev, k.field(D, 'num_tx_queues')), 4096);
    const size = BigInt(k.sizeof(NQ));
    for (let i = 0; i < n && tx; i++) {
      const c = add(k.ptr(tx + BigInt(i) * size, k.field(NQ, 'qdisc_sleeping')), 'child');
      if (c) children.push(c);
    }
  }
  hashed(k, dev, add, problems, children);
  if (root?.summedFromChildren) sumChildren(root, children);
  // dev->ingress_queue (netdev_queue) → qdisc_sleeping: the ingress/clsact qdisc.
  const iq = k.ptr(dev, k.field(D, 'ingress_queue'));
  if (iq) add(k.ptr(iq, k.field('struct netdev_queue', 'qdisc_sleeping')), 'ingress');
  return out;
}

// include/linux/netdevice.h qdisc_hash: DECLARE_HASHTABLE(qdisc_hash, 4) of Qdisc.hash.
function hashed(k: Kernel, dev: bigint, add: (q: bigint, r: QdiscRow['role']) => QdiscRow | undefined, problems: WalkProblem[], children: QdiscRow[]): void {
  const f = k.tryField('struct net_device', 'qdisc_hash');
  if (!f) return;
  const n = f.size / 8;
  const link = k.off(Q, 'hash');
  for (let b = 0; b < n; b++) {
    const first = k.mem.ptr(dev + f.offsetN + BigInt(b * 8));
    for (const l of hlistEntries(k.mem, first, { where: `qdisc_hash[${b}]`, limit: 10_000, onProblem: (p) => problems.push(p) })) {
      const c = add(l - link, 'child');
      if (c) children.push(c);
    }
  }
}

// sch_mq.c mq_dump: the root's counters are the sum of its children's at dump time.
function sumChildren(root: QdiscRow, children: QdiscRow[]): void {
  for (const key of ['qlen', 'backlog', 'drops', 'requeues', 'overlimits', 'bytes', 'packets'] as const) {
    root[key] = children.reduce((a, c) => a + c[key], 0);
  }
}

// net/sched/sch_api.c tc_fill_qdisc: qdisc_qlen_sum, gnet_stats_copy_basic/_queue (per-CPU
// cpu_bstats/cpu_qstats when TCQ_F_CPUSTATS, else the Qdisc's own bstats/qstats).
// struct Qdisc's members, resolved once per kernel in the order each qdisc read them (a member
// this kernel lacks throws from the same one as before).
const qdiscFields = perKernel((k: Kernel) => {
  const f = (p: string) => k.field(Q, p);
  const size = k.sizeof(Q);
  const flags = f('flags'), ops = f('ops');
  const bytes = k.tryField(Q, 'bstats.bytes')!, packets = k.tryField(Q, 'bstats.packets')!;
  const handle = f('handle'), parent = f('parent'), limit = f('limit'), refcnt = k.tryField(Q, 'refcnt');
  const qs = (n: string) => f(`qstats.${n}`);
  const qlen = qs('qlen'), backlog = qs('backlog'), drops = qs('drops'), requeues = qs('requeues'), overlimits = qs('overlimits');
  return { size, flags, ops, bytes, packets, handle, parent, limit, refcnt, qlen, backlog, drops, requeues, overlimits, cpuB: f('cpu_bstats'), cpuQ: f('cpu_qstats') };
});

function readQdisc(k: Kernel, q: bigint, role: QdiscRow['role']): QdiscRow {
  const F = qdiscFields(k);
  // A copy: the ops' name is read between the members.
  const v = k.viewCopy(q, F.size);
  const flags = v.num(F.flags);
  const ops = v.ptr(F.ops);
  const kind = ops ? k.str(ops, k.field('struct Qdisc_ops', 'id')) : '?';
  const row: QdiscRow = {
    address: q,
    kind,
    handle: tcHandle(v.num(F.handle)),
    parent: parentText(v.num(F.parent)),
    role,
    flags,
    tcHidden: (flags & (TCQ_F_BUILTIN | TCQ_F_INVISIBLE)) !== 0,
    limit: v.num(F.limit),
    refcnt: F.refcnt ? v.num(F.refcnt) : null,
    qlen: v.num(F.qlen),
    backlog: v.num(F.backlog),
    drops: v.num(F.drops),
    requeues: v.num(F.requeues),
    overlimits: v.num(F.overlimits),
    bytes: v.num(F.bytes),
    packets: v.num(F.packets),
    perCpu: false,
    summedFromChildren: kind === 'mq' || kind === 'mqprio',
  };
  const cpuB = v.ptr(F.cpuB);
  const cpuQ = v.ptr(F.cpuQ);
  if (flags & TCQ_F_CPUSTATS && cpuB && cpuQ) {
    row.perCpu = true;
    perCpuQdisc(k, cpuB, cpuQ, row);
  } else {
    row.qlen += v.num(k.field(Q, 'q.qlen'));
  }
  return row;
}

function perCpuQdisc(k: Kernel, cpuB: bigint, cpuQ: bigint, row: QdiscRow): void {
  // 5.10: struct gnet_stats_basic_cpu { struct gnet_stats_basic_packed bstats; syncp };
  // 6.1+: struct gnet_stats_basic_sync { u64_stats_t bytes, packets; syncp }.
  const B = k.tryCoreField('struct gnet_stats_basic_cpu', 'bstats') ? ['struct gnet_stats_basic_cpu', 'bstats.'] : ['struct gnet_stats_basic_sync', ''];
  const bytes = k.field(B[0], B[1] + 'bytes');
  const packets = k.field(B[0], B[1] + 'packets');
  const GQ = 'struct gnet_stats_queue';
  const qf = ['qlen', 'backlog', 'drops', 'requeues', 'overlimits'].map((n) => k.field(GQ, n));
  row.bytes = row.packets = 0;
  row.backlog = row.drops = row.requeues = row.overlimits = 0;
  const ncpu = k.perCpuOffsets().length;
  for (let cpu = 0; cpu < ncpu; cpu++) {
    const b = k.perCpu(cpuB, cpu);
    row.bytes += k.num(b, bytes);
    row.packets += k.num(b, packets);
    const qq = k.perCpu(cpuQ, cpu);
    row.qlen += k.num(qq, qf[0]);
    row.backlog += k.num(qq, qf[1]);
    row.drops += k.num(qq, qf[2]);
    row.requeues += k.num(qq, qf[3]);
    row.overlimits += k.num(qq, qf[4]);
  }
}
