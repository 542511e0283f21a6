// Is kernel memory readable here, and if not, why — in the words crash uses ("invalid kernel
// virtual address") when nothing maps the address, or the dump's own reason when the page is
// mapped but was left out of the dump. Lets `struct` and `rd` print one line for a bad range.

import { AddressError } from '../arch/x86_64.js';
import type { KernelMemory } from './memory.js';

const PAGE = 4096n;

/** undefined when the byte at `addr` can be read, else one line saying why not. */
export function unreadable(mem: KernelMemory, addr: bigint): string | undefined {
  try {
    mem.read(addr, 1);
    return undefined;
  } catch (e) {
    if (e instanceof AddressError) return `invalid kernel virtual address: 0x${addr.toString(16)} (${e.detail})`;
    return `0x${addr.toString(16)}: ${(e as Error).message}`;
  }
}

/** The first address in [from, to) whose page can be read (from itself, or a page start). */
export function nextReadable(mem: KernelMemory, from: bigint, to: bigint): bigint | undefined {
  for (let a = from; a < to; a = (a & ~(PAGE - 1n)) + PAGE) if (unreadable(mem, a) === undefined) return a;
  return undefined;
}
