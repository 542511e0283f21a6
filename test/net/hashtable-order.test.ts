// The socket tables are read in address order (src/net/hashtable.ts readBucketsInAddressOrder)
// and listed in hash order: the rows must be exactly those, in exactly the order, of a walk
// bucket by bucket (hashBucketEntries, as /proc walks), and each page decoded about once even
// with a page cache far smaller than the table.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernel } from '../../src/kernel/open.js';
import { hashBucketEntries, readBucketsInAddressOrder } from '../../src/net/hashtable.js';
import { ehashBuckets, listeningBuckets, tcpHashinfos, tcpRow, tcpSockets } from '../../src/net/tcp.js';
import { netNamespaces } from '../../src/net/netns.js';
import { fixtureDir } from '../support/truth.js';
import { presentFixtures } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';

const FIXTURES = [...presentFixtures(), ...presentHostFixtures()];

describe.each(FIXTURES)('%s: the TCP hashes read in address order', (name) => {
  const path = join(fixtureDir(name), 'vmcore.kdump');

  it('list the same sockets, in the same order, as a walk bucket by bucket', () => {
    const k = openKernel(path);
    const nets = netNamespaces(k);
    const byBucket: bigint[] = [];
    const ordered: bigint[] = [];
    for (const hi of tcpHashinfos(k, nets)) {
      for (const b of [listeningBuckets(k, hi), ehashBuckets(k, hi)]) {
        for (const sk of hashBucketEntries(k, b, [])) byBucket.push(sk);
        ordered.push(...readBucketsInAddressOrder(k, b, (sk) => sk, []));
      }
    }
    expect(byBucket.length).toBeGreaterThan(10);
    expect(ordered).toEqual(byBucket);
    // and the rows built from them, inodes included, are those of the row reader alone
    const rows = tcpSockets(k, nets).rows;
    const once = new Set<bigint>();
    const expected = byBucket.filter((sk) => !once.has(sk) && once.add(sk)).map((sk) => tcpRow(k, sk));
    expect(rows.map((r) => [r.sock, r.inode, r.state])).toEqual(expected.map((r) => [r.sock, r.inode, r.state]));
  });

  it('decode each page about once with a 16-page cache', () => {
    const k = openKernel(path, { cachePages: 16 });
    const nets = netNamespaces(k);
    const before = k.dump.stats.pagesRead;
    const decoded: number[] = [];
    const d = k.dump as unknown as { loadPage(pfn: number): Buffer };
    const load = d.loadPage.bind(d);
    d.loadPage = (pfn: number) => (decoded.push(pfn), load(pfn));
    const rows = tcpSockets(k, nets).rows;
    expect(rows.length).toBeGreaterThan(10);
    expect(k.dump.stats.pagesRead - before).toBe(decoded.length);
    // listeners, then each hashinfo's ehash sweep, then the inodes: a few passes, each page
    // of a pass decoded once
    expect(decoded.length).toBeLessThanOrEqual(new Set(decoded).size * 1.25 + 8);
  });
});
