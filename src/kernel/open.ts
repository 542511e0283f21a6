// Opening a dump as a kernel: dump file → VMCOREINFO → page tables → symbols → types.
// Each step says where its answer came from (for `info`) and, when it cannot find
// something, which file the user can pass instead.

import { readFileSync } from 'node:fs';
import { openDump } from '../dump/open.js';
import type { PhysicalDump } from '../dump/types.js';
import { X86_64Mmu, kernelImagePhys, AddressError } from '../arch/x86_64.js';
import {
  parseVmcoreInfo,
  symbolAddress,
  number as vmNumber,
  kernelOffset as vmKernelOffset,
  buildId as vmBuildId,
} from '../debuginfo/vmcoreinfo.js';
import { readBuildId } from '../debuginfo/elf-sections.js';
import type { SymbolTable, VirtualReader, VmcoreInfo } from '../debuginfo/types.js';
import { decodeKallsyms } from '../debuginfo/kallsyms.js';
import { findKallsymsByShape } from '../debuginfo/kallsyms-scan.js';
import { parseSystemMap } from '../debuginfo/system-map.js';
import { readVmlinuxSymbols } from '../debuginfo/symtab.js';
import { Btf } from '../debuginfo/btf.js';
import { loadBtfFile } from '../debuginfo/btf-source.js';
import { findBtfInMemory } from '../debuginfo/btf-in-memory.js';
import { btfArena } from '../debuginfo/btf-scan.js';
import { KernelMemory } from './memory.js';
import { withoutInterrupt } from '../dump/interrupt.js';
import { Kernel } from './kernel.js';
import { OpenError } from './errors.js';
import { btfMismatch } from './btf-check.js';
import { LIMITS, emptyBtf, reason, vmcoreinfoSymbols, type OpenProblem } from './open-stages.js';
import { startPrefetchBeforeTypes, startPrefetchForLargeTables } from './prefetch-start.js';
import { now } from '../dump/clock.js';

export interface OpenOptions {
  systemMap?: string;
  btf?: string;
  vmlinux?: string;
  cachePages?: number;
  /** Decode pages ahead on a worker thread (src/dump/prefetch.ts): the CLI and the shell.
   *  'eager': the worker starts at opening (src/dump/base.ts OpenOptions says when it pays). */
  prefetch?: boolean | 'eager';
  /** With `prefetch: true`: the command reads the socket tables, so start the worker while
   *  opening when the kernel counts many TCP sockets (prefetch-start.ts), not at the first long
   *  list. (A command that reads no large table would pay the worker's start for nothing: the
   *  10,000-socket dump's `-i` took 0.12 s instead of 0.09 on a busy machine.) */
  prefetchEarly?: boolean;
  /** Test mode: pages handed out are overwritten at the next read of another page
   *  (src/dump/page-poison.ts). */
  poisonPages?: boolean;
  /** Progress messages while opening ("reading kallsyms…"). */
  onProgress?: (what: string) => void;
}

/** How far the kernel image may extend past _stext when searching it by shape. */
const IMAGE_SCAN_BYTES = 96n * 1024n * 1024n;

export function openKernel(path: string, opts: OpenOptions = {}): Kernel {
  const progress = opts.onProgress ?? (() => {});
  progress(`opening ${path}`);
  const t0 = now();
  const dump = openDump(path, { cachePages: opts.cachePages, prefetch: opts.prefetch, poisonPages: opts.poisonPages });
  const headersMs = now() - t0;
  try {
    const k = openKernelFromDump(dump, opts);
    k.openTimings.headersMs = headersMs;
    if (opts.prefetch === true && opts.prefetchEarly) startPrefetchForLargeTables(k);
    return k;
  } catch (e) {
    dump.close();
    throw e;
  }
}

