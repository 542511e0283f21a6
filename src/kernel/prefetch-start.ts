// Whether to start the prefetch worker (src/dump/prefetch.ts) as soon as the kernel is open,
// instead of at the first long list a walker announces. A worker thread takes 45-100 ms of wall
// time (~44 ms of its CPU, most of it Node's own start of a thread) to its first page: started
// by the 10,000-socket dump's first sweep, the caller decodes ~2,000 of that sweep's pages
// alone meanwhile. Started here, it is up ~35-55 ms sooner (the first-use lookups and the
// listening hash come before the sweep). Only for a kernel with many TCP sockets: a small
// dump never announces a list long enough to start it (base.ts PREFETCH_MIN), and the file's
// size or page count does not tell (a 57-socket fixture has more pages than the 10,000-socket
// dump).

import type { Kernel } from './kernel.js';

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
