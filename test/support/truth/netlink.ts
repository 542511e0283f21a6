// /proc/net/netlink (net/netlink/af_netlink.c netlink_seq_show).

import { dataLines } from './lines.js';

/** One row of /proc/net/netlink. */
export interface ProcNetNetlinkRow {
  sk: string;
  protocol: number;
  portId: number;
  groups: string;
  rmem: number;
  wmem: number;
  inode: number;
  raw: string;
}

export function parseProcNetNetlink(text: string | undefined): ProcNetNetlinkRow[] {
  const rows: ProcNetNetlinkRow[] = [];
  const lines = dataLines(text);
  // "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode"; kernels before 4.x also had a RefCnt
  // column after sk.
  const refcnt = /RefCnt/.test(lines[0] ?? '') ? 1 : 0;
  for (const line of lines.slice(1)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 10 + refcnt) continue;
    rows.push({
      sk: t[0]!,
      protocol: Number.parseInt(t[1 + refcnt]!, 10),
      portId: Number.parseInt(t[2 + refcnt]!, 10),
      groups: t[3 + refcnt]!,
      rmem: Number.parseInt(t[4 + refcnt]!, 10),
      wmem: Number.parseInt(t[5 + refcnt]!, 10),
      inode: Number.parseInt(t[9 + refcnt]!, 10),
      raw: line,
    });
  }
  return rows;
}
