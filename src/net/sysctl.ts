// Every net.* sysctl with its value as /proc/sys prints it, from the kernel's sysctl tables:
// the global set (`sysctl_table_root.default_set`) and each netns's own (`net->sysctls`),
// as fs/proc/proc_sysctl.c keeps them — a `ctl_dir` is an rbtree of `ctl_node`s, each the
// node of one `ctl_table` entry of its `ctl_table_header`. Values: sysctl-decode.ts.

import type { Kernel } from '../kernel/kernel.js';
import type { NetNs } from './netns.js';
import { unreadable, rbtreeNodes, type WalkProblem } from '../kernel/walk.js';
import { decodeSysctl, readCtl, type Ctl, type SysctlValue } from './sysctl-decode.js';
import { kernelClock } from '../kernel/time.js';

export type { SysctlValue };

export interface SysctlRow {
  /** "net.ipv4.tcp_fin_timeout" */
  name: string;
  value: SysctlValue;
  /** The proc_handler symbol (for -v and for raw values). */
  handler: string;
  /** Address of the ctl_table entry. */
  entry: bigint;
  /** From the netns's own set (else the global set, the same in every netns). */
  perNetns: boolean;
}

export interface NetnsSysctls {
  netns: number;
  rows: SysctlRow[];
  problems: WalkProblem[];
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface Layout {
  dirRoot: bigint;
  nodeSize: bigint;
  nodeHdr: bigint;
  hdrTable: number;
  hdrNode: number;
  hdrUnreg: number;
  /** Bytes of ctl_table_header the three above span: one view per header. */
  hdrSpan: number;
  tableSize: bigint;
}

function layout(k: Kernel): Layout {
  const H = 'struct ctl_table_header';
  const hdr = [k.field(H, 'ctl_table'), k.field(H, 'node'), k.field(H, 'unregistering')];
  return {
    dirRoot: k.off('struct ctl_dir', 'root'),
    nodeSize: BigInt(k.sizeof('struct ctl_node')),
    nodeHdr: k.off('struct ctl_node', 'header'),
    hdrTable: hdr[0].offset,
    hdrNode: hdr[1].offset,
    hdrUnreg: hdr[2].offset,
    hdrSpan: Math.max(...hdr.map((f) => f.offset + 8)),
    tableSize: BigInt(k.sizeof('struct ctl_table')),
  };
}

interface Found {
  path: string;
  entry: bigint;
  ctl: Ctl;
}

/** What a walk keeps per ctl_table_header (a table's entries share one) and per procname
 *  pointer (the tables of every device and netns are copies of one template, kmemdup'd with
 *  the template's procname pointers): each read once. */
interface WalkMemo {
  headers: Map<bigint, { unregistering: boolean; nodes: bigint; table: bigint }>;
  names: Map<bigint, string>;
}

/** The ctl_table entry a ctl_node stands for (its header's table, at the node's index), or
 *  undefined while the header is being unregistered. */
function nodeEntry(k: Kernel, L: Layout, node: bigint, memo: WalkMemo): { hdr: bigint; entry: bigint } | undefined {
  const hdr = k.mem.ptr(node + L.nodeHdr);
  let h = memo.headers.get(hdr);
  if (!h) {
    const v = k.mem.view(hdr, L.hdrSpan);
    h = { unregistering: v.buf.readBigUInt64LE(v.off + L.hdrUnreg) !== 0n, nodes: v.buf.readBigUInt64LE(v.off + L.hdrNode), table: v.buf.readBigUInt64LE(v.off + L.hdrTable) };
    memo.headers.set(hdr, h);
  }
  if (h.unregistering) return undefined;
  return { hdr, entry: h.table + ((node - h.nodes) / L.nodeSize) * L.tableSize };
}

// fs/proc/proc_sysctl.c: first_entry/next_entry over a ctl_dir's rbtree (readdir order),
// recursing into S_IFDIR entries; S_IFLNK entries (a netns's tables linked into the global
// set, insert_links) are skipped: the netns's own set is walked instead.
function walkDir(k: Kernel, L: Layout, dir: bigint, prefix: string, out: Found[], problems: WalkProblem[], depth: number, seen: Set<bigint>, memo: WalkMemo): void {
  if (depth > 16 || seen.has(dir)) return;
  seen.add(dir);
  const rootNode = k.mem.ptr(dir + L.dirRoot);
  for (const node of rbtreeNodes(k.mem, rootNode, { where: `sysctl ${prefix || '/'}`, limit: 100_000, onProblem: (p) => problems.push(p) })) {
    try {
      const at = nodeEntry(k, L, node, memo);
      if (!at) continue;
      const ctl = readCtl(k, at.entry, memo.names);
      // sysctl(8) prints a '.' inside a procname (a device "dummy0.10") as '/'
      const path = prefix ? `${prefix}.${ctl.procname.includes('.') ? ctl.procname.replaceAll('.', '/') : ctl.procname}` : ctl.procname;
      if ((ctl.mode & S_IFMT) === S_IFDIR) walkDir(k, L, at.hdr, path, out, problems, depth + 1, seen, memo); // ctl_dir starts with its header
      else if ((ctl.mode & S_IFMT) !== S_IFLNK) out.push({ path, entry: at.entry, ctl });
    } catch (e) {
      problems.push(unreadable(`sysctl ${prefix || '/'}`, node, e));
    }
  }
}

/** The `net` directory of a set's root directory, or undefined. */
function netDir(k: Kernel, L: Layout, root: bigint, problems: WalkProblem[]): bigint | undefined {
  const rootNode = k.mem.ptr(root + L.dirRoot);
  const procname = k.off('struct ctl_table', 'procname');
  let found: bigint | undefined;
  for (const node of rbtreeNodes(k.mem, rootNode, { where: 'sysctl /', limit: 10_000, onProblem: (p) => problems.push(p) })) {
    const hdr = k.mem.ptr(node + L.nodeHdr);
    const idx = (node - k.mem.ptr(hdr + BigInt(L.hdrNode))) / L.nodeSize;
    const entry = k.mem.ptr(hdr + BigInt(L.hdrTable)) + idx * L.tableSize;
    // every node is read (not the first match only): an unreadable one is reported as before
    if (k.mem.cstring(k.mem.ptr(entry + procname), 16) === 'net') found ??= hdr;
  }
  return found;
}

// fs/proc/proc_sysctl.c proc_sys_readdir + proc_sys_call_handler, per netns (net/sysctl_net.c)
export function netSysctls(k: Kernel, nets: readonly NetNs[]): { rows: NetnsSysctls[]; problems: WalkProblem[] } {
  const L = layout(k);
  const problems: WalkProblem[] = [];
  const hz = kernelClock(k).hz;
  const globalRoot = k.symbol('sysctl_table_root') + k.off('struct ctl_table_root', 'default_set.dir');
  const memo: WalkMemo = { headers: new Map(), names: new Map() };
  const globalFound: Found[] = [];
  const gNet = netDir(k, L, globalRoot, problems);
  if (gNet !== undefined) walkDir(k, L, gNet, 'net', globalFound, problems, 0, new Set(), memo);
  const init = nets.find((n) => n.isInit)?.address ?? k.symbol('init_net');
  const setDir = k.off('struct net', 'sysctls.dir');
  const rows: NetnsSysctls[] = [];
  let global: { f: Found; d: ReturnType<typeof decodeSysctl> }[] | undefined;
  for (const ns of nets) {
    const nsProblems: WalkProblem[] = [];
    const own: Found[] = [];
    try {
      const d = netDir(k, L, ns.address + setDir, nsProblems);
      if (d !== undefined) walkDir(k, L, d, 'net', own, nsProblems, 0, new Set(), memo);
    } catch (e) {
      nsProblems.push(unreadable('net->sysctls', ns.address, e));
    }
    // Every set is walked now (its problems belong to the table), its values decoded when the
    // netns's rows are first read: --sysctl shows one netns. decodeSysctl never throws and
    // reports no problem (an unreadable value is a gap), so when it runs changes nothing else.
    let decoded: SysctlRow[] | undefined;
    const decode = (): SysctlRow[] => {
      // The global set is decoded once (its values are init_net's, the same in every netns).
      global ??= globalFound.map((f) => ({ f, d: decodeSysctl(k, { name: f.path, entry: f.entry, net: init, ctl: f.ctl }, hz) }));
      const out: SysctlRow[] = [];
      for (const { f, d } of global) out.push({ name: f.path, value: d.value, handler: d.handler, entry: f.entry, perNetns: false });
      for (const f of own) {
        const d = decodeSysctl(k, { name: f.path, entry: f.entry, net: ns.address, ctl: f.ctl }, hz);
        out.push({ name: f.path, value: d.value, handler: d.handler, entry: f.entry, perNetns: true });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    };
    const row: NetnsSysctls = { netns: ns.inode, rows: [], problems: [...problems, ...nsProblems] };
    Object.defineProperty(row, 'rows', { enumerable: true, configurable: true, get: () => (decoded ??= decode()) });
    rows.push(row);
  }
  return { rows, problems: rows.flatMap((r) => r.problems) };
}
