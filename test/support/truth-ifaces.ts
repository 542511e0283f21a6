// Interface sections of a fixture's truth.txt: busybox `ip link` / `ip addr` and
// /proc/net/if_inet6 of each namespace.

import { formatIPv6 } from './truth.js';

export interface IpLinkTruth {
  ifindex: number;
  name: string;
  /** text after '@' ("dummy0", "if8"), null when none */
  link: string | null;
  flags: string[];
  mtu: number;
  qdisc: string;
  master: string | null;
  qlen: number | null;
  type: string;
  mac: string;
  brd: string;
  /** the header line as printed */
  header: string;
  inet: { local: string; prefixLen: number; brd: string | null; scope: string; secondary: boolean; label: string; line: string }[];
  inet6: { address: string; prefixLen: number; scope: string; line: string }[];
}

/** busybox ip link / ip addr output → one entry per interface. */
export function parseIpAddr(text: string | undefined): IpLinkTruth[] {
  const out: IpLinkTruth[] = [];
  let cur: IpLinkTruth | undefined;
  for (const line of (text ?? '').split('\n')) {
    const h = /^(\d+): ([^:@]+)(?:@([^:]+))?: <([^>]*)> mtu (\d+) qdisc (\S+)(?: master (\S+))?.*?(?: qlen (\d+))?\s*$/.exec(line);
    if (h) {
      cur = {
        ifindex: Number(h[1]), name: h[2]!, link: h[3] ?? null, flags: h[4]!.split(',').filter(Boolean),
        mtu: Number(h[5]), qdisc: h[6]!, master: h[7] ?? null, qlen: h[8] ? Number(h[8]) : null,
        type: '', mac: '', brd: '', header: line.trimEnd(), inet: [], inet6: [],
      };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const l = /^\s+link\/(\S+)(?: (\S+))?(?: brd (\S+))?/.exec(line);
    if (l) {
      cur.type = l[1]!;
      cur.mac = l[2] ?? '';
      cur.brd = l[3] ?? '';
      continue;
    }
    const a = /^\s+inet (\S+)\/(\d+)(?: brd (\S+))? scope (\S+)( secondary)?.*?(\S+)\s*$/.exec(line);
    if (a) {
      cur.inet.push({ local: a[1]!, prefixLen: Number(a[2]), brd: a[3] ?? null, scope: a[4]!, secondary: !!a[5], label: a[6]!, line: line.trimEnd() });
      continue;
    }
    const b = /^\s+inet6 (\S+)\/(\d+) scope (\S+)/.exec(line);
    if (b) cur.inet6.push({ address: b[1]!, prefixLen: Number(b[2]), scope: b[3]!, line: line.trimEnd() });
  }
  return out;
}

export interface IfInet6Truth {
  address: string;
  ifindex: number;
  prefixLen: number;
  scope: number;
  flags: number;
  name: string;
}

/** /proc/net/if_inet6: "%pi6 %02x %02x %02x %02x %8s". */
export function parseIfInet6(text: string | undefined): IfInet6Truth[] {
  const out: IfInet6Truth[] = [];
  for (const line of (text ?? '').split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t.length !== 6 || t[0]!.length !== 32) continue;
    out.push({
      address: formatIPv6(Uint8Array.from(t[0]!.match(/../g)!.map((h) => parseInt(h, 16)))), // network byte order
      ifindex: parseInt(t[1]!, 16), prefixLen: parseInt(t[2]!, 16), scope: parseInt(t[3]!, 16), flags: parseInt(t[4]!, 16), name: t[5]!,
    });
  }
  return out;
}
