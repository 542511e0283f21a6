// Which slab cache an address belongs to, as crash's `kmem ADDR` names it: mm/slab.h
// virt_to_slab() — the address's struct page (vmemmap), its compound head
// (include/linux/page-flags.h: compound_head bit 0), then slab->slab_cache (struct slab since
// 5.17, page->slab_cache before). The cache must be on the slab_caches list (mm/slab_common.c)
// to be believed: a page that is not a slab's holds something else in that word.

import type { Kernel } from './kernel.js';
import { directMapPage, pageAddress } from './page.js';
import { listEntries, type WalkProblem } from './walk.js';

export interface SlabHit {
  address: bigint;
  page: bigint;
  /** struct kmem_cache *, undefined when the page is not a slab page. */
  cache?: bigint;
  name?: string;
  objectSize?: number;
  /** The object the address lies in, and how far into it. */
  object?: bigint;
  offset?: number;
}

const caches = new WeakMap<Kernel, Map<bigint, string>>();

/** Every cache on slab_caches, by address → name (bounded, cycle-detecting walk). */
export function slabCaches(k: Kernel, problems: WalkProblem[] = []): Map<bigint, string> {
  let m = caches.get(k);
  if (!m) {
    m = new Map();
    const head = k.symbol('slab_caches');
    const list = k.off('struct kmem_cache', 'list');
    const name = k.field('struct kmem_cache', 'name');
    for (const link of listEntries(k.mem, head, { where: 'slab_caches', limit: 100_000, onProblem: (p) => problems.push(p) })) {
      const c = link - list;
      try {
        m.set(c, k.mem.cstring(k.ptr(c, name), 64));
      } catch (e) {
        problems.push({ where: 'slab_caches', address: c, kind: 'unreadable', detail: (e as Error).message });
      }
    }
    caches.set(k, m);
  }
  return m;
}

/** The slab cache and object of `addr`; throws when the address is not in the direct map. */
export function slabOf(k: Kernel, addr: bigint): SlabHit {
  const page = directMapPage(k, addr);
  if (page === undefined) throw new Error(`0x${addr.toString(16)} is not a direct-map address: not a slab object`);
  let head = page;
  // compound_head was renamed compound_info (7.x); bit 0 marks a tail page either way
  const ch = k.tryField('struct page', 'compound_head') ?? k.tryField('struct page', 'compound_info');
  if (ch) {
    const v = k.big(page, ch);
    if (v & 1n) {
      // the head's address | 1; or, where sizeof(struct page) is a power of two (7.x compound_info),
      // a mask | 1 that the tail's own address is cut with
      const cand = v - 1n;
      head = cand <= page && page - cand < 1n << 30n ? cand : page & cand;
    }
  }
  const slabField = k.tryField('struct slab', 'slab_cache') ?? k.field('struct page', 'slab_cache');
  const cache = k.ptr(head, slabField);
  const name = slabCaches(k).get(cache);
  if (name === undefined) return { address: addr, page };
  const size = k.num(cache, k.field('struct kmem_cache', 'size'));
  const objSize = k.tryField('struct kmem_cache', 'object_size');
  const pad = k.tryField('struct kmem_cache', 'red_left_pad');
  const base = pageAddress(k, head) + BigInt(pad ? k.num(cache, pad) : 0);
  const idx = addr >= base ? (addr - base) / BigInt(size) : 0n;
  const object = base + idx * BigInt(size);
  return { address: addr, page: head, cache, name, objectSize: objSize ? k.num(cache, objSize) : size, object, offset: Number(addr - object) };
}