export function openKernelFromDump(dump: PhysicalDump, opts: OpenOptions = {}): Kernel {
  const progress = opts.onProgress ?? (() => {});
  const problems: OpenProblem[] = [];
  // A file the user passed must be right: its failure stops opening, with its own message.
  const userFiles = opts.systemMap !== undefined || opts.btf !== undefined || opts.vmlinux !== undefined;
  if (!dump.vmcoreinfo && userFiles) {
    throw new OpenError(
      `${dump.path}: the dump has no VMCOREINFO, so the kernel's page tables and KASLR offset are unknown ` +
        `(a QEMU guest needs '-device vmcoreinfo' and the qemu_fw_cfg module loaded)`,
    );
  }
  if (!dump.vmcoreinfo) {
    problems.push({
      stage: 'vmcoreinfo',
      detail: `not in the dump (a QEMU guest needs '-device vmcoreinfo' and the qemu_fw_cfg module loaded)`,
      limits: LIMITS.vmcoreinfo,
    });
  }
  const info = parseVmcoreInfo(dump.vmcoreinfo ?? '');
  // A damaged note may hold values that are not numbers: each is one problem, never a throw.
  const value = <T>(what: string, get: () => T | undefined): T | undefined => {
    try {
      return get();
    } catch (e) {
      problems.push({ stage: 'vmcoreinfo', detail: reason(e), limits: `${what} unknown` });
      return undefined;
    }
  };
  const physBase = value('phys_base', () => vmNumber(info, 'phys_base')) ?? 0n;
  const kaslr = value('KASLR offset', () => vmKernelOffset(info)) ?? 0n;
  const topPgt = value('page tables', () => symbolAddress(info, 'init_top_pgt'));
  if (topPgt === undefined && dump.vmcoreinfo) {
    problems.push({ stage: 'page tables', detail: 'VMCOREINFO has no SYMBOL(init_top_pgt) (not an x86-64 kernel dump?)', limits: LIMITS.pageTables });
  }
  const imageSize = value('KERNEL_IMAGE_SIZE', () => vmNumber(info, 'KERNEL_IMAGE_SIZE'));
  const mmu = new X86_64Mmu(dump, {
    // Without init_top_pgt every walk fails ("not in the dump") instead of reading page 0.
    topTablePhys: topPgt !== undefined ? kernelImagePhys(topPgt, physBase) : Number.MAX_SAFE_INTEGER - 0xfff,
    fiveLevel: value('5-level paging', () => vmNumber(info, 'pgtable_l5_enabled')) === 1n,
    smeMask: value('SME mask', () => vmNumber(info, 'sme_mask')) ?? 0n,
  });
  const plausibleImage = imageSize !== undefined && imageSize > 0n && imageSize <= 0x40000000n ? imageSize : undefined;
  const mem = new KernelMemory(dump, mmu, physBase, plausibleImage);
  const read: VirtualReader = (a, n) => mem.read(a, n);

  // pageCounts() reads and counts the RAM bitmap (~1 ms on the 10k dump): only for someone listening.
  if (opts.onProgress) progress(`reading symbols (${dump.description}, ${dump.pageCounts().present} pages)`);
  const t0 = now();
  let symbols: SymbolTable;
  try {
    symbols = loadSymbols(dump, info, read, kaslr, opts);
  } catch (e) {
    if (opts.systemMap !== undefined || opts.vmlinux !== undefined) throw e;
    symbols = vmcoreinfoSymbols(info, 'kallsyms unreadable');
    if (dump.vmcoreinfo) problems.push({ stage: 'symbols', detail: reason(e), limits: LIMITS.symbols(symbols.size) });
  }
  const t1 = now();
  if (opts.prefetch === true && opts.prefetchEarly) startPrefetchBeforeTypes(mem, symbols);
  progress(`reading types (${symbols.size} symbols from ${symbols.source})`);
  let btf: Btf;
  let typeSource: string;
  try {
    ({ btf, source: typeSource } = loadTypes(dump, info, read, mem, symbols, opts));
  } catch (e) {
    if (opts.btf !== undefined || opts.vmlinux !== undefined) throw e;
    btf = emptyBtf();
    typeSource = 'none (BTF unreadable)';
    if (dump.vmcoreinfo) problems.push({ stage: 'types', detail: reason(e), limits: LIMITS.types });
  }
  const t2 = now();
  const k = new Kernel(dump, mem, btf, symbols, info, { symbols: symbols.source, types: typeSource }, kaslr);
  k.openProblems.push(...problems);
  try {
    useDirectMap(k);
  } catch {
    // page_offset_base unreadable: every address goes through the page-table walk
  }
  const typeFile = opts.btf ? `--btf ${opts.btf}` : opts.vmlinux ? `--vmlinux ${opts.vmlinux}` : undefined;
  if (typeFile) {
    // Types of another build read garbage everywhere: read a few known facts back with them first.
    const failed = btfMismatch(k);
    if (failed) throw new OpenError(`${typeFile}: not the BTF of this dump's kernel: ${failed}`);
  }
  k.openTimings = { headersMs: 0, symbolsMs: t1 - t0, typesMs: t2 - t1 };
  return k;
}

