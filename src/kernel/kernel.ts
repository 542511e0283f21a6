// A kernel as the dump holds it: memory, symbols and types together, with the cached
// member lookups every walker in src/net/ builds on. Walkers resolve their fields once
// (`k.field('struct sock', '__sk_common.skc_state')`) and then read with plain offsets.

import type { PhysicalDump } from '../dump/types.js';
import { BtfKind, type Btf } from '../debuginfo/btf.js';
import type { SymbolTable, VmcoreInfo } from '../debuginfo/types.js';
import type { KernelMemory } from './memory.js';
import { readU64 } from './u64.js';
import { SymbolNotFoundError, TypeNotFoundError } from './errors.js';
import { readModuleSymbols, type ModuleSymbols } from './modules.js';
import { moduleBtfs, nameIndex, defines, splitType, type ModuleBtf } from './module-btf.js';
import { symbolAt, formatHit } from './symbolize.js';
import type { OpenProblem } from './open-stages.js';

/** Addresses Kernel.symbolize remembers at most (then it starts over). */
const SYMBOLIZED_MAX = 4096;

/** A struct member resolved to its place and how to read it. */
export interface Field {
  readonly type: string;
  readonly path: string;
  /** Byte offset from the start of the struct (for a bitfield: of its first byte). */
  readonly offset: number;
  readonly offsetN: bigint;
  /** Size in bytes of the member's type (for a bitfield: bytes spanned). */
  readonly size: number;
  /** BTF id of the member's type (typedefs and qualifiers stripped), in `btf`. */
  readonly typeId: number;
  /** The BTF the ids belong to: vmlinux's, or vmlinux's plus a module's. */
  readonly btf: Btf;
  readonly signed: boolean;
  /** Bitfield: shift within the bytes read and width; bitSize 0 means not a bitfield. */
  readonly bitShift: number;
  readonly bitSize: number;
}

/** A type and the BTF its id belongs to; `module` names the module that defines it. */
export interface TypeRef {
  btf: Btf;
  id: number;
  module?: string;
}

export interface KernelSources {
  symbols: string;
  types: string;
}

export class Kernel {
  private readonly fields = new Map<string, Field | null>();
  private readonly types = new Map<string, number | null>();
  private readonly typeRefs = new Map<string, TypeRef | null>();
  private moduleBtfCache?: ModuleBtf[];
  private perCpuOffsetsCache?: bigint[];
  private moduleSymbolsCache?: ModuleSymbols;
  private ltoNames?: Map<string, bigint>;
  /** How long opening spent on the dump's headers, symbols and types (for the benchmark). */
  openTimings = { headersMs: 0, symbolsMs: 0, typesMs: 0 };
  /** What opening could not read (a damaged dump), stage by stage; empty when all was read. */
  readonly openProblems: OpenProblem[] = [];

  constructor(
    readonly dump: PhysicalDump,
    readonly mem: KernelMemory,
    readonly btf: Btf,
    readonly symbols: SymbolTable,
    readonly info: VmcoreInfo,
    readonly sources: KernelSources,
    readonly kaslrOffset: bigint,
  ) {}

  // ---- types -------------------------------------------------------------------------------

  findType(spec: string): number | undefined {
    let id = this.types.get(spec);
    if (id === undefined) {
      id = this.btf.findType(spec) ?? null;
      this.types.set(spec, id);
    }
    return id ?? undefined;
  }

  /** A type in vmlinux's BTF or, failing that, in a loaded module's (struct packet_sock with
   *  CONFIG_PACKET=m, struct vxlan_sock, struct svc_sock ...), with the BTF it belongs to. */
  typeRef(spec: string): TypeRef | undefined {
    let r = this.typeRefs.get(spec);
    if (r === undefined) {
      const id = this.findType(spec);
      r = id !== undefined ? { btf: this.btf, id } : (this.moduleType(spec) ?? null);
      this.typeRefs.set(spec, r);
    }
    return r ?? undefined;
  }

  /** Which module's BTF a module type is taken from, once found: name → module. */
  private readonly typeHomes = new Map<string, ModuleBtf | null>();
  private moduleNames?: Map<string, ModuleBtf[]>;

