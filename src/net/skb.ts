// One sk_buff: sizes, the headers it really carries, and its data as `tcpdump -X` shows it.
// include/linux/skbuff.h: head + mac_header / network_header / transport_header are offsets,
// (u16)~0 when not set (__finalize_skb_around leaves mac and transport unset; a socket's own
// skbs — a UNIX message, a TCP write-queue segment — never get them); skb->data .. +len is
// what the reader gets, of which len - data_len bytes are linear and data_len in page frags.
// Which headers to decode follows the owner's family (skb->sk->sk_family) and skb->protocol:
// an AF_UNIX or AF_NETLINK skb is data, never an IP packet.

import type { Kernel } from '../kernel/kernel.js';
import { ipv4FromLE, ipv6 } from './addr.js';

export interface SkbInfo {
  len: number;
  dataLen: number;
  truesize: number;
  /** skb->protocol in host order (ETH_P_IP 0x0800, ETH_P_IPV6 0x86dd, ETH_P_ARP 0x0806; 0: not set). */
  protocol: number;
  /** sk_family of the owning sock (skb->sk), or the family the caller knows. */
  family?: number;
  /** One line per header found ("IPv4 …", "TCP …", "ARP …"), or what the skb is instead. */
  headers: string[];
  /** The bytes at skb->data (at most `maxData`), and how many more there are. */
  data?: { bytes: Buffer; linear: number; shownOf: number; inFrags: number };
}

const UNSET = 0xffff;
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const AF_PACKET = 17;
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const ETH_P_ARP = 0x0806;
const ETH_HLEN = 14;

export interface SkbOptions {
  /** The family of the socket whose queue holds the skb (else read from skb->sk). */
  family?: number;
  /** Bytes of data to read for the hex dump (default 256). */
  maxData?: number;
}

export function skbInfo(k: Kernel, skb: bigint, opts: SkbOptions = {}): SkbInfo {
  const B = 'struct sk_buff';
  const n = (p: string) => k.num(skb, k.field(B, p));
  const info: SkbInfo = { len: n('len'), dataLen: n('data_len'), truesize: n('truesize'), protocol: 0, headers: [] };
  const proto = k.tryField(B, 'protocol');
  if (proto) {
    const v = k.num(skb, proto);
    info.protocol = ((v & 0xff) << 8) | (v >> 8);
  }
  info.family = opts.family ?? ownerFamily(k, skb);
  try {
    const head = k.ptr(skb, k.field(B, 'head'));
    const data = k.ptr(skb, k.field(B, 'data'));
    const mac = n('mac_header');
    const nh = n('network_header');
    const th = n('transport_header');
    info.headers.push(...describe(k, info, head, { mac, nh, th }));
    const linear = Math.max(0, info.len - info.dataLen);
    const shown = Math.min(linear, opts.maxData ?? 256);
    info.data = { bytes: shown ? k.mem.read(data, shown) : Buffer.alloc(0), linear, shownOf: shown, inFrags: info.dataLen };
  } catch (e) {
    info.headers.push(`(headers unreadable: ${(e as Error).message})`);
  }
  return info;
}

/** skb->sk->__sk_common.skc_family; undefined without an owner (or unreadable). */
function ownerFamily(k: Kernel, skb: bigint): number | undefined {
  const skF = k.tryField('struct sk_buff', 'sk');
  const famF = k.tryField('struct sock', '__sk_common.skc_family');
  if (!skF || !famF) return undefined;
  try {
    const sk = k.ptr(skb, skF);
    return sk ? k.num(sk, famF) : undefined;
  } catch {
    return undefined;
  }
}

