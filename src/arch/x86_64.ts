// x86-64 virtual → physical translation by walking the kernel's own page tables.
// Mirrors arch/x86/include/asm/pgtable_types.h (entry bits) and the walk in
// arch/x86/mm/pgtable.c; 4 levels, or 5 with CONFIG_X86_5LEVEL when the CPU has LA57.
// Hot path: everything here is plain numbers; bigint appears only at the API edge.

import { PageMissingError, type PhysicalDump } from '../dump/types.js';

/** __START_KERNEL_map: where the kernel image is mapped (arch/x86/include/asm/page_64_types.h). */
export const START_KERNEL_MAP = 0xffffffff80000000n;

const PRESENT = 0x1;
const PAGE_PSE = 0x80; // bit 7: 1 GiB page in a PUD entry, 2 MiB page in a PMD entry
const TWO32 = 0x1_0000_0000;

/** The virtual address has no mapping in the kernel page tables (or a table page is missing). */
export class AddressError extends Error {
  constructor(
    readonly address: bigint,
    readonly detail: string,
  ) {
    super(`cannot translate virtual address 0x${address.toString(16)}: ${detail}`);
    this.name = 'AddressError';
  }
}

export interface MmuConfig {
  /** Physical address of the top-level page table (init_top_pgt). */
  topTablePhys: number;
  /** 5-level paging (VMCOREINFO NUMBER(pgtable_l5_enabled)=1). */
  fiveLevel: boolean;
  /** AMD SME/SEV memory-encryption bit set in page-table entries (VMCOREINFO NUMBER(sme_mask);
   *  arch/x86/mm/mem_encrypt_identity.c: sme_enable); 0 when absent. Not part of addresses. */
  smeMask?: bigint;
}

export class X86_64Mmu {
  private readonly tlb = new Map<number, number>(); // virtual page number → physical page base
  private readonly tlbLimit = 1 << 18;
  /** Entry bits kept as the frame address: 51..12 less the encryption bit, as two halves. */
  private readonly keepHi: number;
  private readonly keepLo: number;
  walks = 0;

  constructor(
    private readonly mem: PhysicalDump,
    readonly config: MmuConfig,
  ) {
    const sme = config.smeMask ?? 0n;
    this.keepHi = (0xfffff & ~Number((sme >> 32n) & 0xfffffn)) >>> 0;
    this.keepLo = (0xffffffff & ~Number(sme & 0xffffffffn)) >>> 0;
  }

  /** Physical address of `vaddr`; throws AddressError when unmapped, PageMissingError when a
   *  page-table page is not in the dump. */
  translate(vaddr: bigint): number {
    const hi = Number(vaddr >> 32n) >>> 0;
    const lo = Number(vaddr & 0xffffffffn);
    const vpn = (hi & 0x1ffffff) * 0x100000 + (lo >>> 12); // 57 significant bits >> 12
    const base = this.tlb.get(vpn);
    if (base !== undefined) return base + (lo & 0xfff);
    const phys = this.walk(vaddr, hi, lo);
    if (this.tlb.size >= this.tlbLimit) this.tlb.clear();
    this.tlb.set(vpn, phys - (lo & 0xfff));
    return phys;
  }

  private walk(vaddr: bigint, hi: number, lo: number): number {
    this.walks++;
    // Table indices: bits 56-48 (PML5), 47-39 (PML4), 38-30 (PUD), 29-21 (PMD), 20-12 (PTE).
    const idx5 = (hi >>> 16) & 0x1ff;
    const idx4 = ((hi >>> 7) & 0x1ff);
    const idx3 = ((hi & 0x7f) << 2) | (lo >>> 30);
    const idx2 = (lo >>> 21) & 0x1ff;
    const idx1 = (lo >>> 12) & 0x1ff;
    let table = this.config.topTablePhys;
    if (this.config.fiveLevel) table = this.next(vaddr, table, idx5, 'PML5');
    table = this.next(vaddr, table, idx4, 'PML4');
    const pud = this.entry(vaddr, table, idx3, 'PUD');
    if (pud.lo & PAGE_PSE) return this.frame(pud, 30) + ((lo & 0x3fffffff) >>> 0);
    const pmd = this.entry(vaddr, this.frame(pud, 12), idx2, 'PMD');
    if (pmd.lo & PAGE_PSE) return this.frame(pmd, 21) + (lo & 0x1fffff);
    const pte = this.entry(vaddr, this.frame(pmd, 12), idx1, 'PTE');
    return this.frame(pte, 12) + (lo & 0xfff);
  }

  private next(vaddr: bigint, table: number, index: number, level: string): number {
    return this.frame(this.entry(vaddr, table, index, level), 12);
  }

  /** Physical frame address held in a table entry: bits 51..shift, without NX, flags or the
   *  encryption bit (PTE_PFN_MASK excludes sme_me_mask). */
  private frame(e: { lo: number; hi: number }, shift: 12 | 21 | 30): number {
    const loMask = shift === 12 ? 0xfffff000 : shift === 21 ? 0xffe00000 : 0xc0000000;
    return (e.hi & this.keepHi) * TWO32 + ((e.lo & loMask & this.keepLo) >>> 0);
  }

  private entry(vaddr: bigint, table: number, index: number, level: string): { lo: number; hi: number } {
    const at = table + index * 8;
    let page: Buffer;
    try {
      page = this.mem.page(Math.floor(at / 4096));
    } catch (e) {
      if (e instanceof PageMissingError) {
        throw new AddressError(vaddr, `${level} table page at 0x${at.toString(16)} is not in the dump (${e.reason})`);
      }
      throw e;
    }
    const off = at & 0xfff;
    const lo = page.readUInt32LE(off);
    const hi = page.readUInt32LE(off + 4);
    if (!(lo & PRESENT)) throw new AddressError(vaddr, `${level} entry not present`);
    return { lo, hi };
  }

  /** Drop cached translations (after the page source changes). */
  flush(): void {
    this.tlb.clear();
  }
}

/** Physical address of a kernel-image (text/data) address: vaddr - __START_KERNEL_map + phys_base. */
export function kernelImagePhys(vaddr: bigint, physBase: bigint): number {
  return Number(vaddr - START_KERNEL_MAP + physBase);
}
