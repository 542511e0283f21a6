// The neighbour hashes (arp_tbl, nd_tbl) are read in address order and listed in hash order:
// the rows, their order and the problems must be exactly those of a walk bucket by bucket
// (readChainsInHashOrder: walk.ts's chainEntries / hlistEntries and readEach, as before), on
// every fixture and on damaged copies, an unknown netns named once, by its first entry in hash
// order; and each page decoded about once with a page cache far smaller than the table.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernel } from '../../src/kernel/open.js';
import { kernelClock } from '../../src/kernel/time.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { netNamespaces } from '../../src/net/netns.js';
import { walkNeighbours } from '../../src/net/neighbours.js';
import { fixtureDir } from '../support/truth.js';
import { presentFixtures } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';
import { damagedKernels, decodedPages, readChainsInHashOrder } from '../support/hash-order.js';

const FIXTURES = [...presentFixtures(), ...presentHostFixtures()];

const walk = (k: Kernel, hashOrder = false, nets = netNamespaces(k)) =>
  walkNeighbours(k, nets, kernelClock(k), hashOrder ? readChainsInHashOrder : undefined);

describe.each(FIXTURES)('%s: the neighbour hashes read in address order', (name) => {
  const path = join(fixtureDir(name), 'vmcore.kdump');
  const k = openKernel(path);

  it('list the same neighbours, in the same order, as a walk bucket by bucket', () => {
    const expected = walk(k, true);
    expect(expected.rows.filter((r) => !r.proxy).length).toBeGreaterThan(10);
    expect(walk(k)).toEqual(expected);
  });

  it('name a netns missing from the list once, at its first neighbour in hash order', () => {
    const nets = netNamespaces(k).slice(1);
    const expected = walk(k, true, nets);
    expect(expected.problems.filter((p) => p.where === 'neighbour netns')).toHaveLength(1);
    expect(walk(k, false, nets)).toEqual(expected);
  });

  it('and so on damaged copies: entries, devices or links lost', () => {
    const rows = walk(k).rows.filter((r) => !r.proxy);
    const link = k.tryField('struct neigh_hash_table', 'hash_heads') ? k.off('struct neighbour', 'hash') : k.off('struct neighbour', 'next');
    let problems = 0;
    for (const d of damagedKernels(k, path, rows.map((r) => r.address), rows.map((r) => r.address + link))) {
      const expected = walk(d.k(), true);
      problems += expected.problems.length;
      expect(walk(d.k()), d.what).toEqual(expected);
    }
    expect(problems).toBeGreaterThan(5);
  });

  it('decode each page about once with a 16-page cache', () => {
    const small = openKernel(path, { cachePages: 16 });
    walk(small); // types and symbols resolved: the count below is the tables' pages
    const decoded = decodedPages(small, () => walk(small));
    expect(decoded.length).toBeGreaterThan(10);
    // two tables (arp, nd) whose entries share kmalloc pages: each page about once per table
    expect(decoded.length).toBeLessThanOrEqual(new Set(decoded).size * 1.5 + 8);
  });
});
