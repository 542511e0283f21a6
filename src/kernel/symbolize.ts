// Which symbol covers an address, vmlinux's or a module's (kernel/kallsyms.c: kallsyms_lookup,
// which asks is_ksym_addr() for the image and then module_address_lookup()). kallsyms has no
// sizes, so a symbol covers up to the next one, and only inside what the kernel itself bounds:
// vmlinux's image [_text, _end) (and the per-CPU area on absolute-percpu kernels), a module's
// core memory (mod->mem[] / core_layout). Past those an address is "no symbol", not
// `__init_scratch_end+441619664`.

import type { Kernel } from './kernel.js';
import type { KernelSymbol } from '../debuginfo/types.js';
import type { ModuleSymbol } from '../debuginfo/symbol-table.js';
import { perKernel } from './memo.js';

export interface SymbolHit {
  name: string;
  /** Address of the symbol itself. */
  address: bigint;
  offset: bigint;
  /** nm letter. */
  type: string;
  /** The module holding it; undefined for vmlinux. */
  module?: string;
}

interface Ranges {
  image?: [bigint, bigint];
  perCpu?: [bigint, bigint];
}
/** include/asm-generic/sections.h: _text/_stext … _end bound the image; __per_cpu_start/_end the
 *  per-CPU template, which absolute-percpu kallsyms lists at small offsets from 0. */
const vmlinuxRanges = perKernel((k): Ranges => {
  const s = (n: string) => k.symbols.lookup(n);
  const text = s('_text') ?? s('_stext');
  const end = s('_end');
  const pcs = s('__per_cpu_start');
  const pce = s('__per_cpu_end');
  return {
    image: text !== undefined && end !== undefined && end > text ? [text, end] : undefined,
    perCpu: pcs !== undefined && pce !== undefined && pce > pcs && text !== undefined && pce <= text ? [pcs, pce] : undefined,
  };
});

const within = (a: bigint, r?: [bigint, bigint]): boolean => r !== undefined && a >= r[0] && a < r[1];

/** The vmlinux or module symbol covering `addr`, or undefined when none does. */
export function symbolAt(k: Kernel, addr: bigint): SymbolHit | undefined {
  if (addr >= k.mem.modulesStart) {
    const m = k.moduleSymbols().at(addr);
    return m?.symbol ? hit(m.symbol, addr, m.module) : undefined;
  }
  const n = k.symbols.nearest(addr);
  if (!n) return undefined;
  const r = vmlinuxRanges(k);
  // Without _end in the table (a partial System.map), keep to the old bound of 1 MiB.
  const covered = n.offset === 0n || (r.image ? within(addr, r.image) || within(addr, r.perCpu) : n.offset <= 0x100000n);
  return covered ? hit(n.symbol, addr) : undefined;
}

function hit(s: KernelSymbol, addr: bigint, module?: string): SymbolHit {
  return { name: s.name, address: s.address, offset: addr - s.address, type: s.type, module };
}

/** "name", "name+0x1a", "name+0x1a [module]". */
export function formatHit(h: SymbolHit): string {
  const base = h.offset === 0n ? h.name : `${h.name}+0x${h.offset.toString(16)}`;
  return h.module ? `${base} [${h.module}]` : base;
}

/** Every symbol named `name` (vmlinux's, then the modules'; "module:name" picks one module). */
export function symbolsNamed(k: Kernel, name: string): SymbolHit[] {
  const out: SymbolHit[] = [];
  const colon = name.indexOf(':');
  if (colon < 0) {
    // kallsyms answers by name without decoding every symbol (the address-sorted list)
    const named = k.symbols.named?.(name) ?? k.symbols.all().filter((s) => s.name === name);
    for (const s of named) out.push(hit(s, s.address));
  }
  const mod = colon > 0 ? name.slice(0, colon) : undefined;
  const bare = colon > 0 ? name.slice(colon + 1) : name;
  for (const s of k.moduleSymbols().table.all() as readonly ModuleSymbol[]) {
    if (s.name === bare && (mod === undefined || s.module === mod)) out.push(hit(s, s.address, s.module));
  }
  return out;
}

/** crash's `sym -q`: every symbol whose name contains `text`, vmlinux's then the modules'. */
export function symbolsContaining(k: Kernel, text: string): SymbolHit[] {
  const out: SymbolHit[] = [];
  for (const s of k.symbols.all()) if (s.name.includes(text)) out.push(hit(s, s.address));
  for (const s of k.moduleSymbols().table.all() as readonly ModuleSymbol[]) {
    if (s.name.includes(text)) out.push(hit(s, s.address, s.module));
  }
  return out;
}
