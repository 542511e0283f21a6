// Route truth beyond /proc/net/route (parsed in truth.ts): /proc/net/ipv6_route rows, busybox
// `ip route` / `ip -6 route` lines, and the addresses `ip addr` listed, per namespace.

import { formatIPv6 } from './truth.js';

/** %pi6: 32 hex digits in network byte order. */
function pi6(hex: string): string {
  return formatIPv6(Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16))));
}

/** One row of /proc/net/ipv6_route (ipv6_route_native_seq_show). */
export interface ProcNetIpv6RouteRow {
  destination: string;
  prefixLen: number;
  source: string;
  sourceLen: number;
  gateway: string;
  metric: number;
  refcnt: number;
  use: number;
  flags: number;
  iface: string;
}

export function parseProcNetIpv6Route(text: string | undefined): ProcNetIpv6RouteRow[] {
  const rows: ProcNetIpv6RouteRow[] = [];
  for (const line of (text ?? '').split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t.length < 10 || t[0]!.length !== 32) continue;
    rows.push({
      destination: pi6(t[0]!),
      prefixLen: Number.parseInt(t[1]!, 16),
      source: pi6(t[2]!),
      sourceLen: Number.parseInt(t[3]!, 16),
      gateway: pi6(t[4]!),
      metric: Number.parseInt(t[5]!, 16),
      refcnt: Number.parseInt(t[6]!, 16),
      use: Number.parseInt(t[7]!, 16),
      flags: Number.parseInt(t[8]!, 16) >>> 0,
      iface: t[9]!,
    });
  }
  return rows;
}

/** Lines of busybox `ip route` output, whitespace collapsed. */
export function ipRouteTruthLines(text: string | undefined): string[] {
  return (text ?? '').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean);
}

/** `inet A/N scope S [secondary] DEV` addresses of busybox `ip addr`: address, prefix, device. */
export function ipAddrInet(text: string | undefined): { address: string; prefixLen: number; dev: string; secondary: boolean }[] {
  const out: { address: string; prefixLen: number; dev: string; secondary: boolean }[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s+inet (\d+\.\d+\.\d+\.\d+)\/(\d+) .*?(secondary )?(\S+)$/.exec(line.trimEnd());
    if (m) out.push({ address: m[1]!, prefixLen: Number(m[2]), dev: m[4]!, secondary: !!m[3] });
  }
  return out;
}
