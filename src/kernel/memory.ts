// Kernel virtual memory: typed little-endian reads through the page tables.
// Kernel-image addresses (text, rodata, data, bss) translate arithmetically; everything else
// (direct map, vmalloc, per-CPU, modules) through the page-table walk.

import type { PhysicalDump } from '../dump/types.js';
import { START_KERNEL_MAP, X86_64Mmu } from '../arch/x86_64.js';

const PAGE = 4096;
/** KERNEL_IMAGE_SIZE (arch/x86/include/asm/page_64_types.h): 1 GiB with CONFIG_RANDOMIZE_BASE,
 *  512 MiB without; modules follow it. The smaller is the safe default: past it the page walk
 *  (always right) takes over. VMCOREINFO NUMBER(KERNEL_IMAGE_SIZE) gives the real one. */
export const DEFAULT_KERNEL_IMAGE_SIZE = 0x20000000n;

export class KernelMemory {
  private readonly imageEnd: bigint;
  /** MODULES_VADDR: modules are mapped right after the kernel image area. */
  get modulesStart(): bigint {
    return this.imageEnd;
  }

  constructor(
    readonly dump: PhysicalDump,
    readonly mmu: X86_64Mmu,
    private readonly physBase: bigint,
    imageSize: bigint = DEFAULT_KERNEL_IMAGE_SIZE,
  ) {
    this.imageEnd = START_KERNEL_MAP + imageSize;
  }

  /** The direct map of all RAM (page_offset_base, randomized by KASLR): where slab objects —
   *  sockets, tasks, files — live. Set once known; translation there is a subtraction. */
  private directBase = 0n;
  private directEnd = 0n;

  setDirectMap(base: bigint, bytes: bigint): void {
    this.directBase = base;
    this.directEnd = base + bytes;
  }

  /** Physical address of a kernel virtual address. */
  phys(addr: bigint): number {
    if (addr >= this.directBase && addr < this.directEnd) return Number(addr - this.directBase);
    if (addr >= START_KERNEL_MAP && addr < this.imageEnd) return Number(addr - START_KERNEL_MAP + this.physBase);
    return this.mmu.translate(addr);
  }

  /** Objects about to be read, in this order, `span` bytes each: their pages are decoded
   *  ahead where the dump can (a hint: an address that does not translate is left out). */
  prefetch(addrs: readonly bigint[], span: number): void {
    if (!this.dump.prefetch || addrs.length === 0) return;
    const pfns: number[] = [];
    const lastN = Math.max(1, span) - 1;
    const last = BigInt(lastN);
    // Slab objects (the lists' usual addresses) lie in the direct map: one subtraction and
    // one conversion each, the object's last byte by number arithmetic (the list is read once,
    // by code not yet optimized: each bigint operation saved counts).
    const base = this.directBase;
    const directLast = this.directEnd - last; // a + last < directEnd
    for (const a of addrs) {
      let first: number;
      let end: number;
      if (a >= base && a < directLast) {
        const p = Number(a - base);
        first = Math.floor(p / PAGE);
        end = Math.floor((p + lastN) / PAGE);
      } else {
        try {
          first = Math.floor(this.phys(a) / PAGE);
          end = Math.floor(this.phys(a + last) / PAGE);
        } catch {
          continue;
        }
      }
      pfns.push(first);
      if (end !== first) pfns.push(end);
    }
    this.dump.prefetch(pfns);
  }

  /** One object to be read later, out of the order of the last prefetch() (`span` bytes from
   *  `addr`): its pages decoded ahead where the dump can. */
  prefetchSoon(addr: bigint, span: number): void {
    const dump = this.dump;
    if (!dump.prefetchSoon) return;
    let first: number;
    let end: number;
    try {
      first = Math.floor(this.phys(addr) / PAGE);
      end = Math.floor(this.phys(addr + BigInt(Math.max(1, span) - 1)) / PAGE);
    } catch {
      return;
    }
    dump.prefetchSoon(first);
    if (end !== first) dump.prefetchSoon(end);
  }

