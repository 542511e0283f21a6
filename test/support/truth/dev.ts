// /proc/net/dev (net/core/net-procfs.c dev_seq_printf_stats).

import { dataLines } from './lines.js';

/** One row of /proc/net/dev. */
export interface ProcNetDevRow {
  iface: string;
  rxBytes: number; rxPackets: number; rxErrs: number; rxDrop: number;
  txBytes: number; txPackets: number; txErrs: number; txDrop: number;
  /** all 16 counters in file order */
  counters: number[];
}

export function parseProcNetDev(text: string | undefined): ProcNetDevRow[] {
  const rows: ProcNetDevRow[] = [];
  for (const line of dataLines(text).slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const c = m[2]!.trim().split(/\s+/).map((x) => Number(x));
    rows.push({
      iface: m[1]!.trim(),
      rxBytes: c[0]!, rxPackets: c[1]!, rxErrs: c[2]!, rxDrop: c[3]!,
      txBytes: c[8]!, txPackets: c[9]!, txErrs: c[10]!, txDrop: c[11]!,
      counters: c,
    });
  }
  return rows;
}