function loadSymbols(dump: PhysicalDump, info: VmcoreInfo, read: VirtualReader, kaslr: bigint, opts: OpenOptions): SymbolTable {
  if (opts.systemMap) return parseSystemMap(readText(opts.systemMap, '--system-map'), kaslr, opts.systemMap, info);
  const notes: string[] = [];
  if (opts.vmlinux) {
    checkBuildId(opts.vmlinux, info);
    try {
      return readVmlinuxSymbols(opts.vmlinux, kaslr, info);
    } catch (e) {
      // Distribution vmlinux images (from vmlinuz) keep .BTF but no .symtab: use kallsyms.
      notes.push((e as Error).message);
    }
  }
  // Read lazily (KallsymsReadOptions.lazy: a lookup reads the few pages it needs, 1164 pages
  // instead of 1532 on 6.1), with Ctrl-C held off during such a read: a view looks its symbols
  // up outside the walks that catch a stop.
  if (symbolAddress(info, 'kallsyms_names') !== undefined) return decodeKallsyms(read, info, { lazy: withoutInterrupt });
  // Before 6.0 VMCOREINFO names no kallsyms tables: look for them in the image by their shape.
  const stext = symbolAddress(info, '_stext');
  if (stext !== undefined) {
    try {
      return findKallsymsNearData(read, info, stext) ?? findKallsymsByShape(read, stext, stext + IMAGE_SCAN_BYTES, info);
    } catch (e) {
      notes.push(`they could not be found in the dump (${(e as Error).message})`);
    }
  }
  throw new OpenError(
    `${dump.path}: no symbols: this kernel's VMCOREINFO lists no kallsyms tables (it is older than 6.0)` +
      (notes.length ? ` and ${notes.join('; ')}` : '') +
      '. Pass --system-map FILE (System.map or a saved /proc/kallsyms) or --vmlinux FILE with a symbol table.',
  );
}

/** The kallsyms tables are linked last into .rodata, which .data follows: look first in the
 *  12 MiB below init_uts_ns (in .data, always in VMCOREINFO) — a few MiB to scan instead of
 *  all of .text. undefined when they are not there, and the whole image is searched. */
const NEAR_DATA_BYTES = 12n * 1024n * 1024n;
function findKallsymsNearData(read: VirtualReader, info: VmcoreInfo, stext: bigint): SymbolTable | undefined {
  const uts = symbolAddress(info, 'init_uts_ns');
  if (uts === undefined || uts <= stext || uts - stext > IMAGE_SCAN_BYTES) return undefined;
  const from = uts - NEAR_DATA_BYTES > stext ? uts - NEAR_DATA_BYTES : stext;
  try {
    return findKallsymsByShape(read, from, uts, info);
  } catch {
    return undefined;
  }
}

