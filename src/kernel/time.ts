// When the dump was taken, in the kernel's own clocks: jiffies, CONFIG_HZ, uptime and wall time.
// Mirrors kernel/time/timekeeping.c (tk_core.timekeeper: xtime_sec, tkr_mono.base, offs_boot)
// and include/linux/jiffies.h (INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300*HZ)).

import type { Kernel } from './kernel.js';

export interface KernelClock {
  jiffies: bigint;
  hz: number;
  /** CLOCK_BOOTTIME seconds at the last timekeeping update (≈ `uptime`). */
  uptimeSec: number;
  /** CLOCK_REALTIME at the last timekeeping update. */
  wallTime: Date | undefined;
}

const HZ_CANDIDATES = [100, 250, 300, 1000];

export function kernelClock(k: Kernel): KernelClock {
  const jiffies = k.jiffies();
  const tk = timekeeperAddress(k);
  let uptimeSec = NaN;
  let wallTime: Date | undefined;
  if (tk !== undefined) {
    const T = 'struct timekeeper';
    const monoNs = Number(k.big(tk, k.field(T, 'tkr_mono.base')));
    const bootNs = k.has(T, 'offs_boot') ? Number(k.big(tk, k.field(T, 'offs_boot'))) : 0;
    uptimeSec = (monoNs + bootNs) / 1e9;
    const sec = k.num(tk, k.field(T, 'xtime_sec'));
    if (sec > 0) wallTime = new Date(sec * 1000);
  }
  return { jiffies, hz: guessHz(jiffies, uptimeSec, k), uptimeSec, wallTime };
}

// tk_core is an anonymous struct { seqcount_raw_spinlock_t seq; struct timekeeper timekeeper; }
// before 6.13 (no BTF name), `struct tk_data` after: take the member offset where BTF has it,
// else the offset the anonymous struct gives (seqcount is 4 bytes, timekeeper 8-aligned).
function timekeeperAddress(k: Kernel): bigint | undefined {
  const core = k.trySymbol('tk_core');
  if (core !== undefined) {
    const f = k.tryField('struct tk_data', 'timekeeper');
    return core + (f ? f.offsetN : 8n);
  }
  return k.trySymbol('shadow_timekeeper');
}

/** The HZ for which jiffies since boot agree with the timekeeper's uptime; 250 if unknown. */
function guessHz(jiffies: bigint, uptimeSec: number, k: Kernel): number {
  const fromInfo = k.info.get('NUMBER(HZ)');
  if (fromInfo) return Number(fromInfo);
  if (!Number.isFinite(uptimeSec)) return 250;
  let best = 250;
  let bestErr = Infinity;
  for (const hz of HZ_CANDIDATES) {
    const initial = BigInt((2 ** 32 - 300 * hz) >>> 0);
    const ticks = Number((jiffies - initial) & 0xffffffffffffffffn);
    const err = Math.abs(ticks / hz - uptimeSec);
    if (err < bestErr) {
      bestErr = err;
      best = hz;
    }
  }
  return best;
}

/** Seconds between a jiffies stamp and the dump, e.g. for rcv_tstamp ("7.8 s ago"). */
export function secondsAgo(clock: KernelClock, stamp: number | bigint): number {
  const now = Number(clock.jiffies & 0xffffffffn);
  const then = Number(BigInt(stamp) & 0xffffffffn);
  return (((now - then) >>> 0) | 0) / clock.hz; // 32-bit wrap, as tcp_time_stamp deltas are
}
