// Kernel virtual memory: typed little-endian reads through the page tables.
// Kernel-image addresses (text, rodata, data, bss) translate arithmetically; everything else
// (direct map, vmalloc, per-CPU, modules) through the page-table walk.

import type { PhysicalDump } from '../dump/types.js';
import { START_KERNEL_MAP, X86_64Mmu } from '../arch/x86_64.js';
import { HI, LO, readU64 } from './u64.js';

/** A bigint address's two 32-bit halves, written and read back without making a bigint (an
 *  `addr - base` each read was one more bigint per member read by every walker). */
const word = new BigUint64Array(1);
const halves = new Uint32Array(word.buffer);

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
  /** Kept as numbers: the base's halves, the size (RAM: exact in a double). */
  private directHi = 0;
  private directLo = 0;
  private directBytes = 0;

  /** The direct map's bounds [base, end), once known (0n, 0n before). */
  get directMap(): { base: bigint; end: bigint } {
    const base = (BigInt(this.directHi >>> 0) << 32n) | BigInt(this.directLo >>> 0);
    return { base, end: base + BigInt(this.directBytes) };
  }

  setDirectMap(base: bigint, bytes: bigint): void {
    word[0] = base;
    this.directLo = halves[LO]!;
    this.directHi = halves[HI]!;
    this.directBytes = Number(bytes);
  }

  /** addr minus the direct map's base as a number when addr lies in the direct map, else -1; no bigint made.
   *  (Outside the map the difference may round, but only far beyond [0, directBytes).) */
  private directOffset(addr: bigint): number {
    if (addr < 0n) return -1;
    word[0] = addr;
    const d = (halves[HI]! - this.directHi) * 0x1_0000_0000 + (halves[LO]! - this.directLo);
    return d >= 0 && d < this.directBytes ? d : -1;
  }

  /** Physical address of a kernel virtual address. */
  phys(addr: bigint): number {
    const d = this.directOffset(addr);
    if (d >= 0) return d;
    if (addr >= START_KERNEL_MAP && addr < this.imageEnd) return Number(addr - START_KERNEL_MAP + this.physBase);
    return this.mmu.translate(addr);
  }

  /** phys(addr + plus) (plus ≥ 0), without the sum's bigint when both lie in the direct map. */
  private physPlus(addr: bigint, plus: number): number {
    const d = this.directOffset(addr);
    if (d >= 0 && d + plus < this.directBytes) return d + plus;
    return this.phys(plus === 0 ? addr : addr + BigInt(plus));
  }

  /** Objects about to be read, in this order, `span` bytes each: their pages are decoded
   *  ahead where the dump can (a hint: an address that does not translate is left out). */
  prefetch(addrs: readonly bigint[], span: number): void {
    // (nothing to compute for a dump opened without the worker: the CLI's default)
    if (!this.dump.prefetch || !this.dump.prefetching || addrs.length === 0) return;
    const pfns: number[] = [];
    const lastN = Math.max(1, span) - 1;
    const last = BigInt(lastN);
    // Slab objects (the lists' usual addresses) lie in the direct map: their offset in it
    // made without a bigint, the object's last byte by number arithmetic (the list is read
    // once, by code not yet optimized: each bigint operation saved counts).
    // (indexed, not for-of: cold code makes an iterator result per element)
    for (let i = 0; i < addrs.length; i++) {
      const a = addrs[i]!;
      let first: number;
      let end: number;
      const p = this.directOffset(a);
      if (p >= 0 && p + lastN < this.directBytes) {
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
    if (!dump.prefetchSoon || !dump.prefetching) return;
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
    if (len <= PAGE - (first & (PAGE - 1))) return this.dump.read(first, len);
    const out = Buffer.allocUnsafe(len);
    this.readInto(addr, out);
    return out;
  }

  /** Fill `out` with the bytes at `addr` (may cross pages that map anywhere). `once`: a blob
   *  read once (the BTF at opening): its whole pages not yet cached are decoded straight into
   *  `out` and stay out of the page cache (BaseDump.readPageInto). A blob read again later
   *  (kallsyms found by shape, then read: bullseye) must not: each read would decode it anew. */
  readInto(addr: bigint, out: Buffer, once = false): void {
    const len = out.length;
    const first = this.phys(addr);
    const into = once ? this.dump.readPageInto?.bind(this.dump) : undefined;
    let run = once ? this.dump.readPagesInto?.bind(this.dump) : undefined;
    let done = 0;
    let p = first;
    let chunk = Math.min(len, PAGE - (first & (PAGE - 1)));
    while (done < len) {
      const off = p & (PAGE - 1);
      if (run !== undefined && chunk === PAGE) {
        // Whole pages that lie side by side in physical memory too (the kernel image): decoded
        // from one read of their data, as far as it serves.
        const pages = this.physRun(addr + BigInt(done), Math.floor((len - done) / PAGE));
        const got = pages > 1 ? run(Math.floor(p / PAGE), pages, out, done) : 0;
        if (got > 0) {
          done += got * PAGE;
          if (done >= len) break;
          p = this.phys(addr + BigInt(done));
          chunk = Math.min(PAGE, len - done);
          continue;
        }
        // Not a page a run can take (another method: lzo, snappy, stored; damaged; cached): the
        // rest page by page, as the pages of such a dump would each refuse a run in turn.
        run = undefined;
      }
      if (into !== undefined && chunk === PAGE) into(Math.floor(p / PAGE), out.subarray(done, done + PAGE));
      else this.dump.page(Math.floor(p / PAGE)).copy(out, done, off, off + chunk);
      done += chunk;
      if (done >= len) break;
      p = this.phys(addr + BigInt(done));
      chunk = Math.min(PAGE, len - done);
    }
  }

  /** How many of the `pages` pages from `addr` on are known to lie side by side in physical
   *  memory without walking the page tables for each: all of them in the kernel image or the
   *  direct map, else 1. */
  private physRun(addr: bigint, pages: number): number {
    const span = pages * PAGE;
    const d = this.directOffset(addr);
    if (d >= 0) return d + span <= this.directBytes ? pages : 1;
    return addr >= START_KERNEL_MAP && addr + BigInt(span) <= this.imageEnd ? pages : 1;
  }

  /** `len` bytes at `addr` as a buffer and offset: the cached page itself when the bytes lie in
   *  one page (no copy), else a copy. The hot path of every walker. */
  view(addr: bigint, len: number): { buf: Buffer; off: number } {
    const buf = this.viewBuf(addr, len);
    return { buf, off: this.viewOff };
  }

  /** Where viewBuf's bytes start in the buffer it gave (a field, not a pair: the walkers read
   *  ~30 members per socket, and a {buf, off} object for each is garbage to collect). */
  viewOff = 0;

  /** view(addr + plus, len) without the pair object (nor the sum's bigint): the buffer, the
   *  offset left in viewOff (read it before the next read). */
  viewBuf(addr: bigint, len: number, plus = 0): Buffer {
    const p = this.physPlus(addr, plus);
    const off = p & (PAGE - 1);
    if (off + len <= PAGE) {
      const page = this.dump.page(Math.floor(p / PAGE));
      this.viewOff = off;
      return page;
    }
    const copy = this.read(plus === 0 ? addr : addr + BigInt(plus), len);
    this.viewOff = 0;
    return copy;
  }

  // The integers at `addr` (+ `plus` bytes): through viewBuf, the cached page itself or, for
  // bytes that straddle two pages, a copy of them.
  u8(addr: bigint): number {
    return this.viewBuf(addr, 1)[this.viewOff]!;
  }
  u16(addr: bigint): number {
    return this.viewBuf(addr, 2).readUInt16LE(this.viewOff);
  }
  u32(addr: bigint): number {
    return this.viewBuf(addr, 4).readUInt32LE(this.viewOff);
  }
  s32(addr: bigint): number {
    return this.viewBuf(addr, 4).readInt32LE(this.viewOff);
  }
  u64(addr: bigint, plus = 0): bigint {
    return readU64(this.viewBuf(addr, 8, plus), this.viewOff);
  }
  s64(addr: bigint, plus = 0): bigint {
    return this.viewBuf(addr, 8, plus).readBigInt64LE(this.viewOff);
  }
  /** A pointer (same as u64; named for intent). */
  ptr(addr: bigint, plus = 0): bigint {
    return this.u64(addr, plus);
  }
  /** A u64 as a JS number (exact below 2^53: counters, lengths, jiffies deltas). */
  u64n(addr: bigint): number {
    const b = this.viewBuf(addr, 8);
    const o = this.viewOff;
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