  private moduleType(spec: string): TypeRef | undefined {
    const m = /^(?:(struct|union|enum)\s+)?(\w+)$/.exec(spec.trim());
    if (!m) return undefined;
    const name = m[2]!;
    if (!this.moduleBtfCache) {
      this.moduleBtfCache = []; // reading the list must not come back here
      this.moduleBtfCache = moduleBtfs(this);
    }
    // The module that defines the type first: of the modules whose strings hold the name, the
    // one with the largest BTF — the module the others build on (nf_tables for nft_*, x_tables
    // for xt_*, nf_conntrack for nf_conntrack_*); a module using a type carries a copy of it, and
    // each module merged costs a copy of vmlinux's BTF. Then the rest, until one has a full
    // definition (members, or enumerators); the answer is kept per name.
    let home = this.typeHomes.get(name);
    if (home === undefined) {
      const byName = (x: ModuleBtf) => defines(this.btf, x, name);
      this.moduleNames ??= nameIndex(this.moduleBtfCache);
      const candidates = [...(this.moduleNames.get(name) ?? [])].sort((a, b) => b.size - a.size);
      home = candidates.find(byName) ?? null;
      this.typeHomes.set(name, home);
    }
    if (!home?.merged) return undefined;
    const id = splitType(this.btf, home, spec);
    return id === undefined ? undefined : { btf: home.merged, id, module: home.module };
  }

  sizeof(spec: string): number {
    const r = this.typeRef(spec);
    if (!r) throw new TypeNotFoundError(spec);
    return r.btf.size(r.id);
  }

  /** Probe: does `type` exist and have member `path`? The way walkers choose a layout. */
  has(type: string, path?: string): boolean {
    if (this.typeRef(type) === undefined) return false;
    return path === undefined || this.tryField(type, path) !== undefined;
  }

  /** A member of `type` by path ("__sk_common.skc_state", "icsk_accept_queue.rskq_accept_head"). */
  field(type: string, path: string): Field {
    const f = this.tryField(type, path);
    if (!f) throw new TypeNotFoundError(`${type}.${path}`, 'no such member in this kernel');
    return f;
  }

  /** tryField on a type of vmlinux itself that some kernels lack (struct net_hotdata before
   *  6.9, struct tk_data before 6.13): a miss is not looked for in every module's BTF, which
   *  reads every module's BTF list entry and name (~180 pages on bookworm-6.1). */
  tryCoreField(type: string, path: string): Field | undefined {
    return this.findType(type) === undefined ? undefined : this.tryField(type, path);
  }

  tryField(type: string, path: string): Field | undefined {
    const key = type + '\0' + path;
    let f = this.fields.get(key);
    if (f === undefined) {
      f = this.resolveField(type, path);
      this.fields.set(key, f);
    }
    return f ?? undefined;
  }

  private resolveField(type: string, path: string): Field | null {
    const ref = this.typeRef(type);
    if (ref === undefined) return null;
    const btf = ref.btf;
    let m;
    try {
      m = btf.memberPath(ref.id, path);
    } catch {
      return null;
    }
    const typeId = btf.resolve(m.typeId);
    let size = btf.size(typeId);
    let signed = false;
    const kind = btf.kind(typeId);
    if (kind === BtfKind.Int || kind === BtfKind.Enum || kind === BtfKind.Enum64) signed = btf.intInfo(typeId).signed;
    let offset = Math.floor(m.bitOffset / 8);
    let bitShift = 0;
    let bitSize = 0;
    if (m.bitSize) {
      bitShift = m.bitOffset - offset * 8;
      bitSize = m.bitSize;
      size = Math.ceil((bitShift + bitSize) / 8);
    }
    return { type, path, offset, offsetN: BigInt(offset), size, typeId, btf, signed, bitShift, bitSize };
  }

  /** Byte offset of a member, as bigint for address arithmetic. */
  off(type: string, path: string): bigint {
    return this.field(type, path).offsetN;
  }

  // ---- reading members ---------------------------------------------------------------------

  /** An integer/enum/bool member as a number (u64 values above 2^53 lose low bits: use big). */
  num(addr: bigint, f: Field): number {
    const b = this.mem.viewBuf(addr, f.size, f.offset);
    return decodeNum(b, this.mem.viewOff, f);
  }

  /** One translation for a whole object: read many members of it with plain offsets. The
   *  view is into the page cache's memory: valid until the next read of another page (the
   *  cache may then reuse that memory; XPORTSHOW_POISON_PAGES=1 shows who holds one longer). */
  view(addr: bigint, size: number): ObjView {
    const b = this.mem.viewBuf(addr, size);
    return new ObjView(b, this.mem.viewOff, addr);
  }

