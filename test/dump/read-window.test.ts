// Pages read in file order (a walk in address order, upwards or downwards) take their
// compressed bytes from one read of their neighbours' (kdump.ts fromWindow): each must still be
// its own page, byte for byte, as read alone.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDump } from '../../src/dump/open.js';
import type { BaseDump } from '../../src/dump/base.js';
import { fixtureDir } from '../support/truth.js';

const files: [string, string][] = [
  ['bookworm-6.1', 'vmcore.kdump'], // zlib
  ['bullseye-5.10', 'vmcore.kdump'], // lzo
];

describe.each(files)('%s/%s', (dir, file) => {
  const path = join(fixtureDir(dir), file);

  it('pages read upwards, downwards and at random hold the bytes of the page read alone', () => {
    const d = openDump(path, { cachePages: 1, poisonPages: false }) as BaseDump;
    const ref = openDump(path, { cachePages: 1, poisonPages: false }) as BaseDump;
    const pfns: number[] = [];
    for (let p = 4096; p < d.maxPfn && pfns.length < 3000; p++) if (d.hasPage(p)) pfns.push(p);
    let far = 0;
    while (!ref.hasPage(far)) far++;
    // Each page read right after one far below it: no window holds it.
    const alone = pfns.map((p) => {
      ref.decodeFresh(far);
      return Buffer.from(ref.decodeFresh(p));
    });
    pfns.forEach((p, i) => expect(d.decodeFresh(p).equals(alone[i]!), `upwards, pfn ${p}`).toBe(true));
    for (let i = pfns.length - 1; i >= 0; i--) expect(d.decodeFresh(pfns[i]!).equals(alone[i]!), `downwards, pfn ${pfns[i]}`).toBe(true);
    let seed = 11;
    for (let k = 0; k < 2000; k++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const i = seed % pfns.length;
      expect(d.decodeFresh(pfns[i]!).equals(alone[i]!), `at random, pfn ${pfns[i]}`).toBe(true);
    }
    d.close();
    ref.close();
  });
});
