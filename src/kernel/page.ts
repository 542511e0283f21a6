// struct page * → the direct-map address of the memory it describes, as page_address() does
// for lowmem on x86-64: pfn = (page - vmemmap) / sizeof(struct page); virt = page_offset_base
// + pfn * PAGE_SIZE. Mirrors include/asm-generic/memory_model.h (__page_to_pfn with
// CONFIG_SPARSEMEM_VMEMMAP) and arch/x86/include/asm/page_64.h (__va); vmemmap_base and
// page_offset_base are randomized by arch/x86/mm/kaslr.c.

import type { Kernel } from './kernel.js';

interface PageLayout {
  vmemmap: bigint;
  directMap: bigint;
  pageStruct: bigint;
  pageSize: bigint;
}

const layouts = new WeakMap<Kernel, PageLayout>();

function layout(k: Kernel): PageLayout {
  let l = layouts.get(k);
  if (!l) {
    const l5 = k.info.get('NUMBER(pgtable_l5_enabled)') === '1';
    const read = (sym: string, fixed: bigint) => {
      const a = k.trySymbol(sym);
      return a === undefined ? fixed : k.mem.u64(a);
    };
    l = {
      // without CONFIG_RANDOMIZE_MEMORY: __VMEMMAP_BASE_L4/_L5 and __PAGE_OFFSET_BASE_L4/_L5
      vmemmap: read('vmemmap_base', l5 ? 0xffd4000000000000n : 0xffffea0000000000n),
      directMap: read('page_offset_base', l5 ? 0xff11000000000000n : 0xffff888000000000n),
      pageStruct: BigInt(k.sizeof('struct page')),
      pageSize: BigInt(k.dump.pageSize),
    };
    layouts.set(k, l);
  }
  return l;
}

/** The direct-map address of the memory a `struct page *` describes. */
export function pageAddress(k: Kernel, page: bigint): bigint {
  const l = layout(k);
  const off = page - l.vmemmap;
  if (off < 0n || off % l.pageStruct !== 0n) throw new Error(`0x${page.toString(16)} is not a struct page in vmemmap (base 0x${l.vmemmap.toString(16)})`);
  return l.directMap + (off / l.pageStruct) * l.pageSize;
}

/** Whether an address lies in the vmemmap array (a struct page). */
export function isPagePointer(k: Kernel, addr: bigint): boolean {
  const l = layout(k);
  return addr >= l.vmemmap && addr < l.vmemmap + (1n << 40n);
}

/** The `struct page *` of a direct-map address (virt_to_page: __pa then pfn_to_page), or
 *  undefined when the address is not in the direct map. */
export function directMapPage(k: Kernel, addr: bigint): bigint | undefined {
  const l = layout(k);
  // the direct map spans at most 64 TiB with 4-level paging (Documentation/arch/x86/x86_64/mm.rst)
  if (addr < l.directMap || addr >= l.directMap + (1n << 46n)) return undefined;
  return l.vmemmap + ((addr - l.directMap) / l.pageSize) * l.pageStruct;
}
