// Resizable hash tables (the netlink socket tables, nft rhash sets) read in address order
// (readRhashtable) must give the objects of rhashtableObjects (a walk bucket by bucket), in
// its order, with its problems, on every fixture and on damaged copies; and the nft sets
// built on it the same elements and problems at any page cache size.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernel } from '../../src/kernel/open.js';
import type { WalkProblem } from '../../src/kernel/walk.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { netNamespaces } from '../../src/net/netns.js';
import { readRhashtable, rhashtableObjects } from '../../src/net/rhashtable.js';
import { nftRulesets } from '../../src/net/nftables.js';
import { fixtureDir } from '../support/truth.js';
import { presentFixtures } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';
import { damagedKernels, decodedPages } from '../support/hash-order.js';

const FIXTURES = [...presentFixtures(), ...presentHostFixtures()];
const MAX_LINKS = 32; // netlink.ts: nl_table[MAX_LINKS]

/** Every netlink table's sockets (as netlink.ts walks them), both ways, with their problems. */
function netlinkTables(k: Kernel, addressOrder: boolean): { objects: bigint[]; problems: WalkProblem[] } {
  const table = k.mem.ptr(k.symbol('nl_table'));
  const stride = BigInt(k.sizeof('struct netlink_table'));
  const hash = k.off('struct netlink_table', 'hash');
  const node = k.off('struct netlink_sock', 'node');
  const objects: bigint[] = [];
  const problems: WalkProblem[] = [];
  for (let p = 0; p < MAX_LINKS; p++) {
    const ht = table + BigInt(p) * stride + hash;
    try {
      if (addressOrder) objects.push(...readRhashtable(k, ht, node, `nl_table[${p}]`, problems, (sk) => sk, 64));
      else for (const sk of rhashtableObjects(k, ht, node, `nl_table[${p}]`, problems)) objects.push(sk);
    } catch (e) {
      problems.push({ where: `nl_table[${p}]`, address: ht, kind: 'unreadable', detail: (e as Error).message });
    }
  }
  return { objects, problems };
}

describe.each(FIXTURES)('%s: rhashtables read in address order', (name) => {
  const path = join(fixtureDir(name), 'vmcore.kdump');
  const k = openKernel(path);

  it('give the objects of a walk bucket by bucket, in its order, with its problems', () => {
    const expected = netlinkTables(k, false);
    expect(expected.objects.length).toBeGreaterThan(10);
    expect(netlinkTables(k, true)).toEqual(expected);
    const links = expected.objects.map((sk) => sk + k.off('struct netlink_sock', 'node'));
    let problems = 0;
    for (const d of damagedKernels(k, path, expected.objects, links)) {
      const damaged = netlinkTables(d.k(), false);
      problems += damaged.problems.length;
      expect(netlinkTables(d.k(), true), d.what).toEqual(damaged);
    }
    expect(problems).toBeGreaterThan(3);
  });

  it('nft sets: the same elements and problems with a 16-page cache', () => {
    const sets = (x: Kernel) => nftRulesets(x, netNamespaces(x));
    const expected = sets(k);
    const small = openKernel(path, { cachePages: 16 });
    expect(sets(small)).toEqual(expected);
    const decoded = decodedPages(small, () => sets(small));
    expect(decoded.length).toBeLessThanOrEqual(new Set(decoded).size * 1.25 + 8);
  });
});
