// Loaded kernel modules and their symbols, read from the dump: the `modules` list of
// struct module (kernel/module/main.c; kernel/module.c before 5.19) and each module's own
// kallsyms copy (kernel/module/kallsyms.c: add_kallsyms, module_get_kallsym). vmlinux's
// kallsyms tables hold no module symbols; /proc/kallsyms appends these with a `[module]` tag.

import type { Kernel } from './kernel.js';
import { isKernelPointer, listEntries, type WalkProblem } from './walk.js';
import type { KernelSymbol, SymbolTable } from '../debuginfo/types.js';
import { SortedSymbolTable, type ModuleSymbol } from '../debuginfo/symbol-table.js';
import { GAP } from './walk.js';

/** Elf64_Sym (System V gABI, <elf.h>): the entries of mod_kallsyms.symtab. */
const ELF64_SYM = {
  size: 24,
  stName: 0, // u32: offset of the name in strtab
  stInfo: 4, // u8: bind << 4 | type (before 5.2 the kernel overwrote it with the nm letter)
  stShndx: 6, // u16: section index, SHN_UNDEF = 0
  stValue: 8, // u64: the address, relocated at load
} as const;

/** struct kernel_symbol with CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (include/linux/export.h). */
const PREL32_SYMBOL_SIZE = 12;

const MAX_MODULES = 10_000;
const MAX_SYMBOLS_PER_MODULE = 500_000;
/** KSYM_NAME_LEN (include/linux/kallsyms.h: 512 since 6.1, 128 before). */
const KSYM_NAME_LEN = 512;

/** A piece of a module's memory: 6.4+ allocates text, data, rodata separately (mod->mem[]). */
export interface ModuleRange {
  /** 'text', 'data', 'rodata', 'ro_after_init' (6.4+) or 'core' (the one allocation before). */
  kind: string;
  base: bigint;
  size: number;
}

export interface LoadedModule {
  name: string;
  /** Address of the struct module. */
  address: bigint;
  /** enum module_state name: MODULE_STATE_LIVE, _COMING, _GOING. */
  state: string;
  /** Start and size of the module's text (mem[MOD_TEXT], 6.4+) or of its whole core
   *  allocation (core_layout before 6.4: text, rodata and data in one). */
  base?: bigint;
  size?: number;
  /** Every core range of the module (what within_module() checks). */
  ranges: ModuleRange[];
  symbols: ModuleSymbol[];
}

