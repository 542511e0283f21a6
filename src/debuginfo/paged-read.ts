// A kallsyms table in the dump read a page at a time, each page once: a binary search probes
// ~17 entries of kallsyms_offsets or kallsyms_seqs_of_names, the first ones the same for every
// search, and a read through the dump per probe (address translation, a page lookup, a copy)
// cost more than the search itself.

import type { VirtualReader } from './types.js';

const PAGE = 4096;

/** `read` for the table at `at` (`size` bytes long), from its pages read once. A read error is
 *  the reader's, thrown for the entry asked for (as reading it alone would). */
export function pagedReader(read: VirtualReader, at: bigint, size: number): VirtualReader {
  const pages = new Map<number, Buffer>();
  const lead = Number(at & BigInt(PAGE - 1)); // the table's offset into its first page
  return (address, len) => {
    const off = Number(address - at);
    const k = Math.floor((lead + off) / PAGE);
    if (Math.floor((lead + off + len - 1) / PAGE) !== k) return read(address, len); // across pages: as it is
    let buf = pages.get(k);
    const from = Math.max(0, k * PAGE - lead);
    if (!buf) {
      buf = read(at + BigInt(from), Math.min(size, (k + 1) * PAGE - lead) - from);
      pages.set(k, buf);
    }
    return buf.subarray(off - from, off - from + len);
  };
}
