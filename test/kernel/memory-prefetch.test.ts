// KernelMemory.prefetch() hands the dump the frames of each object's first and last byte, in
// the caller's order, as translating both addresses one by one would: the direct-map fast
// path (number arithmetic) agrees with phys() there, at the end of the direct map, and for
// addresses outside it (kernel image: the page walk), and leaves out what does not translate.

import { describe, expect, it } from 'vitest';
import { fixtureSession } from '../support/fixtures.js';

describe('KernelMemory.prefetch on bookworm-6.1', () => {
  const k = fixtureSession('bookworm-6.1').kernel;

  /** The frames prefetch() asks for (the dump's prefetch() replaced for the call, and the dump
   *  told to be prefetching: the fixture session is opened without the worker). */
  function asked(addrs: bigint[], span: number): number[] {
    let got: number[] = [];
    const dump = k.mem.dump as { prefetch?: (pfns: readonly number[]) => void };
    dump.prefetch = (pfns) => void (got = [...pfns]);
    Object.defineProperty(dump, 'prefetching', { value: true, configurable: true });
    try {
      k.mem.prefetch(addrs, span);
    } finally {
      delete dump.prefetch; // the prototype's again
      delete (dump as { prefetching?: boolean }).prefetching;
    }
    return got;
  }

  /** The same, one address at a time through phys(). */
  function expected(addrs: bigint[], span: number): number[] {
    const out: number[] = [];
    for (const a of addrs) {
      let first: number, end: number;
      try {
        first = Math.floor(k.mem.phys(a) / 4096);
        end = Math.floor(k.mem.phys(a + BigInt(span - 1)) / 4096);
      } catch {
        continue;
      }
      out.push(first);
      if (end !== first) out.push(end);
    }
    return out;
  }

  it('agrees with phys() inside, at the end of, and outside the direct map', () => {
    const { base, end } = k.mem.directMap;
    expect(end).toBeGreaterThan(base);
    const sym = k.symbol('init_net');
    const addrs = [
      base + 0x1000000n + 100n, // within one page
      base + 0x1000000n + 4000n, // straddles two pages
      base + 0x2345678n,
      end - 2048n, // the last bytes of the direct map
      end - 1000n, // the object runs past the direct map's end: phys() decides
      sym, // the kernel image
      0x10n, // does not translate: left out
    ];
    for (const span of [1, 192, 2048]) expect(asked(addrs, span), `span ${span}`).toEqual(expected(addrs, span));
  });
});
