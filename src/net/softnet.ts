// Per-CPU packet-processing state: struct softnet_data (include/linux/netdevice.h), as
// /proc/net/softnet_stat prints it (net/core/net-procfs.c: softnet_seq_show, which lists the
// online CPUs only) plus the queues it leaves out. Every possible CPU is shown, marked online
// or not (__cpu_online_mask), so a CPU stopped by the crash path still has its counters.
//
// Layout changes (probed, never by version): `dropped` is unsigned int, then atomic_t
// (`dropped.counter`), then struct numa_drop_counters `drop_counters{drops0, drops1}` summed
// as numa_drop_read does; sd_flow_limit.count is u64 or unsigned int; 6.12+ prints
// input_pkt_queue and process_queue lengths as two more columns (15 instead of 13).

import type { Kernel, Field } from '../kernel/kernel.js';
import { unreadable, listEntries, chainEntries, type WalkProblem } from '../kernel/walk.js';

export interface SoftnetRow {
  cpu: number;
  /** in __cpu_online_mask (null: the mask could not be read) */
  online: boolean | null;
  address: bigint;
  processed: number;
  dropped: number;
  timeSqueeze: number;
  receivedRps: number;
  flowLimitCount: number;
  /** softnet_backlog_len: input_pkt_queue.qlen + process_queue.qlen */
  backlogLen: number;
  inputQlen: number;
  processQlen: number;
  /** napi instances waiting on poll_list, skbs on completion_queue, qdiscs on output_queue */
  pollList: number;
  completionQueue: number;
  outputQueue: number;
  /** How many columns this kernel's /proc/net/softnet_stat prints (13 or 15). */
  procColumns: 13 | 15;
}

export interface SoftnetWalk {
  rows: SoftnetRow[];
  problems: WalkProblem[];
}

const SD = 'struct softnet_data';
const QUEUE_LIMIT = 100_000;

/** The bits of a cpumask symbol (__cpu_online_mask), or undefined if unreadable. */
export function cpuMask(k: Kernel, symbol: string, cpus: number): boolean[] | undefined {
  const a = k.trySymbol(symbol);
  if (a === undefined) return undefined;
  try {
    const bytes = k.mem.read(a, Math.ceil(cpus / 8));
    return Array.from({ length: cpus }, (_, i) => ((bytes[i >> 3] >> (i & 7)) & 1) === 1);
  } catch {
    return undefined;
  }
}

// net/core/net-procfs.c: softnet_seq_show (and softnet_get_online: for_each online cpu)
export function softnetStats(k: Kernel): SoftnetWalk {
  const problems: WalkProblem[] = [];
  const base = k.symbol('softnet_data');
  const offsets = k.perCpuOffsets();
  const online = cpuMask(k, '__cpu_online_mask', offsets.length);
  if (!online) problems.push({ where: '__cpu_online_mask', address: k.trySymbol('__cpu_online_mask') ?? 0n, kind: 'unreadable', detail: 'online CPUs unknown' });
  const f = (p: string) => k.field(SD, p);
  const processed = f('processed');
  const squeeze = f('time_squeeze');
  const rps = k.tryField(SD, 'received_rps');
  const flowLimit = k.tryField(SD, 'flow_limit');
  const flowCount = flowLimit ? k.tryField('struct sd_flow_limit', 'count') : undefined;
  const inQ = f('input_pkt_queue.qlen');
  const procQ = f('process_queue.qlen');
  const drops: Field[] = k.has(SD, 'drop_counters')
    ? [k.field(SD, 'drop_counters.drops0'), k.field(SD, 'drop_counters.drops1')]
    : [k.tryField(SD, 'dropped.counter') ?? f('dropped')];
  const pollList = f('poll_list');
  const completion = f('completion_queue');
  const skbNext = k.field('struct sk_buff', 'next');
  const output = f('output_queue');
  const nextSched = k.field('struct Qdisc', 'next_sched');
  // The two queue-length columns came with the atomic `dropped` (both in 6.9's softnet rework,
  // exact commits unverified): the same probe tells the column count.
  const procColumns = k.has(SD, 'drop_counters') || k.has(SD, 'dropped.counter') ? 15 : 13;
  const rows: SoftnetRow[] = [];
  for (let cpu = 0; cpu < offsets.length; cpu++) {
    const sd = k.perCpu(base, cpu);
    const where = `softnet_data cpu ${cpu}`;
    try {
      const count = (it: Iterable<bigint>) => {
        let n = 0;
        for (const _ of it) n++;
        return n;
      };
      const onProblem = (p: WalkProblem) => problems.push(p);
      const fl = flowLimit ? k.ptr(sd, flowLimit) : 0n;
      const inputQlen = k.num(sd, inQ);
      const processQlen = k.num(sd, procQ);
      rows.push({
        cpu,
        online: online ? online[cpu] : null,
        address: sd,
        processed: k.num(sd, processed),
        dropped: drops.reduce((s, d) => s + k.num(sd, d), 0) >>> 0,
        timeSqueeze: k.num(sd, squeeze),
        receivedRps: rps ? k.num(sd, rps) : 0,
        flowLimitCount: fl && flowCount ? k.num(fl, flowCount) % 2 ** 32 : 0,
        backlogLen: inputQlen + processQlen,
        inputQlen,
        processQlen,
        pollList: count(listEntries(k.mem, k.addr(sd, pollList), { where: `${where} poll_list`, limit: QUEUE_LIMIT, onProblem })),
        completionQueue: count(chainEntries(k.mem, k.ptr(sd, completion), skbNext.offsetN, { where: `${where} completion_queue`, limit: QUEUE_LIMIT, onProblem })),
        outputQueue: count(chainEntries(k.mem, k.ptr(sd, output), nextSched.offsetN, { where: `${where} output_queue`, limit: QUEUE_LIMIT, onProblem })),
        procColumns,
      });
    } catch (e) {
      problems.push(unreadable(where, sd, e));
    }
  }
  return { rows, problems };
}

/** One /proc/net/softnet_stat line, as this kernel prints it (%08x columns). */
export function softnetStatLine(r: SoftnetRow): string {
  const cols = [r.processed, r.dropped, r.timeSqueeze, 0, 0, 0, 0, 0, 0, r.receivedRps, r.flowLimitCount, r.backlogLen, r.cpu];
  if (r.procColumns === 15) cols.push(r.inputQlen, r.processQlen);
  return cols.map((v) => (v >>> 0).toString(16).padStart(8, '0')).join(' ');
}
