// Truth of the `host` scenario fixtures (dumps/*-host/): the sections guest/host.sh adds
// to the default scenario's truth — Debian's iproute2/tc/nft/iptables/conntrack output per
// netns, softnet_stat, /proc/net/nf_conntrack, dmesg and /dev/kmsg. See dumps/README.md.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, type Truth } from './truth.js';

/** Host-scenario fixture directories, oldest kernel first. */
export const HOST_FIXTURE_NAMES = ['bullseye-5.10-host', 'bookworm-6.1-host', 'trixie-6.12-host', 'sid-7.2-host'] as const;

/** Host fixtures whose kdump file is in the checkout; `moduleBtf`: only kernels whose modules
 *  carry BTF (not 5.10), which the nft and iptables walkers need. */
export function presentHostFixtures(opts: { moduleBtf?: boolean } = {}): string[] {
  return HOST_FIXTURE_NAMES.filter((n) => !(opts.moduleBtf && n === 'bullseye-5.10-host') && existsSync(join(fixtureDir(n), 'vmcore.kdump')));
}

/** Per-netns sections added by the host scenario (`<prefix>.<ns>.<what>` in truth.txt). */
export const HOST_NS_SECTIONS = [
  'net.NS.softnet_stat',
  'net.NS.nf_conntrack',
  'ip.NS.link.detail',
  'ip.NS.link.stats',
  'ip.NS.addr.full',
  'ip.NS.route.all',
  'ip.NS.route6.all',
  'ip.NS.route.cache',
  'ip.NS.route6.cache',
  'ip.NS.rule',
  'ip.NS.rule6',
  'ip.NS.nexthop',
  'ip.NS.neigh.v4',
  'ip.NS.neigh.v6',
  'ip.NS.neigh.all',
  'ip.NS.neigh.proxy',
  'tc.NS.qdisc',
  'tc.NS.class',
  'nft.NS.ruleset',
  'nft.NS.hooks',
  'iptables.NS.save',
  'ip6tables.NS.save',
  'conntrack.NS.list',
  'conntrack.NS.count',
  'conntrack.NS.max',
] as const;

/** One host section of a netns (`hostSection(t, 'init', 'tc.NS.qdisc')`), undefined if not printed. */
export function hostSection(truth: Truth, ns: string, pattern: string): string | undefined {
  return truth.sections.get(pattern.replace('NS', ns));
}

/** A line of /proc/net/nf_conntrack. */
export interface ConntrackRow {
  l3: string; // ipv4 | ipv6
  l4: string; // tcp | udp | icmp | icmpv6 | ...
  protonum: number;
  timeout: number;
  state?: string; // TCP state (SYN_RECV, ESTABLISHED, ...)
  orig: Record<string, string>; // src, dst, sport, dport, type, code, id, packets, bytes
  reply: Record<string, string>;
  flags: string[]; // UNREPLIED, ASSURED, ...
  extra: Record<string, string>; // mark, zone, use, ...
}

/** /proc/net/nf_conntrack: `ipv4 2 tcp 6 53 SYN_RECV src=.. dst=.. [UNREPLIED] src=.. mark=0 use=1`. */
export function parseNfConntrack(text: string | undefined): ConntrackRow[] {
  const rows: ConntrackRow[] = [];
  for (const line of (text ?? '').split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 6 || !/^ipv[46]$/.test(w[0]!)) continue;
    const row: ConntrackRow = {
      l3: w[0]!,
      l4: w[2]!,
      protonum: Number(w[3]),
      timeout: Number(w[4]),
      orig: {},
      reply: {},
      flags: [],
      extra: {},
    };
    let i = 5;
    if (!w[i]!.includes('=') && !w[i]!.startsWith('[')) row.state = w[i++];
    let dir: 'orig' | 'reply' | 'extra' = 'orig';
    for (; i < w.length; i++) {
      const t = w[i]!;
      if (t.startsWith('[')) {
        row.flags.push(t.slice(1, -1));
        continue;
      }
      const eq = t.indexOf('=');
      if (eq < 0) continue;
      const k = t.slice(0, eq);
      const v = t.slice(eq + 1);
      if (k === 'src' && dir === 'orig' && 'src' in row.orig) dir = 'reply';
      if (dir !== 'extra' && !['src', 'dst', 'sport', 'dport', 'type', 'code', 'id', 'packets', 'bytes'].includes(k)) dir = 'extra';
      row[dir][k] = v;
    }
    rows.push(row);
  }
  return rows;
}

/** /proc/net/softnet_stat: one row of hex columns per CPU (processed, dropped, time_squeeze, ...). */
export function parseSoftnetStat(text: string | undefined): number[][] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l)
    .map((l) => l.split(/\s+/).map((h) => parseInt(h, 16)));
}

/** A /dev/kmsg record: `level,seq,usec,flags[,...];text` (facility in level's upper bits). */
export interface KmsgRecord {
  level: number;
  facility: number;
  seq: number;
  usec: number;
  text: string;
}

/** The `kmsg` section (continuation lines, starting with a space, are dropped). */
export function parseKmsg(text: string | undefined): KmsgRecord[] {
  const out: KmsgRecord[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+),(\d+),(\d+),[^;]*;(.*)$/.exec(line);
    if (!m) continue;
    const pri = Number(m[1]);
    out.push({ level: pri & 7, facility: pri >> 3, seq: Number(m[2]), usec: Number(m[3]), text: m[4]! });
  }
  return out;
}

/** `tc -s qdisc show`: kind, handle, dev, parent and the Sent/dropped/backlog counters per qdisc. */
export interface QdiscRow {
  kind: string;
  handle: string;
  dev: string;
  parent: string; // 'root' or the parent handle
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
  requeues: number;
  backlogBytes: number;
  backlogPackets: number;
}

export function parseTcQdisc(text: string | undefined): QdiscRow[] {
  const rows: QdiscRow[] = [];
  let cur: QdiscRow | undefined;
  const size = (s: string): number => {
    const m = /^(\d+)([KMG]?)b$/.exec(s);
    if (!m) return NaN;
    return Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]!]!;
  };
  for (const line of (text ?? '').split('\n')) {
    const q = /^qdisc (\S+) (\S+) dev (\S+) (root|parent (\S+))/.exec(line);
    if (q) {
      cur = {
        kind: q[1]!,
        handle: q[2]!,
        dev: q[3]!,
        parent: q[4] === 'root' ? 'root' : q[5]!,
        bytes: 0,
        packets: 0,
        drops: 0,
        overlimits: 0,
        requeues: 0,
        backlogBytes: 0,
        backlogPackets: 0,
      };
      rows.push(cur);
      continue;
    }
    if (!cur) continue;
    const s = /Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+) requeues (\d+)\)/.exec(line);
    if (s) {
      cur.bytes = Number(s[1]);
      cur.packets = Number(s[2]);
      cur.drops = Number(s[3]);
      cur.overlimits = Number(s[4]);
      cur.requeues = Number(s[5]);
    }
    const b = /backlog (\S+) (\d+)p/.exec(line);
    if (b) {
      cur.backlogBytes = size(b[1]!);
      cur.backlogPackets = Number(b[2]);
    }
  }
  return rows;
}
