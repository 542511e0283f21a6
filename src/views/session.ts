// One opened dump and everything parsed from it: the tables (built on first use, kept until
// `reload`, so the second `-at` answers from memory) and the inspection facade that `struct`,
// `rd`, `sym`, `info` and `modules` use. The shell reaches the kernel only through this.

import { openKernel, type OpenOptions } from '../kernel/open.js';
import type { Kernel } from '../kernel/kernel.js';
import { Tables } from './tables.js';
import { Inspector } from './inspect.js';
import { now } from '../dump/clock.js';

export type { OpenOptions };

export class Session {
  readonly tables: Tables;
  readonly inspect: Inspector;
  /** Things the last table showed (socket addresses), for completion. */
  readonly recent = new Recent();

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
    const t0 = now();
    const k = openKernel(path, opts);
    return new Session(k, path, now() - t0);
  }

  private diagnosed = false;

  /**
   * Said once per session, after the command that first meets it: kernel objects reached
   * from live tables lie on pages makedumpfile excluded. A makedumpfile that knows the
   * kernel never drops slab pages (only free, user, cache and zero pages): one that did not
   * know this kernel's page flags drops live ones, and every view then loses rows.
   */
  damageDiagnosis(): string | undefined {
    if (this.diagnosed) return undefined;
    const hits = this.tables.problemsSoFar().filter((p) => /filtered out by makedumpfile|\(excluded/.test(p.detail));
    if (hits.length === 0) return undefined;
    this.diagnosed = true;
    const level = this.kernel.dump.header.dump_level;
    const release = this.kernel.info.get('OSRELEASE') ?? 'this kernel';
    return (
      `${hits.length} kernel object(s) reached from live tables lie on pages makedumpfile filtered out` +
      `${level !== undefined ? ` (dump_level ${level})` : ''}: the makedumpfile that made this dump probably did not know ` +
      `Linux ${release} and dropped pages the kernel was using (slab). Rows are missing in every view; ` +
      `remake the dump from the vmcore with a makedumpfile that supports this kernel.`
    );
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

/** What the last listing showed, for completion: worked out when first asked (a 20,000-row
 *  listing then costs no 20,000 hex strings unless `sock <Tab>` wants them). */
export class Recent {
  private list: string[] = [];
  private from: (() => string[]) | undefined;

  /** Socket addresses ("0x…") of the last listing that showed sockets. */
  get sockets(): string[] {
    if (this.from) {
      this.list = this.from();
      this.from = undefined;
    }
    return this.list;
  }

  set sockets(list: string[]) {
    this.list = list;
    this.from = undefined;
  }

  /** The socket addresses, when asked, are the ones `from` gives. */
  socketsFrom(from: () => string[]): void {
    this.from = from;
  }
}
