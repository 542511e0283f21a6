// `--count summary`: what `ss -s` prints, counted from the socket tables (ss reads
// /proc/net/sockstat, net/ipv4/proc.c sockstat_seq_show: "inuse" is the protocol's hashed
// full sockets, "tw" the TIME_WAIT ones, "orphan" the SOCK_DEAD ones).

import type { Session } from './session.js';
import type { SocketRow } from '../net/socket-row.js';
import type { Family } from './families.js';

export interface TransportCount {
  total: number;
  ip: number;
  ipv6: number;
}

export interface SocketSummary {
  netns: number | 'all';
  total: number;
  tcp: { total: number; estab: number; synRecv: number; timewait: number; orphaned: number | null };
  transport: Record<'raw' | 'udp' | 'tcp' | 'inet', TransportCount>;
}

// include/net/sock.h: enum sock_flags, SOCK_DEAD is its first value (bit 0 of sk_flags)
function dead(s: Session, r: SocketRow): boolean | undefined {
  const k = s.kernel;
  const f = k.tryField('struct sock', '__sk_common.skc_flags'); // #define sk_flags
  const bit = k.btf.findEnumerator('SOCK_DEAD')?.value;
  if (!f || bit === undefined) return undefined;
  try {
    return ((k.big(r.sock, f) >> BigInt(bit)) & 1n) === 1n;
  } catch {
    return undefined;
  }
}

export function socketSummary(s: Session, netns: number | undefined): SocketSummary {
  const rows = (f: Family) => s.tables.sockets(f).rows.filter((r) => netns === undefined || r.netns === netns);
  const tcp = rows('tcp');
  const full = tcp.filter((r) => r.kind === 'sock');
  const count = (rs: SocketRow[], v4: string, v6: string): TransportCount => {
    const ip = rs.filter((r) => r.proto === v4).length;
    const ipv6 = rs.filter((r) => r.proto === v6).length;
    return { total: ip + ipv6, ip, ipv6 };
  };
  const raw = count(rows('raw'), 'raw', 'raw6');
  const udp = count(rows('udp'), 'udp', 'udp6');
  const tcpT = count(full, 'tcp', 'tcp6');
  let orphaned: number | null = 0;
  for (const r of full) {
    const d = dead(s, r);
    if (d === undefined) {
      orphaned = null;
      break;
    }
    if (d) orphaned++;
  }
  const inet = { total: raw.total + udp.total + tcpT.total, ip: raw.ip + udp.ip + tcpT.ip, ipv6: raw.ipv6 + udp.ipv6 + tcpT.ipv6 };
  const all = (['tcp', 'udp', 'raw', 'unix', 'packet', 'netlink'] as Family[]).reduce((a, f) => a + rows(f).filter((r) => r.kind === 'sock').length, 0);
  return {
    netns: netns ?? 'all',
    total: all,
    tcp: {
      total: tcp.length,
      estab: full.filter((r) => r.state === 'ESTABLISHED').length,
      synRecv: tcp.filter((r) => r.kind === 'request').length,
      timewait: tcp.filter((r) => r.kind === 'timewait').length,
      orphaned,
    },
    transport: { raw, udp, tcp: tcpT, inet },
  };
}

/** ss -s's layout. */
export function summaryLines(m: SocketSummary): string[] {
  const t = m.tcp;
  const row = (name: string, c: TransportCount) => `${name.padEnd(9)} ${String(c.total).padEnd(9)} ${String(c.ip).padEnd(9)} ${c.ipv6}`;
  return [
    `Total: ${m.total}`,
    `TCP:   ${t.total} (estab ${t.estab}, synrecv ${t.synRecv}, timewait ${t.timewait}, orphaned ${t.orphaned ?? '?'})`,
    '',
    'Transport Total     IP        IPv6',
    row('RAW', m.transport.raw),
    row('UDP', m.transport.udp),
    row('TCP', m.transport.tcp),
    row('INET', m.transport.inet),
  ];
}
