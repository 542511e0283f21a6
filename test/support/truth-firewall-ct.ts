// Parsers for the host fixtures' firewall truth: `nft list hooks`, the chains of
// `nft -a list ruleset`, the tables of `iptables-legacy-save`, and /proc/net/nf_conntrack.

import { formatIPv6 } from './truth.js';

export interface NftHookTruth {
  family: string;
  hook: string;
  priority: number;
  /** The handler, or "chain inet filter input" for an nft chain. */
  name: string;
  module: string | null;
}

/** `nft list hooks`: family { hook X { PRIO NAME [MODULE] } } */
export function parseNftHooks(text: string | undefined): NftHookTruth[] {
  const out: NftHookTruth[] = [];
  let family = '';
  let hook = '';
  for (const line of (text ?? '').split('\n')) {
    let m = /^family (\S+) \{/.exec(line);
    if (m) {
      family = m[1];
      continue;
    }
    m = /^\thook (\S+)(?: device \S+)? \{/.exec(line);
    if (m) {
      hook = m[1];
      continue;
    }
    m = /^\t\t([-+ ])(\d{10}) (.+?)(?: \[(\S+)\])?$/.exec(line);
    if (m) out.push({ family, hook, priority: (m[1] === '-' ? -1 : 1) * Number(m[2]), name: m[3], module: m[4] ?? null });
  }
  return out;
}

export interface NftChainTruth {
  family: string;
  table: string;
  chain: string;
  type: string;
  hook: string;
  device: string | null;
  priority: number;
}

// nft's named priorities for ip/ip6/inet/arp/netdev (nft(8) "CHAINS": raw -300, mangle -150,
// dstnat -100, filter 0, security 50, srcnat 100), with an optional "+ N" / "- N".
const NAMED: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

function priority(text: string): number {
  const m = /^(-?\d+|[a-z]+)(?:\s*([-+])\s*(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`priority '${text}'`);
  const base = /^-?\d+$/.test(m[1]) ? Number(m[1]) : NAMED[m[1]];
  return base + (m[2] ? (m[2] === '-' ? -1 : 1) * Number(m[3]) : 0);
}

/** Base chains of `nft -a list ruleset`. */
export function parseNftBaseChains(text: string | undefined): NftChainTruth[] {
  const out: NftChainTruth[] = [];
  let family = '';
  let table = '';
  let chain = '';
  for (const line of (text ?? '').split('\n')) {
    let m = /^table (\S+) (\S+) \{/.exec(line);
    if (m) {
      [family, table] = [m[1], m[2]];
      continue;
    }
    m = /^\tchain (\S+) \{/.exec(line);
    if (m) {
      chain = m[1];
      continue;
    }
    m = /^\t\ttype (\S+) hook (\S+)(?: device "?([^";\s]+)"?)? priority ([^;]+);/.exec(line);
    if (m) out.push({ family, table, chain, type: m[1], hook: m[2], device: m[3] ?? null, priority: priority(m[4]) });
  }
  return out;
}

/** Table names of an iptables-save listing ("*filter" lines). */
export function parseXtTables(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((l) => l.startsWith('*')).map((l) => l.slice(1).trim());
}

export interface CtTupleTruth {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
  id?: number;
  packets?: number;
  bytes?: number;
}

export interface CtTruth {
  l3: string;
  proto: string;
  timeout: number;
  state: string | null;
  original: CtTupleTruth;
  reply: CtTupleTruth;
  /** The bracketed flags: UNREPLIED, ASSURED, OFFLOAD ... */
  flags: string[];
  mark: number;
  zone: number | null;
  use: number;
  line: string;
}

/** An address as /proc prints it (IPv6 as 8 full groups) in inet_ntop's form. */
function normAddr(a: string): string {
  if (!/^[0-9a-f]{4}(:[0-9a-f]{4}){7}$/.test(a)) return a;
  const b = new Uint8Array(16);
  a.split(':').forEach((g, i) => {
    const v = parseInt(g, 16);
    b[i * 2] = v >> 8;
    b[i * 2 + 1] = v & 0xff;
  });
  return formatIPv6(b);
}

/** /proc/net/nf_conntrack (or `conntrack -L -o extended`) lines. */
export function parseConntrack(text: string | undefined): CtTruth[] {
  const out: CtTruth[] = [];
  for (const line of (text ?? '').split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 6 || !/^ipv[46]$/.test(w[0])) continue;
    let i = 4;
    const timeout = Number(w[i++]);
    const state = /^[A-Z_0-9]+$/.test(w[i]) && !w[i].includes('=') ? w[i++] : null;
    const tuples: CtTupleTruth[] = [];
    const flags: string[] = [];
    const kv: Record<string, number> = {};
    let cur: CtTupleTruth | undefined;
    for (; i < w.length; i++) {
      const t = w[i];
      if (t.startsWith('[')) {
        flags.push(t.slice(1, -1));
        continue;
      }
      const [k, v] = t.split('=');
      if (k === 'src') {
        cur = { src: normAddr(v), dst: '' };
        tuples.push(cur);
      } else if (k === 'dst') cur!.dst = normAddr(v);
      else if (['sport', 'dport', 'type', 'code', 'id', 'packets', 'bytes'].includes(k) && cur) {
        (cur as unknown as Record<string, number>)[k] = Number(v);
      } else kv[k] = Number(v);
    }
    out.push({
      l3: w[0],
      proto: w[2],
      timeout,
      state,
      original: tuples[0],
      reply: tuples[1],
      flags,
      mark: kv.mark,
      zone: 'zone' in kv ? kv.zone : null,
      use: kv.use,
      line,
    });
  }
  return out;
}

/** A key for one entry: protocol and both tuples without counters. */
export function ctKey(proto: string, o: CtTupleTruth, r: CtTupleTruth): string {
  const t = (x: CtTupleTruth) => `${x.src}>${x.dst} ${x.sport ?? ''}>${x.dport ?? ''} ${x.type ?? ''}/${x.code ?? ''}/${x.id ?? ''}`;
  return `${proto} ${t(o)} | ${t(r)}`;
}