function describe(k: Kernel, i: SkbInfo, head: bigint, h: { mac: number; nh: number; th: number }): string[] {
  if (i.family === AF_UNIX) return [`AF_UNIX data, ${i.len} bytes`];
  if (i.family === AF_NETLINK) return [`AF_NETLINK message, ${i.len} bytes`];
  const out: string[] = [];
  // An Ethernet header right before the network header: what a packet socket reads.
  if (i.family === AF_PACKET && h.mac !== UNSET && h.nh !== UNSET && h.nh - h.mac === ETH_HLEN) out.push(ethernet(k.mem.read(head + BigInt(h.mac), ETH_HLEN)));
  if ((i.protocol === ETH_P_IP || i.protocol === ETH_P_IPV6) && h.nh !== UNSET) {
    const l4 = h.th !== UNSET && h.th > h.nh ? head + BigInt(h.th) : undefined;
    out.push(...decodeHeaders(k, head + BigInt(h.nh), l4));
    return out;
  }
  if (i.protocol === ETH_P_ARP && h.nh !== UNSET) {
    out.push(arp(k.mem.read(head + BigInt(h.nh), 28)));
    return out;
  }
  // A socket's own skb before transmit (tcp_stream_alloc_skb: a TCP write-queue segment, whose
  // skb->sk is not even set yet): no protocol, no transport header.
  if (i.protocol === 0 && h.th === UNSET && (i.family === undefined || i.family === AF_INET || i.family === AF_INET6)) {
    out.push(`no headers built yet: data queued by the socket, ${i.len} bytes`);
    return out;
  }
  out.push(`protocol 0x${i.protocol.toString(16).padStart(4, '0')}: no headers decoded, ${i.len} bytes`);
  return out;
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
  // A transport header that was only reset on receive (it equals the network header) is not one.
  const at = l4 !== undefined && l4 >= next ? l4 : next;
  if (proto === 6) {
    const t = k.mem.read(at, 20);
    const flags = t[13];
    const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'].filter((_, i) => flags & (1 << i));
    out.push(`TCP ${t.readUInt16BE(0)} > ${t.readUInt16BE(2)} seq=${t.readUInt32BE(4)} ack=${t.readUInt32BE(8)} [${names.join(',')}] win=${t.readUInt16BE(14)}`);
  } else if (proto === 17 || proto === 136) {
    const t = k.mem.read(at, 8);
    out.push(`${proto === 17 ? 'UDP' : 'UDP-Lite'} ${t.readUInt16BE(0)} > ${t.readUInt16BE(2)} len=${t.readUInt16BE(4)}`);
  } else if (proto === 1 || proto === 58) {
    const t = k.mem.read(at, 4);
    out.push(`${proto === 1 ? 'ICMP' : 'ICMPv6'} type=${t[0]} code=${t[1]}`);
  }
  return out;
}

const mac = (b: Buffer, o: number): string => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** include/uapi/linux/if_ether.h: struct ethhdr { h_dest[6]; h_source[6]; __be16 h_proto; } */
function ethernet(b: Buffer): string {
  return `Ethernet ${mac(b, 6)} > ${mac(b, 0)} type=0x${b.readUInt16BE(12).toString(16).padStart(4, '0')}`;
}

/** include/uapi/linux/if_arp.h: struct arphdr, then (Ethernet/IPv4) sha[6] sip[4] tha[6] tip[4]. */
function arp(b: Buffer): string {
  const op = b.readUInt16BE(6);
  if (b.readUInt16BE(0) !== 1 || b.readUInt16BE(2) !== ETH_P_IP || b[4] !== 6 || b[5] !== 4) {
    return `ARP htype=${b.readUInt16BE(0)} ptype=0x${b.readUInt16BE(2).toString(16)} op=${op}`;
  }
  const sip = ipv4FromLE(b.readUInt32LE(14));
  const tip = ipv4FromLE(b.readUInt32LE(24));
  if (op === 1) return `ARP who-has ${tip} tell ${sip} (${mac(b, 8)})`;
  if (op === 2) return `ARP reply ${sip} is-at ${mac(b, 8)} (to ${tip})`;
  return `ARP op=${op} ${sip} (${mac(b, 8)}) > ${tip}`;
}

/** The data as `tcpdump -X` prints it: offset, 16 bytes as 8 hex words, then ASCII. */
export function hexDump(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.subarray(o, o + 16);
    const words: string[] = [];
    for (let i = 0; i < row.length; i += 2) words.push(row.subarray(i, i + 2).toString('hex'));
    const ascii = [...row].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
    out.push(`0x${o.toString(16).padStart(4, '0')}:  ${words.join(' ').padEnd(39)}  ${ascii}`);
  }
  return out;
}

/** What the hex dump covers and what it leaves out, in one line. */
export function dataNote(d: NonNullable<SkbInfo['data']>): string {
  const parts = [`data: ${d.linear} linear byte${d.linear === 1 ? '' : 's'} at skb->data`];
  if (d.shownOf < d.linear) parts.push(`first ${d.shownOf} shown`);
  if (d.inFrags) parts.push(`${d.inFrags} more in page fragments (not shown)`);
  return parts.join(', ');
}
