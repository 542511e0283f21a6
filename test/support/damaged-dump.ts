// A real dump with damage laid over it in memory (pages hidden, bytes overwritten): the walks
// must mark the gaps and go on.

import { openDump } from '../../src/dump/open.js';
import { PageMissingError, type PhysicalDump } from '../../src/dump/types.js';

/** The real dump at `path`, with some pages hidden (read as excluded) and some pages' bytes
 *  rewritten by `patch`. */
export function damagedDump(path: string, hide: Set<number>, patch: Map<number, (page: Buffer) => Buffer> = new Map()): PhysicalDump {
  const d = openDump(path);
  const page = d.page.bind(d);
  const read = d.read.bind(d);
  return Object.assign(d, {
    page(pfn: number): Buffer {
      if (hide.has(pfn)) throw new PageMissingError(pfn * 4096, 'excluded');
      const p = page(pfn);
      const f = patch.get(pfn);
      return f ? f(Buffer.from(p)) : p;
    },
    read(paddr: number, len: number): Buffer {
      const out = Buffer.alloc(len);
      for (let done = 0; done < len; ) {
        const a = paddr + done;
        const pfn = Math.floor(a / 4096);
        const n = Math.min(len - done, 4096 - (a % 4096));
        if (hide.has(pfn) || patch.has(pfn)) this.page(pfn).copy(out, done, a % 4096, a % 4096 + n);
        else read(a, n).copy(out, done);
        done += n;
      }
      return out;
    },
  });
}
