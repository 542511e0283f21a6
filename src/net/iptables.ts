// Legacy x_tables rules (iptables-legacy, ip6tables-legacy) of each network namespace, as
// `iptables-save -c` prints them. net/netfilter/x_tables.c keeps each netns's tables per
// family (xt_pernet->tables[NFPROTO_*] via net_generic(xt_pernet_id); 5.10: net->xt.tables[]);
// net/ipv4/netfilter/ip_tables.c (get_entries / copy_entries_to_user) shows how the rules lie:
// one blob of ipt_entry/ip6t_entry, each `next_offset` long, matches up to `target_offset`,
// then the target. Built-in chains run hook_entry[h] .. underflow[h] (the policy entry); a
// user chain starts with an ERROR target named after it and ends with a RETURN; the blob ends
// with ERROR "ERROR". Counters are per CPU when nr_cpu_ids > 1 (xt_percpu_counter_alloc: pcnt
// holds the per-CPU address of a struct xt_counters).
//
// Kernel structures read here: struct xt_table {list; valid_hooks; private; af; name},
// struct xt_table_info {size; hook_entry[5]; underflow[5]; entries[]}, struct xt_match /
// xt_target {name; revision}; the uapi ipt_entry, ip6t_entry, xt_entry_match/target.

import type { Kernel } from '../kernel/kernel.js';
import { perKernel } from '../kernel/memo.js';
import { unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { ipv6 } from './addr.js';
import { PROTO_NAMES } from './nft-names.js';
import { matchText, targetText } from './xt-ext.js';
import { GAP } from '../kernel/walk.js';

export interface XtChain {
  name: string;
  builtin: boolean;
  /** ACCEPT/DROP for a built-in chain, '-' for a user chain. */
  policy: string;
  packets: bigint;
  bytes: bigint;
}

export interface XtRule {
  chain: string;
  packets: bigint;
  bytes: bigint;
  /** What follows `-A CHAIN` in iptables-save. */
  spec: string;
  offset: number;
}

export interface XtTable {
  netns: number;
  family: 'ipv4' | 'ipv6';
  name: string;
  chains: XtChain[];
  rules: XtRule[];
  address: bigint;
}

export interface XtWalk {
  rows: XtTable[];
  problems: WalkProblem[];
  unavailable: string | null;
}

const HOOKS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];
const VERDICTS: Record<number, string> = { [-1]: 'DROP', [-2]: 'ACCEPT', [-4]: 'QUEUE', [-5]: 'RETURN' };
const MAX_BLOB = 64 << 20;

const fields = perKernel((k: Kernel) => {
  const T = 'struct xt_table';
  const I = 'struct xt_table_info';
  return {
    netXt: k.tryField('struct net', 'xt.tables'),
    pernet: k.tryField('struct xt_pernet', 'tables'),
    gen: k.field('struct net', 'gen'), genPtr: k.off('struct net_generic', 'ptr'),
    list: k.field(T, 'list'), valid: k.field(T, 'valid_hooks'), priv: k.field(T, 'private'), name: k.field(T, 'name'),
    size: k.field(I, 'size'), hookEntry: k.field(I, 'hook_entry'), underflow: k.field(I, 'underflow'), entries: k.off(I, 'entries'),
    mName: k.field('struct xt_match', 'name'), mRev: k.field('struct xt_match', 'revision'),
    tName: k.field('struct xt_target', 'name'), tRev: k.field('struct xt_target', 'revision'),
  };
});

export function xtUnavailable(k: Kernel): string | null {
  if (k.trySymbol('xt_register_table') === undefined) return 'x_tables is not loaded in this kernel (no xt_register_table symbol): no legacy iptables rules';
  if (!k.has('struct xt_table_info', 'hook_entry') || !k.has('struct xt_match', 'name') || !k.has('struct ipt_entry', 'elems')) {
    return 'x_tables types are not in this dump: x_tables is a module and this kernel keeps no module BTF (Linux 5.11+); legacy rules cannot be decoded';
  }
  return null;
}

function tablesHead(k: Kernel, net: bigint, nfproto: number): bigint {
  const F = fields(k);
  if (F.netXt) return net + F.netXt.offsetN + BigInt(nfproto) * 16n;
  const id = k.mem.u32(k.symbol('xt_pernet_id'));
  const pernet = k.mem.ptr(k.ptr(net, F.gen) + F.genPtr + BigInt(id) * 8n);
  if (!pernet) throw new Error(`net_generic slot ${id} is empty`);
  return pernet + F.pernet!.offsetN + BigInt(nfproto) * 16n;
}

