// Parsers for the truth sections of softnet, packet handlers and the kernel log:
// /proc/net/softnet_stat, /proc/net/ptype, /dev/kmsg and dmesg (syslog form).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_NAMES, fixtureDir } from './truth.js';

/** Every fixture whose dump is in the checkout, the host ones included. */
export const ALL_FIXTURES = [...FIXTURE_NAMES, 'bookworm-6.1-vxlan', 'bookworm-6.1-host', 'trixie-6.12-host', 'sid-7.2-host']
  .filter((n) => existsSync(join(fixtureDir(n), 'vmcore.kdump')));
export const HOST_FIXTURES = ALL_FIXTURES.filter((n) => n.endsWith('-host'));

const lines = (text: string | undefined) => (text ?? '').split('\n').filter((l) => l.trim() !== '');

/** /proc/net/softnet_stat: one array of numbers (hex columns) per online CPU. */
export function parseSoftnetStat(text: string | undefined): number[][] {
  return lines(text).map((l) => l.trim().split(/\s+/).map((h) => parseInt(h, 16)));
}

/** /proc/net/ptype lines after the header, trailing spaces trimmed. */
export function parsePtype(text: string | undefined): string[] {
  return lines(text).slice(1).map((l) => l.trimEnd());
}

export interface KmsgRecord {
  /** (facility << 3) | level */
  prefix: number;
  seq: number;
  tsUsec: number;
  /** the message as /dev/kmsg escapes it (\xNN for control bytes and '\') */
  msg: string;
}

/** /dev/kmsg records (printk.c info_print_ext_header + msg_print_ext_body); dev_info
 *  continuation lines (" SUBSYSTEM=...") are skipped. */
export function parseKmsg(text: string | undefined): KmsgRecord[] {
  const out: KmsgRecord[] = [];
  for (const l of (text ?? '').split('\n')) {
    const m = /^(\d+),(\d+),(\d+),[^;]*;(.*)$/.exec(l);
    if (m) out.push({ prefix: Number(m[1]), seq: Number(m[2]), tsUsec: Number(m[3]), msg: m[4] });
  }
  return out;
}

/** The escaping /dev/kmsg applies to a record's text (printk.c msg_add_ext_text). */
export function kmsgEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b < 0x20 || b >= 0x7f || b === 0x5c ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}
