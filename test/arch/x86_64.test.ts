// The page-table walk on hand-built tables (a unit test of the walker; the real dumps test it
// end to end): 4 and 5 levels, 1 GiB and 2 MiB pages, and the SME encryption bit that page
// table entries carry but physical addresses do not.

import { describe, expect, it } from 'vitest';
import { X86_64Mmu, AddressError } from '../../src/arch/x86_64.js';
import { PageMissingError, type PhysicalDump } from '../../src/dump/types.js';
import { isKernelPointer } from '../../src/kernel/walk.js';

/** Physical memory as a map of 4 KiB pages; entries written as u64. */
function memory() {
  const pages = new Map<number, Buffer>();
  const page = (pfn: number) => {
    let p = pages.get(pfn);
    if (!p) pages.set(pfn, (p = Buffer.alloc(4096)));
    return p;
  };
  const dump = {
    page(pfn: number) {
      const p = pages.get(pfn);
      if (!p) throw new PageMissingError(pfn * 4096, 'not-in-dump');
      return p;
    },
  } as unknown as PhysicalDump;
  const set = (table: number, index: number, value: bigint) => page(table / 4096).writeBigUInt64LE(value, index * 8);
  return { dump, set };
}

const P = 0x1n; // present
const PSE = 0x80n;
const idx = (v: bigint, shift: bigint) => Number((v >> shift) & 0x1ffn);

describe('X86_64Mmu', () => {
  it('walks 4 levels to a 4 KiB page, and honours 2 MiB and 1 GiB pages', () => {
    const { dump, set } = memory();
    const v = 0xffff888012345678n;
    set(0x1000, idx(v, 39n), 0x2000n | P);
    set(0x2000, idx(v, 30n), 0x3000n | P);
    set(0x3000, idx(v, 21n), 0x4000n | P);
    set(0x4000, idx(v, 12n), 0x7654000n | P | (1n << 63n)); // NX set
    const mmu = new X86_64Mmu(dump, { topTablePhys: 0x1000, fiveLevel: false });
    expect(mmu.translate(v)).toBe(0x7654678);

    const v2 = 0xffff888040200123n; // a 2 MiB page
    set(0x2000, idx(v2, 30n), 0x5000n | P);
    set(0x5000, idx(v2, 21n), 0x80000000n | P | PSE);
    expect(mmu.translate(v2)).toBe(0x80000123);

    const v3 = 0xffff888100000456n; // a 1 GiB page
    set(0x2000, idx(v3, 30n), 0x1c0000000n | P | PSE);
    expect(mmu.translate(v3)).toBe(0x1c0000456);
  });

  it('strips the SME/SEV encryption bit (VMCOREINFO sme_mask) from table entries', () => {
    const { dump, set } = memory();
    const c = 1n << 47n;
    const v = 0xffff888012345678n;
    set(0x1000, idx(v, 39n), 0x2000n | P | c);
    set(0x2000, idx(v, 30n), 0x3000n | P | c);
    set(0x3000, idx(v, 21n), 0x4000n | P | c);
    set(0x4000, idx(v, 12n), 0x7654000n | P | c);
    expect(new X86_64Mmu(dump, { topTablePhys: 0x1000, fiveLevel: false, smeMask: c }).translate(v)).toBe(0x7654678);
    // without the mask the C-bit would be taken for an address bit: the next table is "missing"
    expect(() => new X86_64Mmu(dump, { topTablePhys: 0x1000, fiveLevel: false }).translate(v)).toThrow(AddressError);
  });

  it('walks 5 levels for LA57 addresses (direct map at 0xff11…)', () => {
    const { dump, set } = memory();
    const v = 0xff11000012345678n;
    set(0x1000, idx(v, 48n), 0x2000n | P);
    set(0x2000, idx(v, 39n), 0x3000n | P);
    set(0x3000, idx(v, 30n), 0x4000n | P);
    set(0x4000, idx(v, 21n), 0x5000n | P);
    set(0x5000, idx(v, 12n), 0x9000n | P);
    expect(new X86_64Mmu(dump, { topTablePhys: 0x1000, fiveLevel: true }).translate(v)).toBe(0x9678);
    expect(isKernelPointer(v)).toBe(true);
    expect(isKernelPointer(0x00007fff12345678n)).toBe(false);
  });

  it('says which level is missing', () => {
    const { dump, set } = memory();
    set(0x1000, 0, 0n);
    expect(() => new X86_64Mmu(dump, { topTablePhys: 0x1000, fiveLevel: false }).translate(0xffff888000000000n)).toThrow(/PML4 entry not present/);
  });
});
