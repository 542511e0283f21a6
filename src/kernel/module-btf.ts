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

import type { Btf } from '../debuginfo/btf.js';
import type { Kernel } from './kernel.js';
import { listEntries, type WalkProblem } from './walk.js';
import { GAP } from './walk.js';

export interface ModuleBtf {
  module: string;
  /** The raw split BTF blob. */
  blob: Buffer;
  /** vmlinux BTF with this module's types after it, built on first use. */
  merged?: Btf;
}

const MAX_BLOB = 64 << 20;

export function moduleBtfs(k: Kernel, problems: WalkProblem[] = []): ModuleBtf[] {
  const head = k.vmlinuxSymbol('btf_modules');
  const M = 'struct btf_module';
  if (head === undefined || k.findType(M) === undefined) return [];
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
      out.push({ module: mod ? k.str(mod, name) : GAP, blob: k.mem.read(k.ptr(btf, data), n) });
    } catch (e) {
      problems.push({ where: 'btf_modules', address: bm, kind: 'unreadable', detail: (e as Error).message });
    }
  }
  return out;
}

/** Whether a module's strings hold this name at all (cheap test before merging its types). */
export function mentions(m: ModuleBtf, name: string): boolean {
  return m.blob.indexOf(`\0${name}\0`, 0, 'latin1') >= 0;
}