// net/netfilter/x_tables.c: the tables of each family, newest registered first (list_add),
// which is the order /proc/net/ip_tables_names and so iptables-save show them
export function xtTables(k: Kernel, nets: NetNs[]): XtWalk {
  const why = xtUnavailable(k);
  const problems: WalkProblem[] = [];
  if (why) return { rows: [], problems, unavailable: why };
  const F = fields(k);
  const rows: XtTable[] = [];
  for (const n of nets) {
    for (const [nfproto, family] of [[2, 'ipv4'], [10, 'ipv6']] as const) {
      let head: bigint;
      try {
        head = tablesHead(k, n.address, nfproto);
      } catch (e) {
        problems.push(unreadable(`x_tables of netns ${n.inode}`, n.address, e));
        continue;
      }
      for (const link of listEntries(k.mem, head, { where: `${family} x_tables`, limit: 64, onProblem: (p) => problems.push(p) })) {
        const t = link - F.list.offsetN;
        try {
          rows.push(readTable(k, t, n.inode, family));
        } catch (e) {
          problems.push(unreadable(`${family} x_table`, t, e));
        }
      }
    }
  }
  return { rows, problems, unavailable: null };
}

interface Entry {
  off: number;
  next: number;
  targetOff: number;
  packets: bigint;
  bytes: bigint;
  target: string;
  targetRev: number;
  tdata: Buffer;
  verdict: number;
  matches: { name: string; rev: number; data: Buffer }[];
  ip: Buffer;
}

function readTable(k: Kernel, t: bigint, netns: number, family: 'ipv4' | 'ipv6'): XtTable {
  const F = fields(k);
  const v6 = family === 'ipv6';
  const E = v6 ? 'struct ip6t_entry' : 'struct ipt_entry';
  const name = k.str(t, F.name);
  const valid = k.num(t, F.valid);
  const info = k.ptr(t, F.priv);
  const size = k.num(info, F.size);
  if (size <= 0 || size > MAX_BLOB) throw new Error(`table ${name}: ${size} bytes of rules`);
  const blob = k.mem.read(info + F.entries, size);
  const hookEntry = [...Array(5)].map((_, i) => k.mem.u32(info + F.hookEntry.offsetN + BigInt(i * 4)));
  const underflow = [...Array(5)].map((_, i) => k.mem.u32(info + F.underflow.offsetN + BigInt(i * 4)));
  const ipLen = Number(k.off(E, 'nfcache')); // struct ipt_ip / ip6t_ip6 comes first
  const tOffF = Number(k.off(E, 'target_offset'));
  const nOffF = Number(k.off(E, 'next_offset'));
  const cntF = Number(k.off(E, 'counters'));
  const elemsF = Number(k.off(E, 'elems'));
  const percpu = k.cpuIdCount() > 1;
  const entries: Entry[] = [];
  for (let off = 0; off < size && entries.length < 1_000_000; ) {
    const targetOff = blob.readUInt16LE(off + tOffF);
    const next = blob.readUInt16LE(off + nOffF);
    if (next < elemsF || off + next > size || targetOff > next) throw new Error(`table ${name}: bad entry at +${off} (next_offset ${next})`);
    let packets: bigint; let bytes: bigint;
    const pcnt = blob.readBigUInt64LE(off + cntF);
    if (percpu) {
      packets = k.perCpuSum(pcnt); bytes = k.perCpuSum(pcnt + 8n);
    } else {
      packets = pcnt; bytes = blob.readBigUInt64LE(off + cntF + 8);
    }
    const matches: Entry['matches'] = [];
    for (let m = off + elemsF; m < off + targetOff; ) {
      const msize = blob.readUInt16LE(m);
      if (msize < 32) break;
      const mp = blob.readBigUInt64LE(m + 8);
      matches.push({ name: k.str(mp, F.mName), rev: k.num(mp, F.mRev), data: blob.subarray(m + 32, m + msize) });
      m += msize;
    }
    const tp = blob.readBigUInt64LE(off + targetOff + 8);
    const tsize = blob.readUInt16LE(off + targetOff);
    const tdata = blob.subarray(off + targetOff + 32, off + targetOff + tsize);
    entries.push({ off, next, targetOff, packets, bytes, target: k.str(tp, F.tName), targetRev: k.num(tp, F.tRev), tdata,
      verdict: tdata.length >= 4 ? tdata.readInt32LE(0) : 0, matches, ip: blob.subarray(off, off + ipLen) });
    off += next;
  }
  // user chains: ERROR entries (but the last, "ERROR"); a jump lands on the entry after the head
  const heads = entries.filter((e, i) => e.target === 'ERROR' && i < entries.length - 1);
  const chainAt = new Map<number, string>();
  for (const h of heads) chainAt.set(h.off + h.next, errorName(h.tdata));
  const chains: XtChain[] = [];
  const rules: XtRule[] = [];
  const ruleOf = (e: Entry, chain: string): XtRule => ({ chain, packets: e.packets, bytes: e.bytes, spec: ruleSpec(e, v6, chainAt), offset: e.off });
  for (let h = 0; h < 5; h++) {
    if (!(valid & (1 << h))) continue;
    const pol = entries.find((e) => e.off === underflow[h]);
    chains.push({ name: HOOKS[h], builtin: true, policy: pol ? VERDICTS[pol.verdict] ?? String(pol.verdict) : GAP, packets: pol?.packets ?? 0n, bytes: pol?.bytes ?? 0n });
    for (const e of entries) if (e.off >= hookEntry[h] && e.off < underflow[h]) rules.push(ruleOf(e, HOOKS[h]));
  }
  const user = heads.map((h) => ({ head: h, name: errorName(h.tdata) })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { head, name: cname } of user) {
    chains.push({ name: cname, builtin: false, policy: '-', packets: 0n, bytes: 0n });
    const i = entries.indexOf(head);
    // the chain's rules, up to (not including) its tail RETURN before the next head
    let j = i + 1;
    while (j < entries.length && entries[j].target !== 'ERROR') j++;
    for (const e of entries.slice(i + 1, j - 1)) rules.push(ruleOf(e, cname));
  }
  return { netns, family, name, chains, rules, address: t };
}