  /** Copy `len` bytes at `addr` (may cross pages that map anywhere): one copy out of each
   *  cached page, no buffer per page (BTF and kallsyms are megabytes read this way). */
  read(addr: bigint, len: number): Buffer {
    const first = this.phys(addr);
    const within = PAGE - (first & (PAGE - 1));
    if (len <= within) return this.dump.read(first, len);
    const out = Buffer.allocUnsafe(len);
    let done = 0;
    let p = first;
    let chunk = within;
    while (done < len) {
      const off = p & (PAGE - 1);
      this.dump.page(Math.floor(p / PAGE)).copy(out, done, off, off + chunk);
      done += chunk;
      if (done >= len) break;
      p = this.phys(addr + BigInt(done));
      chunk = Math.min(PAGE, len - done);
    }
    return out;
  }

  /** `len` bytes at `addr` as a buffer and offset: the cached page itself when the bytes lie in
   *  one page (no copy), else a copy. The hot path of every walker. */
  view(addr: bigint, len: number): { buf: Buffer; off: number } {
    const p = this.phys(addr);
    const off = p & (PAGE - 1);
    if (off + len <= PAGE) return { buf: this.dump.page(Math.floor(p / PAGE)), off };
    return { buf: this.read(addr, len), off: 0 };
  }

  /** The cached page and offset holding `size` bytes at `addr`, or undefined if they straddle pages. */
  private at(addr: bigint, size: number): [Buffer, number] | undefined {
    const p = this.phys(addr);
    const off = p & (PAGE - 1);
    if (off + size > PAGE) return undefined;
    return [this.dump.page(Math.floor(p / PAGE)), off];
  }

  u8(addr: bigint): number {
    const [b, o] = this.at(addr, 1)!;
    return b[o];
  }
  u16(addr: bigint): number {
    const r = this.at(addr, 2);
    return r ? r[0].readUInt16LE(r[1]) : this.read(addr, 2).readUInt16LE(0);
  }
  u32(addr: bigint): number {
    const r = this.at(addr, 4);
    return r ? r[0].readUInt32LE(r[1]) : this.read(addr, 4).readUInt32LE(0);
  }
  s32(addr: bigint): number {
    const r = this.at(addr, 4);
    return r ? r[0].readInt32LE(r[1]) : this.read(addr, 4).readInt32LE(0);
  }
  u64(addr: bigint): bigint {
    const r = this.at(addr, 8);
    return r ? r[0].readBigUInt64LE(r[1]) : this.read(addr, 8).readBigUInt64LE(0);
  }
  s64(addr: bigint): bigint {
    const r = this.at(addr, 8);
    return r ? r[0].readBigInt64LE(r[1]) : this.read(addr, 8).readBigInt64LE(0);
  }
  /** A pointer (same as u64; named for intent). */
  ptr(addr: bigint): bigint {
    return this.u64(addr);
  }
  /** A u64 as a JS number (exact below 2^53: counters, lengths, jiffies deltas). */
  u64n(addr: bigint): number {
    const r = this.at(addr, 8);
    const [b, o] = r ?? [this.read(addr, 8), 0];
    return b.readUInt32LE(o + 4) * 0x1_0000_0000 + b.readUInt32LE(o);
  }

  /** A NUL-terminated string of at most `max` bytes (latin1, as the kernel stores names). */
  cstring(addr: bigint, max = 256): string {
    let out = '';
    let a = addr;
    while (out.length < max) {
      const p = this.phys(a);
      const off = p & (PAGE - 1);
      const n = Math.min(PAGE - off, max - out.length);
      // In the cached page itself: no copy of the rest of the page for a short name.
      const page = this.dump.page(Math.floor(p / PAGE));
      const z = page.indexOf(0, off);
      if (z >= 0 && z < off + n) return out + page.toString('latin1', off, z);
      out += page.toString('latin1', off, off + n);
      a += BigInt(n);
    }
    return out;
  }

  /** A process's own address space, through its page tables (mm->pgd at physical `pgdPhys`). */
  userSpace(pgdPhys: number): { read(addr: bigint, len: number): Buffer } {
    const mmu = new X86_64Mmu(this.dump, { ...this.mmu.config, topTablePhys: pgdPhys });
    const dump = this.dump;
    return {
      read(addr: bigint, len: number): Buffer {
        const out = Buffer.alloc(len);
        for (let done = 0; done < len; ) {
          const p = mmu.translate(addr + BigInt(done));
          const n = Math.min(len - done, PAGE - (p & (PAGE - 1)));
          dump.read(p, n).copy(out, done);
          done += n;
        }
        return out;
      },
    };
  }
}
