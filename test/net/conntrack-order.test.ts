// nf_conntrack_hash is read in address order (src/net/address-order.ts) and listed in hash
// order: the rows, their order and the problems must be exactly those of the walk bucket by
// bucket it replaced (each entry read whole, accounting extension included, where it is met),
// on each host fixture and on damaged copies of it; and each page decoded about once with a
// page cache far smaller than the table.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernel } from '../../src/kernel/open.js';
import { kernelClock } from '../../src/kernel/time.js';
import { unreadable } from '../../src/kernel/walk.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { netNamespaces } from '../../src/net/netns.js';
import { conntrackReader, conntrackTable } from '../../src/net/conntrack.js';
import { fixtureDir } from '../support/truth.js';
import { presentHostFixtures } from '../support/truth-host.js';
import { damagedKernels, decodedPages, readChainsInHashOrder } from '../support/hash-order.js';

/** The walk as it was: bucket by bucket, each entry read and finished where it is met. */
function conntrackInHashOrder(k: Kernel) {
  const nets = netNamespaces(k);
  const c = kernelClock(k);
  const r = conntrackReader(k, nets, c.jiffies, c.hz);
  const hash = k.mem.ptr(k.symbol('nf_conntrack_hash'));
  const size = k.mem.u32(k.symbol('nf_conntrack_htable_size'));
  const heads = k.mem.read(hash, size * 8);
  const starts = [];
  for (let b = 0; b < size; b++) {
    const first = heads.readBigUInt64LE(b * 8);
    if (first !== 0n && (first & 1n) === 0n) starts.push({ chain: b, first });
  }
  const where = (b: number) => `nf_conntrack_hash bucket ${b}`;
  const steps = readChainsInHashOrder(
    k,
    starts,
    { where, nextOffset: 0n, entryOffset: r.tuplehashOff, nulls: true, limit: 100_000, span: r.span },
    (_ct, node) => {
      const p = r.read(node);
      if (!p) return undefined;
      const e = r.finish(p);
      if (e !== undefined) throw e;
      return p.row;
    },
    (_ct, node, b, e) => unreadable(where(b), node, e),
  );
  return { rows: steps.filter((s) => s.row).map((s) => s.row!), problems: steps.filter((s) => s.problem).map((s) => s.problem!) };
}

const walk = (k: Kernel) => {
  const c = kernelClock(k);
  const t = conntrackTable(k, netNamespaces(k), c.jiffies, c.hz);
  return { rows: t.rows, problems: t.problems };
};

describe.each(presentHostFixtures({ moduleBtf: true }))('%s: nf_conntrack_hash read in address order', (name) => {
  const path = join(fixtureDir(name), 'vmcore.kdump');
  const k = openKernel(path);

  it('lists the same entries, in the same order, as a walk bucket by bucket', () => {
    const expected = conntrackInHashOrder(k);
    expect(expected.rows.length).toBeGreaterThan(10);
    expect(walk(k)).toEqual(expected);
  });

  it('and so on damaged copies: entries, extensions or links lost', () => {
    const rows = walk(k).rows;
    const ext = k.field('struct nf_conn', 'ext');
    const tuplehash = k.off('struct nf_conn', 'tuplehash');
    const exts = rows.map((r) => k.ptr(r.address, ext)).filter((x) => x !== 0n);
    const links = rows.map((r) => r.address + tuplehash);
    const cases = [...damagedKernels(k, path, rows.map((r) => r.address), links), ...damagedKernels(k, path, exts).slice(0, 2)];
    let problems = 0;
    for (const d of cases) {
      const expected = conntrackInHashOrder(d.k());
      problems += expected.problems.length;
      expect(walk(d.k()), d.what).toEqual(expected);
    }
    expect(problems).toBeGreaterThan(5);
  });

  it('decodes each page about once with a 16-page cache', () => {
    const small = openKernel(path, { cachePages: 16 });
    walk(small); // types and symbols resolved: the count below is the table's pages
    const decoded = decodedPages(small, () => walk(small));
    expect(decoded.length).toBeGreaterThan(0);
    expect(decoded.length).toBeLessThanOrEqual(new Set(decoded).size * 1.25 + 8);
  });
});
