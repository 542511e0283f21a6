// Every net.* sysctl with its value as /proc/sys prints it, from the kernel's sysctl tables:
// the global set (`sysctl_table_root.default_set`) and each netns's own (`net->sysctls`),
// as fs/proc/proc_sysctl.c keeps them — a `ctl_dir` is an rbtree of `ctl_node`s, each the
// node of one `ctl_table` entry of its `ctl_table_header`. Values: sysctl-decode.ts.

import type { Kernel } from '../kernel/kernel.js';
import type { NetNs } from './netns.js';
import { unreadable, rbtreeNodes, type WalkProblem } from '../kernel/walk.js';
import { decodeSysctl, type SysctlEntry, type SysctlValue } from './sysctl-decode.js';
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
  tableSize: bigint;
  hdrTable: bigint;
  hdrNode: bigint;
  hdrUnreg: bigint;
  procname: bigint;
  mode: bigint;
  modeSize: number;
}

function layout(k: Kernel): Layout {
  return {
    dirRoot: k.off('struct ctl_dir', 'root'),
    nodeSize: BigInt(k.sizeof('struct ctl_node')),
    nodeHdr: k.off('struct ctl_node', 'header'),
    tableSize: BigInt(k.sizeof('struct ctl_table')),
    hdrTable: k.off('struct ctl_table_header', 'ctl_table'),
    hdrNode: k.off('struct ctl_table_header', 'node'),
    hdrUnreg: k.off('struct ctl_table_header', 'unregistering'),
    procname: k.off('struct ctl_table', 'procname'),
    mode: k.off('struct ctl_table', 'mode'),
    modeSize: k.field('struct ctl_table', 'mode').size,
  };
}

interface Found {
  path: string;
  entry: bigint;
}

// fs/proc/proc_sysctl.c: first_entry/next_entry over a ctl_dir's rbtree (readdir order),
// recursing into S_IFDIR entries; S_IFLNK entries (a netns's tables linked into the global
// set, insert_links) are skipped: the netns's own set is walked instead.
function walkDir(k: Kernel, L: Layout, dir: bigint, prefix: string, out: Found[], problems: WalkProblem[], depth: number, seen: Set<bigint>): void {
  if (depth > 16 || seen.has(dir)) return;
  seen.add(dir);
  const rootNode = k.mem.ptr(dir + L.dirRoot);
  for (const node of rbtreeNodes(k.mem, rootNode, { where: `sysctl ${prefix || '/'}`, limit: 100_000, onProblem: (p) => problems.push(p) })) {
    try {
      const hdr = k.mem.ptr(node + L.nodeHdr);
      if (k.mem.ptr(hdr + L.hdrUnreg) !== 0n) continue;
      const idx = (node - k.mem.ptr(hdr + L.hdrNode)) / L.nodeSize;
      const entry = k.mem.ptr(hdr + L.hdrTable) + idx * L.tableSize;
      const name = k.mem.cstring(k.mem.ptr(entry + L.procname), 256);
      const mode = L.modeSize === 2 ? k.mem.u16(entry + L.mode) : k.mem.u32(entry + L.mode);
      // sysctl(8) prints a '.' inside a procname (a device "dummy0.10") as '/'
      const path = prefix ? `${prefix}.${name.replaceAll('.', '/')}` : name;
      if ((mode & S_IFMT) === S_IFDIR) walkDir(k, L, hdr, path, out, problems, depth + 1, seen); // ctl_dir starts with its header
      else if ((mode & S_IFMT) !== S_IFLNK) out.push({ path, entry });
    } catch (e) {
      problems.push(unreadable(`sysctl ${prefix || '/'}`, node, e));
    }
  }
}

/** The `net` directory of a set's root directory, or undefined. */
function netDir(k: Kernel, L: Layout, root: bigint, problems: WalkProblem[]): bigint | undefined {
  const found: Found[] = [];
  const rootNode = k.mem.ptr(root + L.dirRoot);
  for (const node of rbtreeNodes(k.mem, rootNode, { where: 'sysctl /', limit: 10_000, onProblem: (p) => problems.push(p) })) {
    const hdr = k.mem.ptr(node + L.nodeHdr);
    const idx = (node - k.mem.ptr(hdr + L.hdrNode)) / L.nodeSize;
    const entry = k.mem.ptr(hdr + L.hdrTable) + idx * L.tableSize;
    if (k.mem.cstring(k.mem.ptr(entry + L.procname), 16) === 'net') found.push({ path: 'net', entry: hdr });
  }
  return found[0]?.entry;
}

// fs/proc/proc_sysctl.c proc_sys_readdir + proc_sys_call_handler, per netns (net/sysctl_net.c)
export function netSysctls(k: Kernel, nets: readonly NetNs[]): { rows: NetnsSysctls[]; problems: WalkProblem[] } {
  const L = layout(k);
  const problems: WalkProblem[] = [];
  const hz = kernelClock(k).hz;
  const globalRoot = k.symbol('sysctl_table_root') + k.off('struct ctl_table_root', 'default_set.dir');
  const globalFound: Found[] = [];
  const gNet = netDir(k, L, globalRoot, problems);
  if (gNet !== undefined) walkDir(k, L, gNet, 'net', globalFound, problems, 0, new Set());
  const init = nets.find((n) => n.isInit)?.address ?? k.symbol('init_net');
  const setDir = k.off('struct net', 'sysctls.dir');
  const rows: NetnsSysctls[] = [];
  for (const ns of nets) {
    const nsProblems: WalkProblem[] = [];
    const own: Found[] = [];
    try {
      const d = netDir(k, L, ns.address + setDir, nsProblems);
      if (d !== undefined) walkDir(k, L, d, 'net', own, nsProblems, 0, new Set());
    } catch (e) {
      nsProblems.push(unreadable('net->sysctls', ns.address, e));
    }
    const out: SysctlRow[] = [];
    const add = (f: Found, perNetns: boolean, net: bigint) => {
      const e: SysctlEntry = { name: f.path, entry: f.entry, net };
      const d = decodeSysctl(k, e, hz);
      out.push({ name: f.path, value: d.value, handler: d.handler, entry: f.entry, perNetns });
    };
    for (const f of globalFound) add(f, false, init);
    for (const f of own) add(f, true, ns.address);
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    rows.push({ netns: ns.inode, rows: out, problems: [...problems, ...nsProblems] });
  }
  return { rows, problems: rows.flatMap((r) => r.problems) };
}
