// The inspection facade: what `struct`, `rd`, `sym`, `info` and `modules` need of memory,
// types and symbols, so that the shell reaches the kernel only through views.

import type { Kernel } from '../kernel/kernel.js';
import { formatStruct } from '../kernel/format-struct.js';
import { loadedModules, type LoadedModule } from '../kernel/modules.js';
import { utsname, onlineCpus } from '../kernel/uts.js';
import { kernelClock } from '../kernel/time.js';
import type { WalkProblem } from '../kernel/walk.js';
import { osRelease, buildId } from '../debuginfo/vmcoreinfo.js';
import { BtfKind } from '../debuginfo/btf.js';
import type { KernelSymbol } from '../debuginfo/types.js';

export interface DumpInfo {
  path: string;
  format: string;
  description: string;
  release: string;
  version: string;
  machine: string;
  nodename: string;
  cpus: number;
  pageSize: number;
  pagesPresent: number;
  pagesExcluded: number;
  incomplete: boolean;
  kaslrOffset: string;
  buildId: string | undefined;
  symbols: string;
  types: string;
  hz: number;
  uptimeSec: number;
  crashTime: string | undefined;
  openMs: number;
}

/** A user's mistake in an address or name: one line, the session goes on. */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookupError';
  }
}

export class Inspector {
  private infoCache?: DumpInfo;
  private modulesCache?: { rows: LoadedModule[]; problems: WalkProblem[] };

  constructor(
    private readonly k: Kernel,
    private readonly path: string,
    private readonly openMs: number,
  ) {}

  /** An address typed by a user: hex with or without 0x, a decimal, or SYMBOL[+OFF]. */
  address(word: string | undefined, what = 'ADDR'): bigint {
    if (!word) throw new LookupError(`missing ${what}`);
    const w = word.trim();
    if (/^(0x)?[0-9a-f]+$/i.test(w) && (w.startsWith('0x') || /[a-f]/i.test(w) || w.length >= 12)) {
      return BigInt(w.startsWith('0x') ? w : '0x' + w);
    }
    if (/^\d+$/.test(w)) return BigInt(w);
    const m = /^([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-f]+|\d+))?$/i.exec(w);
    if (m) {
      const a = this.k.trySymbol(m[1]);
      if (a === undefined) throw new LookupError(`${what}: no symbol '${m[1]}' (and not a hex address)`);
      return a + (m[2] ? BigInt(m[2]) : 0n);
    }
    throw new LookupError(`${what}: '${word}' is neither an address nor a symbol`);
  }

  info(): DumpInfo {
    if (this.infoCache) return this.infoCache;
    const k = this.k;
    const uts = utsname(k);
    const pages = k.dump.pageCounts();
    const clock = kernelClock(k);
    return (this.infoCache = {
      path: this.path,
      format: k.dump.format,
      description: k.dump.description,
      release: uts.release || osRelease(k.info) || '?',
      version: uts.version,
      machine: uts.machine,
      nodename: uts.nodename,
      cpus: onlineCpus(k),
      pageSize: k.dump.pageSize,
      pagesPresent: pages.present,
      pagesExcluded: pages.excluded,
      incomplete: k.dump.incomplete,
      kaslrOffset: '0x' + k.kaslrOffset.toString(16),
      buildId: buildId(k.info),
      symbols: k.sources.symbols,
      types: k.sources.types,
      hz: clock.hz,
      uptimeSec: Math.round(clock.uptimeSec * 100) / 100,
      crashTime: clock.wallTime?.toISOString(),
      openMs: Math.round(this.openMs),
    });
  }

  // kernel/module/main.c: the `modules` list
  modules(): { rows: LoadedModule[]; problems: WalkProblem[] } {
    if (!this.modulesCache) {
      const problems: WalkProblem[] = [];
      this.modulesCache = { rows: loadedModules(this.k, { onProblem: (p) => problems.push(p) }), problems };
    }
    return this.modulesCache;
  }

  /** Struct and union names, for completion. */
  structNames(): string[] {
    return this.k.btf.allNames([BtfKind.Struct, BtfKind.Union]);
  }

  /** "sock" → "struct sock" when that exists; "struct x"/"union x"/"enum x" as typed. */
  typeSpec(name: string): string {
    return /^(struct|union|enum) /.test(name) || this.k.typeRef('struct ' + name) === undefined ? name : 'struct ' + name;
  }

  hasType(spec: string): boolean {
    return this.k.typeRef(spec) !== undefined;
  }

  /** A struct's members and values, as lines (crash's `struct`). */
  struct(spec: string, address: bigint, depth: number): string[] {
    return formatStruct(this.k, spec, address, { depth });
  }

  u64(address: bigint): bigint {
    return this.k.mem.u64(address);
  }

  symbolNames(): string[] {
    return this.k.symbols.all().map((x) => x.name);
  }

  symbolsNamed(name: string): KernelSymbol[] {
    return this.k.symbols.all().filter((x) => x.name === name);
  }

  nearestSymbol(address: bigint): { symbol: KernelSymbol; offset: bigint } | undefined {
    return this.k.symbols.nearest(address);
  }

  /** "name+0x12", "name+0x12 [module]" or the hex address. */
  symbolize(address: bigint): string {
    return this.k.symbolize(address);
  }
}