export interface ModuleWalkOptions {
  onProblem?: (p: WalkProblem) => void;
  /** At most this many modules (default 10,000). */
  limit?: number;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Every formed module on the `modules` list (struct module, linked by `list`), with its symbols.
 *  A module whose struct or symbol table cannot be read is skipped and reported. */
export function loadedModules(k: Kernel, opts: ModuleWalkOptions = {}): LoadedModule[] {
  const M = 'struct module';
  // vmlinux's table only: Kernel.trySymbol falls back to module symbols, built from here.
  const head = k.vmlinuxSymbol('modules');
  if (head === undefined) return []; // CONFIG_MODULES=n
  const list = k.field(M, 'list');
  const nameF = k.field(M, 'name');
  const stateF = k.field(M, 'state');
  const out: LoadedModule[] = [];
  const where = 'modules';
  const report = (address: bigint, detail: string) =>
    opts.onProblem?.({ where, address, kind: 'unreadable', detail });
  for (const link of listEntries(k.mem, head, { where, limit: opts.limit ?? MAX_MODULES, onProblem: opts.onProblem })) {
    const mod = link - list.offsetN;
    let name = GAP;
    try {
      name = k.str(mod, nameF);
      const state = k.enumName('enum module_state', k.num(mod, stateF));
      // kernel/module/kallsyms.c: module_get_kallsym skips MODULE_STATE_UNFORMED (still being copied in).
      if (state === 'MODULE_STATE_UNFORMED') continue;
      const ranges = moduleRanges(k, mod);
      const text = ranges.find((r) => r.kind === 'text') ?? ranges[0];
      // The table's place is checked now (a bad one skips the module); its symbols are decoded
      // on first use: symbolizing one address decodes only the module that holds it.
      const decode = moduleKallsyms(k, mod, name);
      let symbols: ModuleSymbol[] | undefined;
      const m = { name, address: mod, state, base: text?.base, size: text?.size, ranges } as LoadedModule;
      Object.defineProperty(m, 'symbols', {
        enumerable: true,
        get: () => {
          if (!symbols) {
            try {
              symbols = decode();
            } catch (e) {
              symbols = [];
              report(mod, `module ${name} at 0x${mod.toString(16)}: ${describe(e)}`);
            }
          }
          return symbols;
        },
      });
      out.push(m);
    } catch (e) {
      report(mod, `module ${name} at 0x${mod.toString(16)}: ${describe(e)}`);
    }
  }
  return out;
}

/** The module's core memory: `mem[]` (6.4+, enum mod_mem_type) or `core_layout` (before 6.4,
 *  one allocation holding text, rodata and data). Probed in BTF, not by version. */
function moduleRanges(k: Kernel, mod: bigint): ModuleRange[] {
  const M = 'struct module';
  // 6.4 ("module: replace module_layout with module_memory"): struct module_memory mem[MOD_MEM_NUM_TYPES]
  const memTypes = k.findType('enum mod_mem_type');
  if (k.tryField(M, 'mem[0].base') && memTypes !== undefined) {
    const out: ModuleRange[] = [];
    for (const e of k.btf.enumerators(memTypes)) {
      // Core types only: init memory is freed once the module is live (do_init_module).
      if (!['MOD_TEXT', 'MOD_DATA', 'MOD_RODATA', 'MOD_RO_AFTER_INIT'].includes(e.name)) continue;
      const i = Number(e.value);
      const base = k.ptr(mod, k.field(M, `mem[${i}].base`));
      const size = k.num(mod, k.field(M, `mem[${i}].size`));
      if (base !== 0n && size > 0) out.push({ kind: e.name.slice(4).toLowerCase(), base, size });
    }
    return out;
  }
  // Before 6.4: struct module_layout core_layout { void *base; unsigned int size, text_size, ... }
  const base = k.tryField(M, 'core_layout.base');
  const size = k.tryField(M, 'core_layout.size');
  if (!base || !size) return [];
  const b = k.ptr(mod, base);
  const s = k.num(mod, size);
  return b !== 0n && s > 0 ? [{ kind: 'core', base: b, size: s }] : [];
}

/** The symbols of one module as module_get_kallsym lists them: mod->kallsyms (an RCU pointer:
 *  the full init-time table while the module initialises, &mod->core_kallsyms afterwards). */
function moduleKallsyms(k: Kernel, mod: bigint, name: string): () => ModuleSymbol[] {
  const M = 'struct module';
  const KS = 'struct mod_kallsyms';
  let ks = k.ptr(mod, k.field(M, 'kallsyms'));
  if (!isKernelPointer(ks)) ks = k.addr(mod, k.field(M, 'core_kallsyms'));
  const symtab = k.ptr(ks, k.field(KS, 'symtab'));
  const num = k.num(ks, k.field(KS, 'num_symtab'));
  const strtab = k.ptr(ks, k.field(KS, 'strtab'));
  // 5.2 (1c7651f4 "kallsyms: store type information in its own array"): char *typetab.
  // Before it the nm letter overwrote st_info (and, briefly, st_size: then derive it from st_info).
  const typetabF = k.tryField(KS, 'typetab');
  const typetab = typetabF ? k.ptr(ks, typetabF) : undefined;
  if (num === 0) return () => [];
  if (num > MAX_SYMBOLS_PER_MODULE) throw new Error(`${num} symbols (more than ${MAX_SYMBOLS_PER_MODULE}): not a symbol table`);
  if (!isKernelPointer(symtab) || !isKernelPointer(strtab)) throw new Error(`symtab 0x${symtab.toString(16)} / strtab 0x${strtab.toString(16)}: not kernel addresses`);
  return () => decodeKallsyms(k, mod, name, symtab, num, strtab, typetab);
}

function decodeKallsyms(k: Kernel, mod: bigint, name: string, symtab: bigint, num: number, strtab: bigint, typetab: bigint | undefined): ModuleSymbol[] {

  const syms = k.mem.read(symtab, num * ELF64_SYM.size);
  const types = typetab !== undefined ? k.mem.read(typetab, num) : undefined;
  let maxName = 0;
  for (let i = 0; i < num; i++) maxName = Math.max(maxName, syms.readUInt32LE(i * ELF64_SYM.size + ELF64_SYM.stName));
  const strings = readUpTo(k, strtab, maxName + KSYM_NAME_LEN);
  const exported = exportedSymbols(k, mod);

  const out: ModuleSymbol[] = [];
  for (let i = 0; i < num; i++) {
    const o = i * ELF64_SYM.size;
    if (syms.readUInt16LE(o + ELF64_SYM.stShndx) === 0) continue; // SHN_UNDEF: not kept in the core copy anyway
    const nameOff = syms.readUInt32LE(o + ELF64_SYM.stName);
    const symName = cstringAt(k, strings, strtab, nameOff);
    if (symName === '') continue; // kernel/kallsyms.c s_show: unnamed symbols are not listed
    const address = syms.readBigUInt64LE(o + ELF64_SYM.stValue);
    const info = syms[o + ELF64_SYM.stInfo];
    const letter = types ? String.fromCharCode(types[i]) : isLetter(info) ? String.fromCharCode(info) : letterFromInfo(info);
    // kernel/kallsyms.c s_show: a module symbol is upper case when exported (is_exported: mod->syms).
    const type = exported.get(symName) === address ? letter.toUpperCase() : letter.toLowerCase();
    out.push({ name: symName, address, type, module: name });
  }
  return out;
}

/** Names and values of the module's EXPORT_SYMBOL (non-GPL) symbols: mod->syms[num_syms]. */
function exportedSymbols(k: Kernel, mod: bigint): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const syms = k.ptr(mod, k.field('struct module', 'syms'));
  const n = k.num(mod, k.field('struct module', 'num_syms'));
  if (syms === 0n || n === 0 || n > MAX_SYMBOLS_PER_MODULE) return out;
  // include/linux/export.h: PREL32 entries hold offsets from the field itself; else pointers.
  const prel = k.tryField('struct kernel_symbol', 'value_offset');
  const nameOff = k.tryField('struct kernel_symbol', prel ? 'name_offset' : 'name');
  const valueOff = k.tryField('struct kernel_symbol', prel ? 'value_offset' : 'value');
  if (!nameOff || !valueOff) return out;
  const entry = prel ? PREL32_SYMBOL_SIZE : k.sizeof('struct kernel_symbol');
  try {
    for (let i = 0; i < n; i++) {
      const e = syms + BigInt(i * entry);
      const at = (f: typeof nameOff) => (prel ? e + f.offsetN + BigInt(k.mem.s32(e + f.offsetN)) : k.ptr(e, f));
      out.set(k.mem.cstring(at(nameOff), KSYM_NAME_LEN), at(valueOff));
    }
  } catch {
    // Export table unreadable: the symbols stay, only their letters lose the upper case.
  }
  return out;
}

