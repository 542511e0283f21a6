// /proc/net/route (net/ipv4/fib_trie.c fib_route_seq_show).

import { decodeHexIPv4 } from './addr.js';
import { dataLines } from './lines.js';

/** One row of /proc/net/route (IPv4 main table). */
export interface ProcNetRouteRow {
  iface: string;
  destination: string;
  gateway: string;
  flags: number;
  metric: number;
  mask: string;
  /** prefix length computed from the mask */
  prefixLen: number;
  mtu: number;
  raw: string;
}

function popcount32(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x >>>= 1) c += x & 1;
  return c;
}

export function parseProcNetRoute(text: string | undefined): ProcNetRouteRow[] {
  const rows: ProcNetRouteRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
    const t = line.trim().split(/\s+/);
    if (t.length < 11) continue;
    rows.push({
      iface: t[0]!,
      destination: decodeHexIPv4(t[1]!),
      gateway: decodeHexIPv4(t[2]!),
      flags: Number.parseInt(t[3]!, 16),
      metric: Number.parseInt(t[6]!, 10),
      mask: decodeHexIPv4(t[7]!),
      prefixLen: popcount32(Number.parseInt(t[7]!, 16)),
      mtu: Number.parseInt(t[8]!, 10),
      raw: line,
    });
  }
  return rows;
}
