// One sk_buff: sizes, and the IPv4/IPv6 + TCP/UDP headers it carries, decoded from
// skb->head + network/transport header offsets (include/linux/skbuff.h: skb_network_header).

import type { Kernel } from '../kernel/kernel.js';
import { ipv4FromLE, ipv6 } from './addr.js';

export interface SkbInfo {
  len: number;
  dataLen: number;
  truesize: number;
  protocol: number;
  headers: string[];
}

export function skbInfo(k: Kernel, skb: bigint): SkbInfo {
  const B = 'struct sk_buff';
  const n = (p: string) => k.num(skb, k.field(B, p));
  const info: SkbInfo = { len: n('len'), dataLen: n('data_len'), truesize: n('truesize'), protocol: 0, headers: [] };
  const proto = k.tryField(B, 'protocol');
  if (proto) {
    const v = k.num(skb, proto);
    info.protocol = ((v & 0xff) << 8) | (v >> 8);
  }
  try {
    const head = k.ptr(skb, k.field(B, 'head'));
    const nh = k.num(skb, k.field(B, 'network_header'));
    const th = k.num(skb, k.field(B, 'transport_header'));
    if (nh === 0xffff) return info; // not set (skb built by a protocol above IP)
    info.headers.push(...decodeHeaders(k, head + BigInt(nh), th === 0xffff ? undefined : head + BigInt(th)));
  } catch (e) {
    info.headers.push(`(headers unreadable: ${(e as Error).message})`);
  }
  return info;
}

/** IPv4/IPv6 header at `ip`, then the TCP or UDP header at `l4` (default: right after IP),
 *  as tcpdump would summarise them (include/uapi/linux/ip.h, ipv6.h, tcp.h, udp.h). */
export function decodeHeaders(k: Kernel, ip: bigint, l4?: bigint): string[] {
  const out: string[] = [];
  const h = k.mem.read(ip, 40);
  const version = h[0] >> 4;
  let proto = -1;
  let next = ip;
  if (version === 4) {
    proto = h[9];
    next = ip + BigInt((h[0] & 0xf) * 4);
    out.push(`IPv4 ${ipv4FromLE(h.readUInt32LE(12))} > ${ipv4FromLE(h.readUInt32LE(16))} proto=${proto} ttl=${h[8]} tot_len=${h.readUInt16BE(2)} id=${h.readUInt16BE(4)}`);
  } else if (version === 6) {
    proto = h[6];
    next = ip + 40n;
    out.push(`IPv6 ${ipv6(h, 8)} > ${ipv6(h, 24)} next=${proto} hlim=${h[7]} plen=${h.readUInt16BE(4)}`);
  } else {
    out.push(`not an IP header (version ${version})`);
    return out;
  }
  const at = l4 ?? next;
  if (proto === 6) {
    const t = k.mem.read(at, 20);
    const flags = t[13];
    const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'].filter((_, i) => flags & (1 << i));
    out.push(`TCP ${t.readUInt16BE(0)} > ${t.readUInt16BE(2)} seq=${t.readUInt32BE(4)} ack=${t.readUInt32BE(8)} [${names.join(',')}] win=${t.readUInt16BE(14)}`);
  } else if (proto === 17 || proto === 136) {
    const t = k.mem.read(at, 8);
    out.push(`${proto === 17 ? 'UDP' : 'UDP-Lite'} ${t.readUInt16BE(0)} > ${t.readUInt16BE(2)} len=${t.readUInt16BE(4)}`);
  }
  return out;
}
