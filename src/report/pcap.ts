// Packets → a pcap file (the classic libpcap format: 24-byte header, then per packet a 16-byte
// record header and its bytes), LINKTYPE_RAW (101: each packet starts with its IPv4 or IPv6
// header). IP, TCP and UDP headers are built here (RFC 791, 793, 768, 8200; checksums over the
// pseudo-header), so a packet's lengths and sequence numbers describe exactly its bytes. A
// payload larger than one IP packet can carry is cut into several, sequence numbers following.

import type { PcapPacket } from '../views/pcap.js';
import { parseIp } from '../views/socket-filter.js';

export const LINKTYPE_RAW = 101;
/** Payload per packet at most: IPv4's 16-bit total length less the headers. */
const MAX_PAYLOAD = 65_000;

function checksum(bufs: Buffer[]): number {
  let sum = 0;
  for (const b of bufs) {
    for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
    if (b.length & 1) sum += b[b.length - 1] << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function addrBytes(a: string, v6: boolean): Buffer {
  const b = parseIp(a) ?? [];
  if (v6 && b.length === 4) return Buffer.from([...Array(10).fill(0), 0xff, 0xff, ...b]); // v4-mapped
  if (b.length !== (v6 ? 16 : 4)) return Buffer.alloc(v6 ? 16 : 4);
  return Buffer.from(b);
}

function ipPacket(v6: boolean, proto: number, src: Buffer, dst: Buffer, l4: Buffer, id: number): Buffer {
  if (v6) {
    const h = Buffer.alloc(40);
    h.writeUInt32BE(0x60000000, 0);
    h.writeUInt16BE(l4.length, 4);
    h[6] = proto;
    h[7] = 64;
    src.copy(h, 8);
    dst.copy(h, 24);
    return Buffer.concat([h, l4]);
  }
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + l4.length, 2);
  h.writeUInt16BE(id & 0xffff, 4);
  h.writeUInt16BE(0x4000, 6); // DF
  h[8] = 64;
  h[9] = proto;
  src.copy(h, 12);
  dst.copy(h, 16);
  h.writeUInt16BE(checksum([h]), 10);
  return Buffer.concat([h, l4]);
}

function pseudo(v6: boolean, src: Buffer, dst: Buffer, proto: number, len: number): Buffer {
  const p = Buffer.alloc(v6 ? 40 : 12);
  if (v6) {
    src.copy(p, 0);
    dst.copy(p, 16);
    p.writeUInt32BE(len, 32);
    p[39] = proto;
  } else {
    src.copy(p, 0);
    dst.copy(p, 4);
    p[9] = proto;
    p.writeUInt16BE(len, 10);
  }
  return p;
}

/** The IP packets one queued packet becomes (several when its payload is too big for one). */
export function ipPackets(p: PcapPacket, id: number): Buffer[] {
  if (p.ipPacket) return [p.ipPacket];
  const src = addrBytes(p.src.addr, p.v6);
  const dst = addrBytes(p.dst.addr, p.v6);
  const out: Buffer[] = [];
  for (let off = 0; off < p.payload.length || off === 0; off += MAX_PAYLOAD) {
    const chunk = p.payload.subarray(off, off + MAX_PAYLOAD);
    const last = off + MAX_PAYLOAD >= p.payload.length;
    let l4: Buffer;
    let proto: number;
    if (p.proto === 'tcp') {
      proto = 6;
      const h = Buffer.alloc(20);
      h.writeUInt16BE(p.src.port, 0);
      h.writeUInt16BE(p.dst.port, 2);
      h.writeUInt32BE(((p.seq ?? 0) + off) >>> 0, 4);
      h.writeUInt32BE((p.ack ?? 0) >>> 0, 8);
      h[12] = 5 << 4;
      // ACK, PSH on the last piece carrying data, FIN/SYN as the control block said
      h[13] = 0x10 | (chunk.length && last ? 0x08 : 0) | (p.fin && last ? 0x01 : 0) | (p.syn && off === 0 ? 0x02 : 0);
      h.writeUInt16BE(Math.min(p.window ?? 65535, 65535), 14);
      l4 = Buffer.concat([h, chunk]);
      l4.writeUInt16BE(checksum([pseudo(p.v6, src, dst, 6, l4.length), l4]), 16);
    } else {
      proto = 17;
      const h = Buffer.alloc(8);
      h.writeUInt16BE(p.src.port, 0);
      h.writeUInt16BE(p.dst.port, 2);
      h.writeUInt16BE(8 + chunk.length, 4);
      l4 = Buffer.concat([h, chunk]);
      l4.writeUInt16BE(checksum([pseudo(p.v6, src, dst, 17, l4.length), l4]) || 0xffff, 6);
    }
    out.push(ipPacket(p.v6, proto, src, dst, l4, id + out.length));
    if (p.proto !== 'tcp') break; // a datagram is one packet (its payload fits: it came in one)
  }
  return out;
}

/** A whole pcap file (microsecond timestamps). */
export function pcapFile(packets: readonly PcapPacket[], linktype = LINKTYPE_RAW): Buffer {
  const parts: Buffer[] = [];
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(262144, 16); // snaplen
  g.writeUInt32LE(linktype, 20);
  parts.push(g);
  let id = 1;
  for (const p of packets) {
    for (const ip of ipPackets(p, id)) {
      id++;
      const r = Buffer.alloc(16);
      const us = p.timeNs / 1000n;
      r.writeUInt32LE(Number(us / 1_000_000n) >>> 0, 0);
      r.writeUInt32LE(Number(us % 1_000_000n), 4);
      r.writeUInt32LE(ip.length, 8);
      r.writeUInt32LE(ip.length, 12);
      parts.push(r, ip);
    }
  }
  return Buffer.concat(parts);
}
