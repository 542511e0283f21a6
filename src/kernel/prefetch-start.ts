// Whether to start the prefetch worker (src/dump/prefetch.ts) while the kernel is being
// opened, instead of at the first long list a walker announces. A worker thread takes 45-100 ms
// of wall time (~44 ms of its CPU, most of it Node's own start of a thread) to its first page:
// started by the 10,000-socket dump's first sweep, the caller decodes ~2,000 of that sweep's
// pages alone meanwhile. Started once the symbols are read (before the BTF is parsed), it is up
// about when the sweep begins: 10,000 sockets, -at on a busy machine, median of 9: the caller
// decodes ~1,700 fewer pages, its CPU in -at 174 -> 154 ms (of which ~8 ms are the symbol
// lookup moved into opening). Only for a kernel with many TCP sockets: a small dump never
// announces a list long enough to start it (base.ts PREFETCH_MIN), and the file's size or page
// count does not tell (a 57-socket fixture has more pages than the 10,000-socket dump).

import type { Kernel } from './kernel.js';
import type { KernelMemory } from './memory.js';

/** TCP sockets from which the first sweep's list (~0.85 pages a socket) starts the worker. */
export const EARLY_PREFETCH_SOCKETS = 1000;

/** Start the worker now if the kernel counts at least `minSockets` TCP sockets
 *  (tcp_sockets_allocated, a percpu_counter: its global count, within a few per CPU of the
 *  sum); whether it asked the dump to. (A dump opened without `prefetch` starts nothing.) */
export function startPrefetchForLargeTables(k: Kernel, minSockets = EARLY_PREFETCH_SOCKETS): boolean {
  const dump = k.mem.dump;
  if (!dump.startPrefetch) return false;
  try {
    const a = k.vmlinuxSymbol('tcp_sockets_allocated');
    if (a === undefined) return false;
    const n = k.mem.s64(a + k.off('struct percpu_counter', 'count'));
    if (n < BigInt(minSockets)) return false;
  } catch {
    return false; // no count: the first long list starts the worker, as without this
  }
  dump.startPrefetch();
  return true;
}

/** The same before the types are read (the worker then starts ~25-30 ms sooner, while the
 *  BTF is parsed): struct percpu_counter begins with a raw_spinlock_t, one 4-byte word
 *  without spinlock debugging, so the count is at offset 8 when the padding after the lock
 *  is zero; anything else (a lock with debug fields) is left to startPrefetchForLargeTables. */
export function startPrefetchBeforeTypes(
  mem: KernelMemory,
  symbols: { lookup(name: string): bigint | undefined },
  minSockets = EARLY_PREFETCH_SOCKETS,
): boolean {
  const dump = mem.dump;
  if (!dump.startPrefetch) return false;
  try {
    const a = symbols.lookup('tcp_sockets_allocated');
    if (a === undefined) return false;
    const b = mem.read(a, 16);
    if (b.readUInt32LE(4) !== 0 || b.readBigInt64LE(8) < BigInt(minSockets)) return false;
  } catch {
    return false;
  }
  dump.startPrefetch();
  return true;
}

