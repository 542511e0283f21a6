// Time as the guest saw it: the tick rate, from the jiffies and uptime it printed.

import type { Truth } from './sections.js';

/** The CONFIG_HZ choices of kernel/Kconfig.hz. */
const HZ_CHOICES = [100, 250, 300, 1000];

/**
 * HZ of the guest kernel. jiffies_64 starts at INITIAL_JIFFIES = (unsigned int)(-300 * HZ)
 * (include/linux/jiffies.h), so jiffies = 2^32 - 300·HZ + HZ·uptime.  Undefined when the
 * truth has no jiffies, or the quotient is not within 2% of a CONFIG_HZ choice.
 */
export function truthHz(truth: Truth): number | undefined {
  if (truth.jiffies === undefined || !(truth.uptime > 0 && truth.uptime < 300)) return undefined;
  const hz = Number((1n << 32n) - truth.jiffies) / (300 - truth.uptime);
  return HZ_CHOICES.find((c) => Math.abs(hz - c) / c < 0.02);
}