/** A vmlinux of another build would give wrong types and addresses: compare GNU build-ids. */
function checkBuildId(path: string, info: VmcoreInfo): void {
  const want = vmBuildId(info);
  let have: string | undefined;
  try {
    have = readBuildId(path);
  } catch {
    return; // not an ELF: the loaders say what is wrong with it
  }
  if (want && have && !want.startsWith(have) && !have.startsWith(want)) {
    throw new OpenError(`${path}: build-id ${have} is not the dump's kernel (VMCOREINFO BUILD-ID=${want}): use the vmlinux of that exact build`);
  }
}

function loadTypes(
  dump: PhysicalDump,
  info: VmcoreInfo,
  read: VirtualReader,
  mem: KernelMemory,
  symbols: SymbolTable,
  opts: OpenOptions,
): { btf: Btf; source: string } {
  if (opts.btf) return { btf: loadBtfFile(opts.btf), source: `BTF file ${opts.btf}` };
  if (opts.vmlinux) {
    checkBuildId(opts.vmlinux, info);
    return { btf: loadBtfFile(opts.vmlinux), source: `.BTF of ${opts.vmlinux}` };
  }
  const start = symbols.lookup('__start_BTF');
  const stop = symbols.lookup('__stop_BTF');
  try {
    if (start !== undefined && stop !== undefined && stop > start) {
      // Read straight into the memory of the wasm module that scans it (btf-scan.ts).
      const into = { room: btfArena, read: (a: bigint, out: Buffer) => mem.readInto(a, out, true) };
      return { btf: Btf.parse(findBtfInMemory(read, { start, end: stop, into })), source: 'BTF in the dump (__start_BTF)' };
    }
    const stext = symbolAddress(info, '_stext') ?? symbols.lookup('_stext');
    if (stext === undefined) throw new Error('no _stext to start the search from');
    const blob = findBtfInMemory(read, { start: stext, end: stext + IMAGE_SCAN_BYTES, scan: true });
    return { btf: Btf.parse(blob), source: 'BTF found in the dump by its header' };
  } catch (e) {
    throw new OpenError(
      `${dump.path}: no BTF type information found in the dump (${(e as Error).message}). ` +
        `The kernel needs CONFIG_DEBUG_INFO_BTF; or pass --btf FILE (/sys/kernel/btf/vmlinux of that kernel) or --vmlinux FILE.`,
    );
  }
}

function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new OpenError(`${option} ${path}: ${(e as Error).message}`);
  }
}

// arch/x86/mm/kaslr.c: page_offset_base is where the direct map of RAM begins. Trust it only
// when the page tables agree on a probe address, then translate that range arithmetically.
function useDirectMap(k: Kernel): void {
  // Without CONFIG_DYNAMIC_MEMORY_LAYOUT the base is the fixed __PAGE_OFFSET_BASE_L4/_L5.
  const sym = k.symbols.lookup('page_offset_base');
  const fixed = vmNumber(k.info, 'pgtable_l5_enabled') === 1n ? 0xff11000000000000n : 0xffff888000000000n;
  let base: bigint;
  try {
    base = sym !== undefined ? k.mem.u64(sym) : fixed;
  } catch {
    return; // leave every address to the page-table walk
  }
  const bytes = BigInt(k.dump.maxPfn) * BigInt(k.dump.pageSize);
  try {
    if (k.mem.mmu.translate(base + 0x1000000n) === 0x1000000) k.mem.setDirectMap(base, bytes); // 16 MiB into RAM
  } catch (e) {
    // The tables that would confirm it are missing (a truncated dump): the kernel's own
    // page_offset_base is still the best answer there is — and the walk would fail anyway.
    if (sym !== undefined && e instanceof AddressError && /not in the dump/.test(e.message)) k.mem.setDirectMap(base, bytes);
  }
}
