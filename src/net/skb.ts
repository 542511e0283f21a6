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
    const ip = k.mem.read(head + BigInt(nh), 40);
    const version = ip[0] >> 4;
    let l4 = -1;
    if (version === 4) {
      l4 = ip[9];
      info.headers.push(`IPv4 ${ipv4FromLE(ip.readUInt32LE(12))} > ${ipv4FromLE(ip.readUInt32LE(16))} proto=${l4} ttl=${ip[8]} tot_len=${ip.readUInt16BE(2)} id=${ip.readUInt16BE(4)}`);
    } else if (version === 6) {
      l4 = ip[6];
      info.headers.push(`IPv6 ${ipv6(ip, 8)} > ${ipv6(ip, 24)} next=${l4} hlim=${ip[7]} plen=${ip.readUInt16BE(4)}`);
    }
    if (th !== 0xffff && (l4 === 6 || l4 === 17)) {
      const t = k.mem.read(head + BigInt(th), 20);
      if (l4 === 6) {
        const flags = t[13];
        const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'].filter((_, i) => flags & (1 << i));
        info.headers.push(`TCP ${t.readUInt16BE(0)} > ${t.readUInt16BE(2)} seq=${t.readUInt32BE(4)} ack=${t.readUInt32BE(8)} [${names.join(',')}] win=${t.readUInt16BE(14)}`);
      } else {
        info.headers.push(`UDP ${t.readUInt16BE(0)} > ${t.readUInt16BE(2)} len=${t.readUInt16BE(4)}`);
      }
    }
  } catch (e) {
    info.headers.push(`(headers unreadable: ${(e as Error).message})`);
  }
  return info;
}