  /** A view of a copy of the object: for a caller that reads other memory while it keeps it. */
  viewCopy(addr: bigint, size: number): ObjView {
    return new ObjView(this.mem.read(addr, size), 0, addr);
  }

  /** A 64-bit member as bigint (pointers, u64 counters, addresses). */
  big(addr: bigint, f: Field): bigint {
    return f.signed ? this.mem.s64(addr, f.offset) : this.mem.u64(addr, f.offset);
  }

  /** A pointer member. */
  ptr(addr: bigint, f: Field): bigint {
    return this.mem.ptr(addr, f.offset);
  }

  /** A char-array member as a string (task comm, device name). */
  str(addr: bigint, f: Field): string {
    return this.mem.cstring(addr + f.offsetN, f.size);
  }

  /** Address of a member (for embedded structs and list heads). */
  addr(addr: bigint, f: Field): bigint {
    return addr + f.offsetN;
  }

  /** Name of an enum value of `enumSpec` ("enum tcp_ca_state"), or the number. */
  enumName(enumSpec: string, value: number | bigint): string {
    const id = this.findType(enumSpec);
    if (id === undefined) return String(value);
    const v = BigInt(value);
    for (const e of this.btf.enumerators(id)) if (e.value === v) return e.name;
    return String(value);
  }

  // ---- symbols -----------------------------------------------------------------------------

  symbol(name: string): bigint {
    const a = this.trySymbol(name);
    if (a === undefined) throw new SymbolNotFoundError(name, this.symbols.source);
    return a;
  }

  /** vmlinux first; then the loaded modules' symbols ("name" or "module:name"). */
  trySymbol(name: string): bigint | undefined {
    return this.vmlinuxSymbol(name) ?? this.moduleSymbols().lookup(name);
  }

  /** A symbol of vmlinux only (no module walk on a miss), LTO-renamed statics included. */
  vmlinuxSymbol(name: string): bigint | undefined {
    return this.symbols.lookup(name) ?? this.ltoSymbol(name);
  }

  /** Clang ThinLTO kernels rename promoted statics `name.llvm.<hash>` (tk_core, ping_table …):
   *  find them by the name they had. kallsyms finds them itself (withStem); for other tables
   *  the index is built once, on the first miss. */
  private ltoSymbol(name: string): bigint | undefined {
    if (this.symbols.withStem) return this.symbols.withStem(name, '.llvm.'); // kallsyms: `name.llvm.*` sorts right after `name`
    if (!this.ltoNames && this.symbols.byStem) this.ltoNames = this.symbols.byStem('.llvm.');
    if (!this.ltoNames) {
      this.ltoNames = new Map();
      for (const sym of this.symbols.all()) {
        const i = sym.name.indexOf('.llvm.');
        if (i > 0 && !this.ltoNames.has(sym.name.slice(0, i))) this.ltoNames.set(sym.name.slice(0, i), sym.address);
      }
    }
    return this.ltoNames.get(name);
  }

  /** Symbols of the loaded modules, read from the dump on first need (src/kernel/modules.ts). */
  moduleSymbols(): ModuleSymbols {
    return (this.moduleSymbolsCache ??= readModuleSymbols(this));
  }

  /** "tcp_v4_rcv+0x1a" for a code or data address, "dummy_xmit+0x4 [dummy]" in a module, or hex. */
  symbolize(addr: bigint): string {
    if (addr === 0n) return '0';
    let name = this.symbolized.get(addr);
    if (name !== undefined) return name;
    const h = symbolAt(this, addr);
    name = h ? formatHit(h) : (addr >= this.mem.modulesStart && this.moduleSymbols().symbolize(addr)) || '0x' + addr.toString(16);
    if (this.symbolized.size >= SYMBOLIZED_MAX) this.symbolized.clear();
    this.symbolized.set(addr, name);
    return name;
  }

  /** Addresses symbolized so far: a view names the same few handlers over and over (`files
   *  PID`: each fd's f_op and d_dname, 2 × 20,000 binary searches of kallsyms, 0.5 s of 1 s). */
  private readonly symbolized = new Map<bigint, string>();

  // ---- per-CPU -----------------------------------------------------------------------------

