// /proc/net/snmp, /proc/net/netstat (header/value line pairs), /proc/net/snmp6 (key value
// lines) and /proc/net/sockstat[6] (net/ipv4/proc.c, net/ipv6/proc.c).

import { dataLines } from './lines.js';

/** "Tcp: A B C" / "Tcp: 1 2 3" pairs (/proc/net/snmp and /proc/net/netstat) */
export function parseHeaderValuePairs(text: string | undefined): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = dataLines(text);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const h = lines[i]!.split(/\s+/);
    const v = lines[i + 1]!.split(/\s+/);
    const name = h[0]!.replace(/:$/, '');
    const m = out.get(name) ?? new Map<string, number>();
    for (let j = 1; j < h.length && j < v.length; j++) m.set(h[j]!, Number(v[j]));
    out.set(name, m);
  }
  return out;
}

/** "Ip6InReceives   12" lines */
export function parseKeyValueLines(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of dataLines(text)) {
    const t = line.trim().split(/\s+/);
    if (t.length >= 2) out.set(t[0]!, Number(t[1]));
  }
  return out;
}

/** "TCP: inuse 10 orphan 0 tw 3 alloc 20 mem 1" */
export function parseSockstat(text: string | undefined): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of dataLines(text)) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const kv = m[2]!.trim().split(/\s+/);
    const map = new Map<string, number>();
    for (let i = 0; i + 1 < kv.length; i += 2) map.set(kv[i]!, Number(kv[i + 1]));
    out.set(m[1]!, map);
  }
  return out;
}
