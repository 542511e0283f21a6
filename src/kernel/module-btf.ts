// Types of loadable modules: each module's split BTF, as the kernel keeps it after loading
// (kernel/bpf/btf.c: btf_module_notify adds a struct btf_module to the btf_modules list; the
// module's own .BTF copy is freed, but btf->data keeps the raw blob). 5.11+ with
// CONFIG_DEBUG_INFO_BTF_MODULES; older kernels have no list and no module types.
//
// Kernel structures read here:
//   static LIST_HEAD(btf_modules);
//   struct btf_module { struct list_head list; struct module *module; struct btf *btf; ... }
//   struct btf { void *data; ...; u32 data_size; ... }
//   struct module { ...; char name[MODULE_NAME_LEN]; }

import { BtfKind, type Btf } from '../debuginfo/btf.js';
import type { Kernel } from './kernel.js';
import { listEntries, type WalkProblem } from './walk.js';
import { GAP } from './walk.js';

export interface ModuleBtf {
  module: string;
  /** Bytes of the raw split BTF blob (btf->data_size). */
  size: number;
  /** The raw split BTF blob, read from the dump on first use (a merge). */
  readonly blob: Buffer;
  /** The blob's string section as latin1 text, read alone (the name index needs no types:
   *  on 7.x the type sections are ~90% of the module BTF pages). Throws as reading the blob's
   *  header would when the blob is shorter than one. */
  strings(): string;
  /** vmlinux BTF with this module's types after it, built on first use. */
  merged?: Btf;
  /** The module's own named types (ids after vmlinux's): "struct x" / "union x" / "enum x" /
   *  bare typedef names → id; built on the merged BTF's split part only (the merged BTF's
   *  findType would index vmlinux's 100,000+ types again). */
  own?: Map<string, number>;
  /** Merging failed (a malformed blob): never tried again. */
  bad?: boolean;
}

const MAX_BLOB = 64 << 20;

export function moduleBtfs(k: Kernel, problems: WalkProblem[] = []): ModuleBtf[] {
  const M = 'struct btf_module';
  // The type first: before 5.11 there is neither, and a missed symbol name costs a decode of
  // every kallsyms name (vmlinuxSymbol's ThinLTO index).
  if (k.findType(M) === undefined) return [];
  const head = k.vmlinuxSymbol('btf_modules');
  if (head === undefined) return [];
  const list = k.field(M, 'list');
  const btfF = k.field(M, 'btf');
  const modF = k.field(M, 'module');
  const data = k.field('struct btf', 'data');
  const size = k.field('struct btf', 'data_size');
  const name = k.field('struct module', 'name');
  const out: ModuleBtf[] = [];
  for (const link of listEntries(k.mem, head, { where: 'btf_modules', limit: 10_000, onProblem: (p) => problems.push(p) })) {
    const bm = link - list.offsetN;
    try {
      const btf = k.ptr(bm, btfF);
      const mod = k.ptr(bm, modF);
      const n = k.num(btf, size);
      if (n <= 0 || n > MAX_BLOB) continue;
      out.push(lazyBlob(k, mod ? k.str(mod, name) : GAP, k.ptr(btf, data), n));
    } catch (e) {
      problems.push({ where: 'btf_modules', address: bm, kind: 'unreadable', detail: (e as Error).message });
    }
  }
  return out;
}

/** A module's BTF whose bytes are read when asked for: the string section for the name index,
 *  the whole blob for a merge. An unreadable blob then fails there (no index entry, a bad
 *  merge) rather than here: no module it could have defined a type for is taken either way. */
function lazyBlob(k: Kernel, module: string, addr: bigint, size: number): ModuleBtf {
  let blob: Buffer | undefined;
  return {
    module,
    size,
    get blob() {
      return (blob ??= k.mem.read(addr, size));
    },
    strings() {
      // struct btf_header (include/uapi/linux/btf.h): u32 hdr_len at 4; str_off, str_len at 16, 20
      if (size < 24) throw new RangeError(`module ${module}: BTF of ${size} bytes has no header`);
      const b = blob ?? k.mem.read(addr, 24);
      const start = b.readUInt32LE(4) + b.readUInt32LE(16);
      const end = Math.min(start + b.readUInt32LE(20), size);
      if (end <= start) return '';
      return blob ? blob.toString('latin1', start, end) : k.mem.read(addr + BigInt(start), end - start).toString('latin1');
    },
  };
}

const KIND_PREFIX: Record<number, string> = { [BtfKind.Struct]: 'struct ', [BtfKind.Union]: 'union ', [BtfKind.Enum]: 'enum ', [BtfKind.Enum64]: 'enum ', [BtfKind.Typedef]: '' };

/** The merged BTF of a module and the index of its own complete types, made on first need. */
function ownTypes(k: Btf, m: ModuleBtf): Map<string, number> | undefined {
  if (m.bad) return undefined;
  if (!m.own) {
    try {
      m.merged ??= k.withSplit(m.blob);
    } catch {
      m.bad = true;
      return undefined;
    }
    const b = m.merged;
    const own = new Map<string, number>();
    for (let id = k.typeCount + 1; id <= b.typeCount; id++) {
      const prefix = KIND_PREFIX[b.kind(id)];
      if (prefix === undefined) continue;
      // A complete definition only: members or enumerators (typedefs always).
      if (prefix !== '' && b.vlen(id) === 0) continue;
      const name = b.name(id);
      if (name && !own.has(prefix + name)) own.set(prefix + name, id);
    }
    m.own = own;
  }
  return m.own;
}

const specKey = (spec: string) => spec.trim().replace(/\s+/g, ' ');

/** Whether the module's BTF defines `name` in full (as a struct, union, enum or typedef). */
export function defines(base: Btf, m: ModuleBtf, name: string): boolean {
  const own = ownTypes(base, m);
  return !!own && (own.has('struct ' + name) || own.has('union ' + name) || own.has('enum ' + name) || own.has(name));
}

/** The id, in the module's merged BTF, of its own complete definition of `spec`. */
export function splitType(base: Btf, m: ModuleBtf, spec: string): number | undefined {
  const own = ownTypes(base, m);
  if (!own) return undefined;
  const key = specKey(spec);
  if (/^(struct|union|enum) /.test(key)) return own.get(key);
  return own.get(key) ?? own.get('struct ' + key) ?? own.get('union ' + key) ?? own.get('enum ' + key);
}

/** Every string of every module's BTF → the modules holding it, built once: which modules can
 *  define a type name, without merging any (a split blob's own strings; names it shares with
 *  vmlinux's strings are not there, as before). */
export function nameIndex(mods: ModuleBtf[]): Map<string, ModuleBtf[]> {
  const idx = new Map<string, ModuleBtf[]>();
  for (const m of mods) {
    let text: string;
    try {
      text = m.strings();
    } catch {
      continue;
    }
    for (const name of new Set(text.split('\0'))) {
      if (!name) continue;
      const l = idx.get(name);
      if (l) l.push(m);
      else idx.set(name, [m]);
    }
  }
  return idx;
}