  /** __per_cpu_offset[cpu] for each possible CPU (arch/x86/kernel/setup_percpu.c). */
  perCpuOffsets(): bigint[] {
    if (!this.perCpuOffsetsCache) {
      const n = this.cpuIdCount();
      const base = this.symbol('__per_cpu_offset');
      const offs: bigint[] = [];
      for (let i = 0; i < n && i < 8192; i++) offs.push(this.mem.u64(base + BigInt(i) * 8n));
      this.perCpuOffsetsCache = offs;
    }
    return this.perCpuOffsetsCache;
  }

  /** nr_cpu_ids; with CONFIG_FORCE_NR_CPUS or NR_CPUS=1 it is a constant, not a variable
   *  (include/linux/cpumask.h): then the highest bit of __cpu_possible_mask + 1. */
  cpuIdCount(): number {
    const v = this.symbols.lookup('nr_cpu_ids');
    if (v !== undefined) return this.mem.u32(v);
    const mask = this.symbols.lookup('__cpu_possible_mask');
    if (mask === undefined) return 1;
    const bytes = this.mem.read(mask, this.findType('struct cpumask') !== undefined ? this.sizeof('struct cpumask') : 8);
    for (let i = bytes.length - 1; i >= 0; i--) if (bytes[i]) return i * 8 + 32 - Math.clz32(bytes[i]);
    return 1;
  }

  /** Address of a per-CPU variable (or per-CPU pointer's target) on CPU `cpu`. */
  perCpu(addr: bigint, cpu: number): bigint {
    return (addr + this.perCpuOffsets()[cpu]) & 0xffffffffffffffffn;
  }

  /** Sum of a per-CPU integer over every possible CPU (include/linux/percpu_counter.h style
   *  folding, as snmp_fold_field does for the MIBs): `addr` is the per-CPU base address. */
  perCpuSum(addr: bigint, size: 4 | 8 = 8): bigint {
    let sum = 0n;
    for (const off of this.perCpuOffsets()) {
      const a = (addr + off) & 0xffffffffffffffffn;
      sum += size === 8 ? this.mem.u64(a) : BigInt(this.mem.u32(a));
    }
    return size === 8 ? sum & 0xffffffffffffffffn : sum;
  }

  // ---- time --------------------------------------------------------------------------------

  /** jiffies at the moment of the dump (kernel/time/jiffies.c: jiffies_64). */
  jiffies(): bigint {
    const a = this.trySymbol('jiffies_64') ?? this.symbol('jiffies');
    return this.mem.u64(a);
  }
}

/** An integer member decoded from bytes: sizes 1/2/4/8, signed or not, bitfields. */
export function decodeNum(b: Buffer, o: number, f: Field): number {
  if (f.bitSize) {
    let v = 0;
    for (let i = f.size - 1; i >= 0; i--) v = v * 256 + b[o + i];
    v = Math.floor(v / 2 ** f.bitShift) % 2 ** f.bitSize;
    if (f.signed && v >= 2 ** (f.bitSize - 1)) v -= 2 ** f.bitSize;
    return v;
  }
  switch (f.size) {
    case 1:
      return f.signed ? b.readInt8(o) : b[o];
    case 2:
      return f.signed ? b.readInt16LE(o) : b.readUInt16LE(o);
    case 4:
      return f.signed ? b.readInt32LE(o) : b.readUInt32LE(o);
    case 8: {
      const hi = f.signed ? b.readInt32LE(o + 4) : b.readUInt32LE(o + 4);
      return hi * 0x1_0000_0000 + b.readUInt32LE(o);
    }
    default:
      throw new TypeError(`${f.type}.${f.path} is ${f.size} bytes: not an integer`);
  }
}

/** The bytes of one object (usually a slice of a cached page), read by Field offsets. */
export class ObjView {
  constructor(
    readonly buf: Buffer,
    readonly off: number,
    readonly address: bigint,
  ) {}

  num(f: Field): number {
    return decodeNum(this.buf, this.off + f.offset, f);
  }

  ptr(f: Field): bigint {
    return readU64(this.buf, this.off + f.offset);
  }

  /** The low and high 32-bit halves of a pointer compared without a bigint: is it NULL? */
  isNull(f: Field): boolean {
    const o = this.off + f.offset;
    return this.buf.readUInt32LE(o) === 0 && this.buf.readUInt32LE(o + 4) === 0;
  }

  bytes(f: Field, len = f.size): Buffer {
    return this.buf.subarray(this.off + f.offset, this.off + f.offset + len);
  }
}
