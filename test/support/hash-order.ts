// The walks as they were, chain by chain in hash order (walk.ts generators and readEach), for
// the tests that the address-order walks (src/net/address-order.ts) list the same rows in the
// same order with the same problems; and a count of the pages a walk decodes.

import { openKernelFromDump } from '../../src/kernel/open.js';
import { chainEntries, hlistEntries, hlistNullsEntries, unreadable, type WalkProblem } from '../../src/kernel/walk.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import type { ChainShape, ChainStart, EntryReader, Step } from '../../src/net/address-order.js';
import { damagedDump } from './damaged-dump.js';

/** readChainsInAddressOrder's results, walked chain by chain in hash order as before. */
export function readChainsInHashOrder<R>(
  k: Kernel,
  starts: readonly ChainStart[],
  shape: ChainShape,
  read: EntryReader<R>,
  onError: (entry: bigint, link: bigint, chain: number, e: unknown) => WalkProblem = (entry, _l, chain, e) => unreadable(shape.where(chain), entry, e),
): Step<R>[] {
  const out: Step<R>[] = [];
  for (const s of [...starts].sort((x, y) => x.chain - y.chain)) {
    const chain = s.chain;
    if (s.problem) {
      out.push({ chain, depth: 0, problem: s.problem });
      continue;
    }
    let depth = 0;
    const emit = (problem: WalkProblem) => void out.push({ chain, depth, problem });
    const opts = { where: shape.where(chain), limit: shape.limit, onProblem: emit };
    const links =
      shape.nextOffset !== 0n
        ? chainEntries(k.mem, s.first, shape.nextOffset, opts)
        : shape.nulls
          ? hlistNullsEntries(k.mem, s.first, opts)
          : hlistEntries(k.mem, s.first, opts);
    for (const link of links) {
      const entry = link - shape.entryOffset;
      try {
        const row = read(entry, link, chain, emit);
        if (row !== undefined) out.push({ chain, depth, row });
      } catch (e) {
        emit(onError(entry, link, chain, e));
      }
      depth++;
    }
  }
  return out;
}

/** The pages `walk` decodes (in order), through the dump's loadPage. */
export function decodedPages(k: Kernel, walk: () => void): number[] {
  const d = k.dump as unknown as { loadPage(pfn: number): Buffer };
  const load = d.loadPage.bind(d);
  const decoded: number[] = [];
  d.loadPage = (pfn: number) => (decoded.push(pfn), load(pfn));
  try {
    walk();
  } finally {
    d.loadPage = load;
  }
  return decoded;
}

/** Kernels on damaged copies of the dump at `path`: each third of `addrs`'s pages hidden in
 *  turn, and a link turned into a loop (its `next` to itself) or a bad pointer. */
export function damagedKernels(k: Kernel, path: string, addrs: bigint[], links: bigint[] = []): { what: string; k: () => Kernel }[] {
  const pfns = [...new Set(addrs.map((a) => Math.floor(k.mem.phys(a) / 4096)))];
  const out: { what: string; k: () => Kernel }[] = [];
  for (let i = 0; i < 3 && pfns.length > 0; i++) {
    const hide = new Set(pfns.filter((_p, j) => j % 3 === i));
    out.push({ what: `${hide.size} of ${pfns.length} pages hidden`, k: () => openKernelFromDump(damagedDump(path, hide)) });
  }
  const patched = (link: bigint, value: bigint, what: string) => {
    const at = k.mem.phys(link);
    const v = Buffer.alloc(8);
    v.writeBigUInt64LE(value);
    const patch = new Map([[Math.floor(at / 4096), (p: Buffer) => (v.copy(p, at % 4096), p)]]);
    out.push({ what, k: () => openKernelFromDump(damagedDump(path, new Set(), patch)) });
  };
  if (links.length > 1) patched(links[1]!, links[1]!, 'a link to itself');
  if (links.length > 3) patched(links[3]!, 0xdead0000n, 'a link to nowhere');
  if (links.length > 4) patched(links[links.length - 1]!, links[2]!, 'a link into another chain');
  return out;
}
