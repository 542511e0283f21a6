// One opened dump and everything parsed from it. Tables (TCP hashes, UNIX table, tasks→sockets,
// …) are built on first use and kept until `reload`, so the second `-at` answers from memory.

import { openKernel, type OpenOptions } from '../kernel/open.js';
import type { Kernel } from '../kernel/kernel.js';

export class Session {
  private readonly cache = new Map<string, unknown>();
  /** Things the last table showed (socket addresses, ports), for completion. */
  recent: { sockets: string[] } = { sockets: [] };

  constructor(
    readonly kernel: Kernel,
    readonly path: string,
    readonly openMs: number,
  ) {}

  static open(path: string, opts: OpenOptions = {}): Session {
    const t0 = performance.now();
    const k = openKernel(path, opts);
    return new Session(k, path, performance.now() - t0);
  }

  /** The value built by `build` the first time `key` is asked for. */
  cached<T>(key: string, build: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const v = build();
    this.cache.set(key, v);
    return v;
  }

  isCached(key: string): boolean {
    return this.cache.has(key);
  }

  /** Forget every parsed table (the dump itself stays open). */
  reload(): number {
    const n = this.cache.size;
    this.cache.clear();
    return n;
  }

  close(): void {
    this.kernel.dump.close();
  }
}