/** Up to `len` bytes from `addr`, stopping at the first page that cannot be read. */
function readUpTo(k: Kernel, addr: bigint, len: number): Buffer {
  const parts: Buffer[] = [];
  let done = 0;
  while (done < len) {
    const a = addr + BigInt(done);
    const n = Math.min(len - done, 4096 - Number(a & 0xfffn));
    try {
      parts.push(k.mem.read(a, n));
    } catch {
      break;
    }
    done += n;
  }
  return Buffer.concat(parts);
}

function cstringAt(k: Kernel, strings: Buffer, strtab: bigint, off: number): string {
  const end = strings.indexOf(0, off);
  if (end >= 0) return strings.toString('latin1', off, end);
  return k.mem.cstring(strtab + BigInt(off), KSYM_NAME_LEN); // past what could be read at once: throws if missing
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** A rough nm letter from ELF st_info alone (no section flags): functions 't', the rest 'd'. */
function letterFromInfo(info: number): string {
  const bind = info >> 4;
  const type = info & 0xf;
  if (bind === 2) return type === 1 ? 'v' : 'w'; // STB_WEAK: STT_OBJECT → v
  return type === 2 ? 't' : 'd'; // STT_FUNC
}

/** Module symbols as one table, with the modules, for `Kernel.symbolize` and lookups. */
export class ModuleSymbols {
  private tableCache?: SortedSymbolTable;
  private readonly perModule = new Map<LoadedModule, SortedSymbolTable>();

  constructor(
    readonly modules: readonly LoadedModule[],
    readonly problems: readonly WalkProblem[],
  ) {}

  /** Every module's symbols in one table (decodes every module's symbols, once). */
  get table(): SortedSymbolTable {
    if (!this.tableCache) {
      const all: KernelSymbol[] = [];
      for (const m of this.modules) for (const s of m.symbols) all.push(s);
      this.tableCache = SortedSymbolTable.fromSymbols(all, `module kallsyms in the dump (${this.modules.length} modules)`);
    }
    return this.tableCache;
  }

  /** One module's symbols as a table, for the address search. */
  private tableOf(m: LoadedModule): SortedSymbolTable {
    let t = this.perModule.get(m);
    if (!t) this.perModule.set(m, (t = SortedSymbolTable.fromSymbols(m.symbols, `module ${m.name}`)));
    return t;
  }

  /** The module whose core memory holds `addr` (kernel/module/main.c: __module_address). */
  moduleAt(addr: bigint): { module: LoadedModule; range: ModuleRange } | undefined {
    for (const module of this.modules) {
      for (const range of module.ranges) if (addr >= range.base && addr < range.base + BigInt(range.size)) return { module, range };
    }
    return undefined;
  }

  /** A symbol by name, or "module:name" as kallsyms_lookup_name takes it. */
  lookup(name: string): bigint | undefined {
    const colon = name.indexOf(':');
    if (colon <= 0) return this.table.lookup(name);
    const mod = this.modules.find((m) => m.name === name.slice(0, colon));
    return mod?.symbols.find((s) => s.name === name.slice(colon + 1))?.address;
  }

  /** The module holding `addr` and the symbol of that module covering it (none when the
   *  address lies before the module's first symbol); undefined when no module holds it. */
  at(addr: bigint): { module: string; symbol?: ModuleSymbol } | undefined {
    const owner = this.moduleAt(addr);
    if (owner) {
      // The owner's own symbols only (modules do not overlap): no other module is decoded.
      const sym = this.tableOf(owner.module).nearest(addr)?.symbol as ModuleSymbol | undefined;
      const ok = sym && sym.address >= owner.range.base;
      return { module: owner.module.name, symbol: ok ? sym : undefined };
    }
    const n = this.table.nearest(addr);
    const sym = n?.symbol as ModuleSymbol | undefined;
    // No ranges known (layout members missing from BTF): trust a near symbol.
    const ranged = this.modules.some((m) => m.ranges.length > 0);
    if (!ranged && n && sym && n.offset <= 0x100000n) return { module: sym.module, symbol: sym };
    return undefined;
  }

  /** "svc_tcp_data_ready+0x12 [sunrpc]", "0xffffffffc0123456 [dummy]" (in the module, no symbol
   *  before it), or undefined when no module holds the address. */
  symbolize(addr: bigint): string | undefined {
    const m = this.at(addr);
    if (!m) return undefined;
    return m.symbol ? format(m.symbol, addr - m.symbol.address) : `0x${addr.toString(16)} [${m.module}]`;
  }
}

function format(sym: ModuleSymbol, offset: bigint): string {
  return `${offset === 0n ? sym.name : `${sym.name}+0x${offset.toString(16)}`} [${sym.module}]`;
}

/** Read every module's symbols; never throws (problems are kept in `problems`). */
export function readModuleSymbols(k: Kernel): ModuleSymbols {
  const problems: WalkProblem[] = [];
  let modules: LoadedModule[] = [];
  try {
    modules = loadedModules(k, { onProblem: (p) => problems.push(p) });
  } catch (e) {
    problems.push({ where: 'modules', address: 0n, kind: 'unreadable', detail: describe(e) });
  }
  return new ModuleSymbols(modules, problems);
}

/** The module symbols of the dump as a SymbolTable (names as /proc/kallsyms shows them;
 *  each a ModuleSymbol carrying its module's name). */
export function moduleSymbolTable(k: Kernel): SymbolTable {
  return readModuleSymbols(k).table;
}
