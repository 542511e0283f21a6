// /proc/net/unix (net/unix/af_unix.c unix_seq_show).

import { dataLines } from './lines.js';

/** One row of /proc/net/unix. */
export interface ProcNetUnixRow {
  /** hashed kernel address printed first ("Num") */
  num: string;
  refCount: number;
  protocol: number;
  flags: number;
  /** __SO_ACCEPTCON (0x10000) is set: a listener */
  listening: boolean;
  typeCode: number;
  type: 'STREAM' | 'DGRAM' | 'SEQPACKET' | string;
  /** raw st value: 0 FREE, 1 UNCONNECTED, 2 CONNECTING, 3 CONNECTED, 4 DISCONNECTING */
  st: number;
  /** "LISTEN" for listeners, otherwise the SS_ name without prefix */
  state: string;
  inode: number;
  /** bound path; abstract names start with '@'; '' when unbound */
  path: string;
  raw: string;
}

export const UNIX_TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 5: 'SEQPACKET' };
export const UNIX_SS: Record<number, string> = {
  0: 'FREE', 1: 'UNCONNECTED', 2: 'CONNECTING', 3: 'CONNECTED', 4: 'DISCONNECTING',
};
const SO_ACCEPTCON = 0x10000;

export function parseProcNetUnix(text: string | undefined): ProcNetUnixRow[] {
  const rows: ProcNetUnixRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    const m = /^([0-9a-fA-F]+):\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+(\d+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const flags = Number.parseInt(m[4]!, 16);
    const typeCode = Number.parseInt(m[5]!, 16);
    const st = Number.parseInt(m[6]!, 16);
    const listening = (flags & SO_ACCEPTCON) !== 0;
    rows.push({
      num: m[1]!,
      refCount: Number.parseInt(m[2]!, 16),
      protocol: Number.parseInt(m[3]!, 16),
      flags,
      listening,
      typeCode,
      type: UNIX_TYPES[typeCode] ?? `TYPE_${typeCode}`,
      st,
      state: listening ? 'LISTEN' : (UNIX_SS[st] ?? `SS_${st}`),
      inode: Number.parseInt(m[7]!, 10),
      path: m[8] ?? '',
      raw: line,
    });
  }
  return rows;
}
