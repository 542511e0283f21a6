// One opened dump and everything parsed from it: the tables (built on first use, kept until
// `reload`, so the second `-at` answers from memory) and the inspection facade that `struct`,
// `rd`, `sym`, `info` and `modules` use. The shell reaches the kernel only through this.

import { openKernel, type OpenOptions } from '../kernel/open.js';
import type { Kernel } from '../kernel/kernel.js';
import { Tables } from './tables.js';
import { Inspector } from './inspect.js';

export type { OpenOptions };

export class Session {
  readonly tables: Tables;
  readonly inspect: Inspector;
  /** Things the last table showed (socket addresses), for completion. */
  recent: { sockets: string[] } = { sockets: [] };

  constructor(
    /** For views and tests; the shell goes through `tables` and `inspect`. */
    readonly kernel: Kernel,
    readonly path: string,
    readonly openMs: number,
  ) {
    this.tables = new Tables(kernel);
    this.inspect = new Inspector(kernel, path, openMs);
  }

  static open(path: string, opts: OpenOptions = {}): Session {
    const t0 = performance.now();
    const k = openKernel(path, opts);
    return new Session(k, path, performance.now() - t0);
  }

  /** Forget every parsed table (the dump itself stays open). */
  reload(): number {
    this.inspect.forget();
    return this.tables.reload();
  }

  close(): void {
    this.kernel.dump.close();
  }
}
