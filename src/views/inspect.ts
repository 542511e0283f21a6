// The inspection facade: what `struct`, `rd`, `sym`, `info` and `modules` need of memory,
// types and symbols, so that the shell reaches the kernel only through views.

import type { Kernel } from '../kernel/kernel.js';
import { formatStruct, formatMembers, formatTyped } from '../kernel/format-struct.js';
import { structLayout } from '../kernel/struct-layout.js';
import { loadedModules, type LoadedModule } from '../kernel/modules.js';
import { utsname, onlineCpus } from '../kernel/uts.js';
import { kernelClock } from '../kernel/time.js';
import type { WalkProblem } from '../kernel/walk.js';
import { osRelease, buildId } from '../debuginfo/vmcoreinfo.js';
import { BtfKind, type Btf } from '../debuginfo/btf.js';
import type { KernelSymbol } from '../debuginfo/types.js';
import { symbolAt, symbolsContaining, symbolsNamed, formatHit, type SymbolHit } from '../kernel/symbolize.js';
import { nextReadable, unreadable } from '../kernel/readable.js';
import { UnreadableError } from '../kernel/errors.js';
import { GAP } from './table.js';
import { openProblemLine } from '../kernel/open-stages.js';
import { walkList, processFiles, slabOfAddress, type ListWalk, type FileRow, type SlabHit } from './inspect-walks.js';

export type { ListWalk, FileRow, SlabHit };

export { formatHit, type SymbolHit };

export interface DumpInfo {
  path: string;
  format: string;
  description: string;
  release: string;
  version: string;
  machine: string;
  nodename: string;
  /** null: could not be read (a damaged dump). */
  cpus: number | null;
  pageSize: number;
  pagesPresent: number;
  pagesExcluded: number;
  incomplete: boolean;
  kaslrOffset: string;
  buildId: string | undefined;
  symbols: string;
  types: string;
  hz: number | null;
  uptimeSec: number | null;
  crashTime: string | undefined;
  openMs: number;
  /** What could not be read while opening and for `info` itself (a damaged dump), one line each. */
  problems: string[];
}

/** Globals whose type vmlinux BTF does not carry (pahole emits VARs for per-CPU data only),
 *  for `p`: the ones a network crash session asks for. */
