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
    // Sanity: an uptime under a century and a wall clock before 2200, or the timekeeper was
    // not where we looked (a layout we do not know) and neither is shown.
    const up = (monoNs + bootNs) / 1e9;
    if (up >= 0 && up < 3.2e9) uptimeSec = up;
    const sec = k.num(tk, k.field(T, 'xtime_sec'));
    if (sec > 0 && sec < 7258118400 && Number.isFinite(uptimeSec)) wallTime = new Date(sec * 1000);
  }
  return { jiffies, hz: guessHz(jiffies, uptimeSec, k), uptimeSec, wallTime };
}

// kernel/time/timekeeping.c. The core timekeeper lives in:
//   5.x–6.12: static struct { seqcount_raw_spinlock_t seq; struct timekeeper timekeeper; } tk_core
//             (anonymous: the offset is sizeof(seq) rounded up to 8 — 16 with LOCKDEP/PREEMPT_RT);
//   6.13+:    static struct tk_data tk_core;
//   later:    static struct tk_data timekeeper_data[TIMEKEEPERS_MAX], tk_core = element 0.
function timekeeperAddress(k: Kernel): bigint | undefined {
  // The name that exists asked first: a missed name reads every kallsyms name (the lookup's
  // index), and in vmlinuxSymbol decodes them all (ThinLTO renames). Without struct tk_data
  // (before 6.13) it is tk_core; with it, timekeeper_data (7.x) or tk_core (6.13+). No kernel has both.
  const core = k.findType('struct tk_data') === undefined
    ? k.vmlinuxSymbol('tk_core') ?? k.vmlinuxSymbol('timekeeper_data')
    : k.symbols.lookup('timekeeper_data') ?? k.vmlinuxSymbol('tk_core') ?? k.vmlinuxSymbol('timekeeper_data');
  if (core !== undefined) {
    const f = k.tryCoreField('struct tk_data', 'timekeeper');
    if (f) return core + f.offsetN;
    const seq = k.findType('seqcount_raw_spinlock_t') ?? k.findType('seqcount_t');
    const size = seq !== undefined ? k.btf.size(seq) : 4;
    return core + BigInt(Math.ceil(size / 8) * 8);
  }
  return k.vmlinuxSymbol('shadow_timekeeper');
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

/** Seconds between a 32-bit jiffies stamp and the dump, e.g. for rcv_tstamp ("7.8 s ago");
 *  undefined when the stamp says "never": 0, what the zeroed sock holds until the event first
 *  happens (a SYN_SENT socket's rcv_tstamp), or a stamp after the dump (not a past event). */
export function secondsAgo(clock: KernelClock, stamp: number | bigint): number | undefined {
  const then = Number(BigInt(stamp) & 0xffffffffn);
  if (then === 0) return undefined;
  const now = Number(clock.jiffies & 0xffffffffn);
  const delta = ((now - then) >>> 0) | 0; // 32-bit wrap, as tcp_jiffies32 deltas are (include/net/tcp.h)
  return delta < 0 ? undefined : delta / clock.hz;
}