function errorName(d: Buffer): string {
  const z = d.indexOf(0);
  return d.subarray(0, z < 0 ? Math.min(d.length, 30) : z).toString('latin1');
}

function addr4(a: Buffer, m: Buffer): string {
  const bits = [...m].reduce((n, x) => n + (x.toString(2).match(/1/g)?.length ?? 0), 0);
  return `${a[0]}.${a[1]}.${a[2]}.${a[3]}/${bits}`;
}

function addr6(a: Buffer, m: Buffer): string {
  const bits = [...m].reduce((n, x) => n + (x.toString(2).match(/1/g)?.length ?? 0), 0);
  return `${ipv6(a)}/${bits}`;
}

// iptables/iptables.c print_rule4 / ip6tables.c print_rule6 (save form): -s -d -i -o -p -f, matches, target
function ruleSpec(e: Entry, v6: boolean, chainAt: Map<number, string>): string {
  const p: string[] = [];
  const b = e.ip;
  const al = v6 ? 16 : 4;
  const src = b.subarray(0, al), dst = b.subarray(al, 2 * al), smsk = b.subarray(2 * al, 3 * al), dmsk = b.subarray(3 * al, 4 * al);
  const io = 4 * al;
  const inName = b.subarray(io, io + 16), outName = b.subarray(io + 16, io + 32), inMask = b.subarray(io + 32, io + 48), outMask = b.subarray(io + 48, io + 64);
  const po = io + 64;
  const proto = b.readUInt16LE(po);
  const flags = v6 ? b[po + 3] : b[po + 2];
  const invf = v6 ? b[po + 4] : b[po + 3];
  const neg = (bit: number) => (invf & bit ? '! ' : '');
  if (smsk.some((x) => x)) p.push(`${neg(0x08)}-s ${v6 ? addr6(src, smsk) : addr4(src, smsk)}`);
  if (dmsk.some((x) => x)) p.push(`${neg(0x10)}-d ${v6 ? addr6(dst, dmsk) : addr4(dst, dmsk)}`);
  if (inName[0]) p.push(`${neg(0x01)}-i ${ifaceText(inName, inMask)}`);
  if (outName[0]) p.push(`${neg(0x02)}-o ${ifaceText(outName, outMask)}`);
  if (proto) p.push(`${neg(0x40)}-p ${PROTO_NAMES[proto] ?? proto}`);
  if (!v6 && flags & 1) p.push(`${neg(0x20)}-f`);
  for (const m of e.matches) p.push(matchText(m.name, m.rev, m.data, v6));
  if (e.target === '') {
    if (e.verdict >= 0) {
      const c = chainAt.get(e.verdict);
      if (e.verdict !== e.off + e.next) p.push(`-j ${c ?? `@${e.verdict}`}`);
    } else p.push(`-j ${VERDICTS[e.verdict] ?? e.verdict}`);
  } else p.push(targetText(e.target, e.targetRev, e.tdata, v6));
  return p.join(' ');
}

// iptables xtables.c save_iface: a mask shorter than the name + NUL is a '+' wildcard
function ifaceText(name: Buffer, mask: Buffer): string {
  const z = name.indexOf(0);
  const s = name.subarray(0, z < 0 ? 16 : z).toString('latin1');
  const masked = mask.indexOf(0) < 0 ? 16 : mask.indexOf(0);
  return masked <= s.length ? s.slice(0, masked) + '+' : s;
}