const KNOWN_GLOBALS: Record<string, string> = {
  jiffies: 'long unsigned int', jiffies_64: 'u64', init_net: 'struct net', init_task: 'struct task_struct',
  init_uts_ns: 'struct uts_namespace', tcp_hashinfo: 'struct inet_hashinfo', udp_table: 'struct udp_table',
  udplite_table: 'struct udp_table', net_namespace_list: 'struct list_head', init_pid_ns: 'struct pid_namespace',
  ptype_all: 'struct list_head', ptype_base: 'struct list_head [16]', nf_conntrack_hash: 'struct hlist_nulls_head *',
  softnet_data: 'struct softnet_data', sysctl_somaxconn: 'int', init_ipc_ns: 'struct ipc_namespace',
};

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
  /** `files PID` by pid: naming a process's files reads each one's dentry and inode (a process
   *  holding 100,000 sockets: 37,870 page decodes), so `files PID --json` after `files PID`
   *  answers from here. */
  private filesCache = new Map<number, ReturnType<typeof processFiles>>();

  constructor(
    private readonly k: Kernel,
    private readonly path: string,
    private readonly openMs: number,
  ) {}

  /** Forget what was read (after `reload`, or a command interrupted half-way). */
  forget(): void {
    this.infoCache = undefined;
    this.modulesCache = undefined;
    this.filesCache.clear();
  }

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
    const gaps: string[] = [];
    // Each fact on its own: a damaged dump answers what it can, the rest is a named gap.
    const tryRead = <T>(what: string, f: () => T): T | undefined => {
      try {
        return f();
      } catch (e) {
        gaps.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    };
    const uts = tryRead('utsname (init_uts_ns)', () => utsname(k));
    const header = k.dump.header;
    const fromHeader = (key: string): string | undefined => (typeof header[key] === 'string' && header[key] ? String(header[key]) : undefined);
    const pages = k.dump.pageCounts();
    const clock = tryRead('clock (jiffies, timekeeper)', () => kernelClock(k));
    const headerCpus = typeof header.nr_cpus === 'number' && header.nr_cpus > 0 ? header.nr_cpus : undefined;
    const hasMask = k.symbols.lookup('__cpu_online_mask') !== undefined || k.symbols.lookup('cpu_online_mask') !== undefined;
    if (!hasMask) gaps.push('online CPUs: no symbol __cpu_online_mask');
    const cpus = (hasMask ? tryRead('online CPUs (__cpu_online_mask)', () => onlineCpus(k)) : undefined) ?? headerCpus;
    return (this.infoCache = {
      path: this.path,
      format: k.dump.format,
      description: k.dump.description,
      release: uts?.release || osRelease(k.info) || fromHeader('release') || GAP,
      version: uts?.version ?? fromHeader('version') ?? GAP,
      machine: uts?.machine ?? fromHeader('machine') ?? GAP,
      nodename: uts?.nodename ?? fromHeader('nodename') ?? GAP,
      cpus: cpus ?? null,
      pageSize: k.dump.pageSize,
      pagesPresent: pages.present,
      pagesExcluded: pages.excluded,
      incomplete: k.dump.incomplete,
      kaslrOffset: '0x' + k.kaslrOffset.toString(16),
      buildId: buildId(k.info),
      symbols: k.sources.symbols,
      types: k.sources.types,
      hz: clock?.hz ?? null,
      uptimeSec: clock && Number.isFinite(clock.uptimeSec) ? Math.round(clock.uptimeSec * 100) / 100 : null,
      crashTime: clock?.wallTime?.toISOString(),
      openMs: Math.round(this.openMs),
      problems: [...k.openProblems.map(openProblemLine), ...gaps],
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

  /** A struct's members and values, as lines (crash's `struct`); -x: integers in hex. */
  struct(spec: string, address: bigint, depth: number, radix: 10 | 16 = 10): string[] {
    return formatStruct(this.k, spec, address, { depth, radix });
  }

  /** crash's `struct TYPE.a,b ADDR`: only the named members (dotted paths allowed). */
  structMembers(spec: string, address: bigint, members: string[], radix: 10 | 16 = 10): string[] {
    return formatMembers(this.k, spec, address, members, { radix });
  }

  /** crash's `struct -o TYPE`: member offsets and declarations, then the size. */
  structLayout(spec: string, radix: 10 | 16 = 16): string[] {
    return structLayout(this.k, spec, radix);
  }

  /** crash's `p SYMBOL`: a global's value by its BTF type (per-CPU ones: each CPU's). */
  printSymbol(name: string, radix: 10 | 16 = 10): string[] {
    const addr = this.k.trySymbol(name);
    if (addr === undefined) throw new LookupError(`p: no symbol '${name}'`);
    const v = this.varType(name);
    if (v === undefined) return [`${name}: no type for it in BTF (address 0x${addr.toString(16)}; try: rd ${name})`];
    const typeId = v.id;
    if (addr < 0xffff000000000000n) {
      // a per-CPU variable: the symbol is an offset into each CPU's area
      const out: string[] = [];
      this.k.perCpuOffsets().forEach((_, cpu) => out.push(...formatTyped(this.k, v.btf, typeId, this.k.perCpu(addr, cpu), `per_cpu(${name}, ${cpu})`, { radix })));
      return out;
    }
    return formatTyped(this.k, v.btf, typeId, addr, name, { radix });
  }

  /** A global's BTF type: its VAR record (per-CPU variables; all with newer pahole), else the
   *  type of a well-known global that vmlinux BTF does not describe. */
  private varType(name: string): { id: number; btf: Btf } | undefined {
    const v = this.k.btf.findVar(name);
    if (v) return { id: v.typeId, btf: this.k.btf };
    const known = KNOWN_GLOBALS[name];
    const ref = known ? this.k.typeRef(known) : undefined;
    return ref ? { id: ref.id, btf: ref.btf } : undefined;
  }

  /** The C type name of a global (from BTF), e.g. "struct net"; undefined when BTF has none. */
  symbolType(name: string): string | undefined {
    const v = this.varType(name);
    return v ? v.btf.typeName(v.id) : undefined;
  }

  /** crash's `rd -8|-16|-32`: `count` units of `size` bytes, 16 bytes a line, with ASCII. */
  readUnits(address: bigint, count: number, size: 1 | 2 | 4 | 8): { lines: string[]; words: string[] } {
    if (size === 8) return this.readWords(address, count);
    const mem = this.k.mem;
    const per = 16 / size;
    const lines: string[] = [];
    const words: string[] = [];
    for (let i = 0; i < count; i += per) {
      const a = address + BigInt(i * size);
      const n = Math.min(per, count - i);
      let b: Buffer;
      try {
        b = mem.read(a, n * size);
      } catch (e) {
        if (i === 0) throw new UnreadableError(`rd: ${unreadable(mem, a) ?? (e as Error).message}`);
        lines.push(`${a.toString(16)}:  <${unreadable(mem, a) ?? (e as Error).message}>`);
        for (let j = 0; j < n; j++) words.push('');
        continue;
      }
      const cells: string[] = [];
      for (let j = 0; j < n; j++) {
        const v = size === 1 ? b[j] : size === 2 ? b.readUInt16LE(j * 2) : b.readUInt32LE(j * 4);
        words.push('0x' + v.toString(16));
        cells.push(v.toString(16).padStart(size * 2, '0'));
      }
      const ascii = [...b].map((c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : '.')).join('');
      lines.push(`${a.toString(16)}:  ${cells.join(' ').padEnd(per * (size * 2 + 1) - 1)}   ${ascii}`);
    }
    return { lines, words };
  }

  /** crash's `rd -a`: the NUL-terminated ASCII string at `address` (at most `max` bytes). */
  readString(address: bigint, max = 4096): string[] {
    let text: string;
    try {
      text = this.k.mem.cstring(address, max);
    } catch (e) {
      throw new UnreadableError(`rd: ${unreadable(this.k.mem, address) ?? (e as Error).message}`);
    }
    text = text.replace(/\n+$/, '');
    const lines: string[] = [];
    for (let o = 0; o < text.length || o === 0; o += 60) lines.push(`${(address + BigInt(o)).toString(16)}:  ${text.slice(o, o + 60)}`);
    return lines;
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

  /** The vmlinux or module symbol covering `address` (none past _end or a module's memory). */
  symbolAt(address: bigint): SymbolHit | undefined {
    return symbolAt(this.k, address);
  }

  symbolHits(name: string): SymbolHit[] {
    return symbolsNamed(this.k, name);
  }

  /** crash's `sym -q`: the symbols whose names contain `text`. */
  symbolsContaining(text: string): SymbolHit[] {
    return symbolsContaining(this.k, text);
  }

  trySymbol(name: string): bigint | undefined {
    return this.k.trySymbol(name);
  }

  /** The module whose memory holds `address` (before its first symbol), if any. */
  moduleAt(address: bigint): string | undefined {
    return address >= this.k.mem.modulesStart ? this.k.moduleSymbols().at(address)?.module : undefined;
  }

  /**
   * crash's `rd`: `count` 64-bit words from `address` as lines (symbols and ASCII); an
   * address nothing maps throws one line, a partly readable range prints what it can and one
   * line for each unreadable stretch.
   */
  readWords(address: bigint, count: number): { lines: string[]; words: string[] } {
    const mem = this.k.mem;
    const end = address + BigInt(count * 8);
    if (nextReadable(mem, address, end) === undefined) throw new UnreadableError(`rd: ${unreadable(mem, address)}`);
    const lines: string[] = [];
    const words: string[] = [];
    for (let i = 0; i < count; ) {
      const a = address + BigInt(i * 8);
      const why = unreadable(mem, a);
      if (why) {
        // Skip to the next readable page, word-aligned with ADDR: one line for the stretch.
        const next = nextReadable(mem, a, end) ?? end;
        const skip = Math.max(1, Math.ceil(Number(next - a) / 8));
        const to = a + BigInt(skip * 8) < end ? a + BigInt(skip * 8) : end;
        lines.push(`${a.toString(16)}-${to.toString(16)}:  <${why}>`);
        for (let j = 0; j < skip && i + j < count; j++) words.push('');
        i += skip;
        continue;
      }
      const cells: string[] = [];
      let ascii = '';
      for (let j = 0; j < 2 && i + j < count; j++) {
        try {
          const v = mem.u64(a + BigInt(j * 8));
          words.push('0x' + v.toString(16));
          const h = v > 0xffffffff00000000n ? symbolAt(this.k, v) : undefined;
          cells.push(v.toString(16).padStart(16, '0') + (h && h.offset < 0x1000n ? ` <${formatHit(h)}>` : ''));
          for (let b = 0n; b < 8n; b++) {
            const c = Number((v >> (b * 8n)) & 0xffn);
            ascii += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
          }
        } catch (e) {
          cells.push('<gap: ' + (e as Error).message + '>');
          words.push('');
        }
      }
      lines.push(`${a.toString(16)}:  ${cells.join('  ')}  ${ascii}`);
      i += 2;
    }
    return { lines, words };
  }

  /** crash's `list -H HEAD [-o TYPE.member]`: entries of a list_head, bounded and cycle-detecting. */
  list(head: bigint, linkOffset: bigint, limit: number): ListWalk {
    return walkList(this.k, head, linkOffset, limit);
  }

  /** Byte offset of a member (`list -o TYPE.member`); undefined when BTF has no such member. */
  memberOffset(spec: string, member: string): bigint | undefined {
    return this.k.tryField(spec, member)?.offsetN;
  }

  /** crash's `files PID`: every open fd, named as /proc/PID/fd shows it; undefined: no such pid. */
  files(pid: number): ReturnType<typeof processFiles> {
    if (!this.filesCache.has(pid)) this.filesCache.set(pid, processFiles(this.k, pid));
    return this.filesCache.get(pid);
  }

  /** crash's `kmem ADDR`: the slab cache (and object) an address lies in. */
  slab(address: bigint): SlabHit {
    return slabOfAddress(this.k, address);
  }
}
