// /proc/net/packet (net/packet/af_packet.c packet_seq_show).

import { dataLines } from './lines.js';

/** One row of /proc/net/packet. */
export interface ProcNetPacketRow {
  sk: string;
  refCount: number;
  /** socket type: 2 SOCK_DGRAM, 3 SOCK_RAW */
  type: number;
  /** ethertype as printed (host order), e.g. 0x0003 = ETH_P_ALL, 0x0800 = IP */
  proto: number;
  /** interface index, 0 = any */
  iface: number;
  running: boolean;
  rmem: number;
  uid: number;
  inode: number;
  raw: string;
}

export function parseProcNetPacket(text: string | undefined): ProcNetPacketRow[] {
  const rows: ProcNetPacketRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 9) continue;
    rows.push({
      sk: t[0]!,
      refCount: Number.parseInt(t[1]!, 10),
      type: Number.parseInt(t[2]!, 10),
      proto: Number.parseInt(t[3]!, 16),
      iface: Number.parseInt(t[4]!, 10),
      running: t[5] === '1',
      rmem: Number.parseInt(t[6]!, 10),
      uid: Number.parseInt(t[7]!, 10),
      inode: Number.parseInt(t[8]!, 10),
      raw: line,
    });
  }
  return rows;
}
