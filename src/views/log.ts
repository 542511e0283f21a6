// The kernel log view (`log`): printk records as dmesg prints them, "[seconds.micro] text",
// one line per text line; with wall-clock times (-T) from the dump's clock: boot time =
// CLOCK_REALTIME at the dump minus the uptime, as dmesg -T computes it (the same caveat: the
// printk clock does not count suspended time).

import type { LogRecord } from '../kernel/printk.js';
import { logTimestamp } from '../kernel/printk.js';
import type { KernelClock } from '../kernel/time.js';

export type { LogRecord };

export const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

/** Wall-clock seconds since the epoch at boot, or undefined if the dump's clock is unknown. */
export function bootEpoch(clock: KernelClock): number | undefined {
  if (!clock.wallTime || !Number.isFinite(clock.uptimeSec)) return undefined;
  return clock.wallTime.getTime() / 1000 - clock.uptimeSec;
}

/** "[Fri Nov 27 16:05:12 2026]" (ctime's form, in UTC). */
export function wallStamp(epochSec: number): string {
  const d = new Date(Math.floor(epochSec) * 1000);
  const day = d.toUTCString().slice(0, 3);
  const mon = d.toUTCString().slice(8, 11);
  const p = (v: number) => String(v).padStart(2, '0');
  return `[${day} ${mon} ${String(d.getUTCDate()).padStart(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}]`;
}

/** The text lines of one record (a marked gap line when its text could not be read). */
export function logLines(r: LogRecord, boot?: number): string[] {
  const stamp = Number.isNaN(r.tsNsec) ? '[    ?.??????]' : boot !== undefined ? wallStamp(boot + r.tsNsec / 1e9) : logTimestamp(r.tsNsec);
  if (r.text === null) return [`${stamp} !! log record${Number.isNaN(r.seq) ? '' : ` ${r.seq}`}: ${r.gap ?? 'unreadable'}`];
  return r.text.split('\n').map((l) => `${stamp} ${l}`);
}

/** The text of a log: consecutive records lost for the same reason (a missing page of the
 *  data ring holds many) are one marked line, "!! log records 12-40: …". */
export function logText(rows: readonly LogRecord[], boot?: number): string[] {
  const out: string[] = [];
  const reasonOf = (r: LogRecord) => (r.gap ?? 'unreadable').replace(/^(text of record \S+|descriptor \d+ at 0x[0-9a-f]+|printk_info \d+ at 0x[0-9a-f]+): /, '');
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.text !== null) {
      out.push(...logLines(r, boot));
      continue;
    }
    let j = i;
    while (j + 1 < rows.length && rows[j + 1]!.text === null && reasonOf(rows[j + 1]!) === reasonOf(r)) j++;
    if (j === i) out.push(...logLines(r, boot));
    else {
      const seqs = rows.slice(i, j + 1).map((x) => x.seq).filter((x) => !Number.isNaN(x));
      const range = seqs.length ? ` ${seqs[0]}-${seqs[seqs.length - 1]}` : '';
      out.push(`!! log records${range} (${j - i + 1}): ${reasonOf(r)}`);
      i = j;
    }
  }
  return out;
}

export function logJson(r: LogRecord, boot?: number): Record<string, unknown> {
  if (r.text === null) return { seq: Number.isNaN(r.seq) ? null : r.seq, problem: r.gap ?? 'unreadable' };
  const ts = Math.floor(r.tsNsec / 1000) / 1e6;
  return {
    seq: r.seq, ts, level: r.level, facility: r.facility, msg: r.text, levelName: LEVEL_NAMES[r.level] ?? null, callerId: r.callerId,
    ...(boot !== undefined ? { time: new Date(Math.round((boot + r.tsNsec / 1e9) * 1000)).toISOString() } : {}),
  };
}
