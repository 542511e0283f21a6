// The bind hash is read level by level in address order (buckets, bind2 buckets, owners) and
// put back together in hash order: the buckets, their owners and the problems must be exactly
// those of the walk bucket by bucket it replaced, with the owners read from the dump or taken
// from the TCP table; on every fixture and on damaged copies; and each page decoded about
// once with a page cache far smaller than the table.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernel } from '../../src/kernel/open.js';
import { hlistNullsEntries, unreadable, type WalkProblem } from '../../src/kernel/walk.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { netNamespaces } from '../../src/net/netns.js';
import { hashBucketEntries } from '../../src/net/hashtable.js';
import { sockFields } from '../../src/net/sock.js';
import { tcpHashinfos, tcpRow, tcpSockets } from '../../src/net/tcp.js';
import { bindBuckets, type BindBucket } from '../../src/net/bind.js';
import type { SocketRow } from '../../src/net/socket-row.js';
import { fixtureDir } from '../support/truth.js';
import { presentFixtures } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';
import { damagedKernels, decodedPages } from '../support/hash-order.js';

const FIXTURES = [...presentFixtures(), ...presentHostFixtures()];
const BB = 'struct inet_bind_bucket';
const B2 = 'struct inet_bind2_bucket';

/** The walk as it was: bucket by bucket, each bucket's owners (or bind2 buckets' owners)
 *  where the bucket is met. */
function bindInHashOrder(k: Kernel, hashinfo: bigint, problems: WalkProblem[]): BindBucket[] {
  const s = sockFields(k);
  const HI = 'struct inet_hashinfo';
  const buckets = {
    name: 'tcp bhash',
    first: k.ptr(hashinfo, k.field(HI, 'bhash')) + k.off('struct inet_bind_hashbucket', 'chain'),
    count: k.num(hashinfo, k.field(HI, 'bhash_size')),
    stride: BigInt(k.sizeof('struct inet_bind_hashbucket')),
    nodeOffset: k.off(BB, 'node'),
  };
  const ownersF = k.tryField(BB, 'owners');
  const bhash2F = k.tryField(BB, 'bhash2');
  const onProblem = (p: WalkProblem) => problems.push(p);
  const owners = (head: bigint, where: string): SocketRow[] => {
    const out: SocketRow[] = [];
    for (const link of hlistNullsEntries(k.mem, k.mem.ptr(head), { where, onProblem })) {
      const sk = link - s.bindNode.offsetN;
      try {
        out.push(tcpRow(k, sk));
      } catch (e) {
        problems.push(unreadable(where, sk, e));
      }
    }
    return out;
  };
  const out: BindBucket[] = [];
  for (const tb of hashBucketEntries(k, buckets, problems)) {
    try {
      const p = k.num(tb, k.field(BB, 'port'));
      const where = `tcp bhash port ${p}`;
      let socks: SocketRow[] = [];
      if (ownersF) socks = owners(tb + ownersF.offsetN, where);
      else if (bhash2F) {
        const bhashNode = k.off(B2, 'bhash_node');
        const owners2 = k.off(B2, 'owners');
        for (const link of hlistNullsEntries(k.mem, k.mem.ptr(tb + bhash2F.offsetN), { where, onProblem })) {
          socks = socks.concat(owners(link - bhashNode + owners2, where));
        }
      }
      out.push({
        address: tb,
        port: p,
        netns: s.netnsOf(s.netAt(tb, k.field(BB, 'ib_net'))),
        fastreuse: k.num(tb, k.field(BB, 'fastreuse')),
        fastreuseport: k.num(tb, k.field(BB, 'fastreuseport')),
        owners: socks,
      });
    } catch (e) {
      problems.push(unreadable('tcp bhash', tb, e));
    }
  }
  return out.sort((a, b) => a.port - b.port || a.netns - b.netns);
}

type BindWalk = (k: Kernel, hashinfo: bigint, problems: WalkProblem[], known?: ReadonlyMap<bigint, SocketRow>) => BindBucket[];
const walk = (k: Kernel, f: BindWalk, withKnown = false) => {
  const problems: WalkProblem[] = [];
  const nets = netNamespaces(k);
  const known = withKnown ? new Map(tcpSockets(k, nets).rows.map((r) => [r.sock, r])) : undefined;
  const rows: BindBucket[] = [];
  const seen = new Set<bigint>(); // a netns's own hashinfo shares the global bhash (as tables.ts)
  for (const hi of tcpHashinfos(k, nets)) {
    const bhash = k.ptr(hi, k.field('struct inet_hashinfo', 'bhash'));
    if (!seen.has(bhash)) rows.push(...f(k, hi, problems, known));
    seen.add(bhash);
  }
  return { rows, problems };
};

describe.each(FIXTURES)('%s: the bind hash read in address order', (name) => {
  const path = join(fixtureDir(name), 'vmcore.kdump');
  const k = openKernel(path);

  it('lists the same buckets and owners, in the same order, as a walk bucket by bucket', () => {
    const expected = walk(k, bindInHashOrder);
    expect(expected.rows.length).toBeGreaterThan(10);
    expect(walk(k, bindBuckets)).toEqual(expected);
    expect(walk(k, bindBuckets, true)).toEqual(expected);
  });

  it('and so on damaged copies: buckets, sockets or links lost', () => {
    const rows = walk(k, bindBuckets).rows;
    const addrs = rows.flatMap((b) => [b.address, ...b.owners.map((o) => o.sock)]);
    const node = k.off(BB, 'node');
    const bindNode = k.off('struct sock_common', 'skc_bind_node');
    const links = rows.flatMap((b) => [b.address + node, ...b.owners.map((o) => o.sock + bindNode)]);
    let problems = 0;
    for (const d of damagedKernels(k, path, addrs, links)) {
      const expected = walk(d.k(), bindInHashOrder);
      problems += expected.problems.length;
      expect(walk(d.k(), bindBuckets), d.what).toEqual(expected);
      expect(walk(d.k(), bindBuckets, true), `${d.what}, owners from the TCP table`).toEqual(expected);
    }
    expect(problems).toBeGreaterThan(5);
  });

  it('decodes each page about once with a 16-page cache', () => {
    const small = openKernel(path, { cachePages: 16 });
    walk(small, bindBuckets); // types and symbols resolved: the count below is the table's pages
    const decoded = decodedPages(small, () => walk(small, bindBuckets));
    expect(decoded.length).toBeGreaterThan(10);
    expect(decoded.length).toBeLessThanOrEqual(new Set(decoded).size * 1.25 + 8);
  });
});
