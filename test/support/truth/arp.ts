// /proc/net/arp (net/ipv4/arp.c arp_seq_show).

import { dataLines } from './lines.js';

/** One row of /proc/net/arp. */
export interface ProcNetArpRow {
  ip: string;
  hwType: number;
  flags: number;
  hwAddr: string;
  device: string;
}

export function parseProcNetArp(text: string | undefined): ProcNetArpRow[] {
  const rows: ProcNetArpRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    // IP address  HW type  Flags  HW address  Mask  Device
    const t = line.trim().split(/\s+/);
    if (t.length < 6) continue;
    rows.push({
      ip: t[0]!,
      hwType: Number.parseInt(t[1]!, 16),
      flags: Number.parseInt(t[2]!, 16),
      hwAddr: t[3]!,
      device: t[5]!,
    });
  }
  return rows;
}
