// The TCP bind hash: which sockets own each local port (net/ipv4/inet_hashtables.c:
// inet_bind_bucket_create, inet_bind_hash; inet_csk_get_port decides reuse from fastreuse*).
//
// Kernel structures read here:
//   struct inet_hashinfo { struct inet_bind_hashbucket *bhash; unsigned int bhash_size; }
//   struct inet_bind_hashbucket { spinlock_t lock; struct hlist_head chain; }
//   struct inet_bind_bucket { possible_net_t ib_net; unsigned short port; signed char fastreuse,
//       fastreuseport; struct hlist_node node;
//       struct hlist_head owners;         /* until 6.x: sockets by sk_bind_node */
//       struct hlist_head bhash2; }       /* later: inet_bind2_bucket by bhash_node, each with owners */
//
// A busy server has a bind bucket per local port in use and every TCP socket among the owners:
// far more than the page cache holds. So each level (buckets, then inet_bind2_buckets, then
// owners) is read in address order (address-order.ts) and put back together in hash order:
// the rows, their order and the problems are those of a walk bucket by bucket.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, type WalkProblem } from '../kernel/walk.js';
import { readChainsInAddressOrder, type ChainStart, type Step } from './address-order.js';
import { bucketStarts } from './hashtable.js';
import { sockFields } from './sock.js';
import { tcpRow } from './tcp.js';
import type { SocketRow } from './socket-row.js';

export interface BindBucket {
  address: bigint;
  port: number;
  netns: number;
  fastreuse: number;
  fastreuseport: number;
  owners: SocketRow[];
}

const BB = 'struct inet_bind_bucket';
const B2 = 'struct inet_bind2_bucket';

/** A bind bucket read up to its owners: its list head, and the fields after them (or what
 *  reading them threw: the bucket is then a problem once its owners are walked). */
interface Bucket {
  tb: bigint;
  port: number;
  where: string;
  /** First link of its owners (sockets) or bhash2 (inet_bind2_buckets); 0n for neither. */
  first: bigint;
  rest: Pick<BindBucket, 'netns' | 'fastreuse' | 'fastreuseport'> | { failed: unknown };
}

/** The bind buckets of `hashinfo`'s bhash, sorted by port and netns. `known`: rows of the TCP
 *  socket table by socket (as tcpRow reads them), when it was walked: the owners are then
 *  taken from it, and their links read in address order, instead of visiting each socket in
 *  list order (a listener's list holds every connection it accepted). */
export function bindBuckets(k: Kernel, hashinfo: bigint, problems: WalkProblem[], known?: ReadonlyMap<bigint, SocketRow>): BindBucket[] {
  const s = sockFields(k);
  const HI = 'struct inet_hashinfo';
  const chain = k.off('struct inet_bind_hashbucket', 'chain');
  const bhash = k.ptr(hashinfo, k.field(HI, 'bhash')) + chain;
  const count = k.num(hashinfo, k.field(HI, 'bhash_size'));
  const stride = BigInt(k.sizeof('struct inet_bind_hashbucket'));
  const nodeOffset = k.off(BB, 'node');
  const port = k.field(BB, 'port');
  const reuse = k.field(BB, 'fastreuse');
  const reusePort = k.field(BB, 'fastreuseport');
  const net = k.field(BB, 'ib_net');
  const ownersF = k.tryField(BB, 'owners');
  const bhash2F = k.tryField(BB, 'bhash2');
  const T = 'struct tcp_sock';
  const sockSpan = Math.max(...['rcv_nxt', 'copied_seq', 'write_seq', 'snd_una', 'sk.sk_socket', 'sk.sk_uid'].map((f) => {
    const x = k.tryField(T, f);
    return x ? x.offset + x.size : 0;
  }), s.commonSize);

  // 1. The buckets.
  const where = (i: number) => `tcp bhash bucket ${i}`;
  const starts = bucketStarts(k, bhash, count, stride, where);
  const buckets = readChainsInAddressOrder<Bucket>(
    k,
    starts,
    { where, nextOffset: 0n, entryOffset: nodeOffset, nulls: true, span: k.sizeof(BB) },
    (tb) => {
      const p = k.num(tb, port);
      let first = 0n;
      if (ownersF) first = k.mem.ptr(tb + ownersF.offsetN);
      else if (bhash2F) {
        k.off(B2, 'bhash_node');
        k.off(B2, 'owners');
        first = k.mem.ptr(tb + bhash2F.offsetN);
      }
      let rest: Bucket['rest'];
      try {
        rest = { netns: s.netnsOf(s.netAt(tb, net)), fastreuse: k.num(tb, reuse), fastreuseport: k.num(tb, reusePort) };
      } catch (e) {
        rest = { failed: e };
      }
      return { tb, port: p, where: `tcp bhash port ${p}`, first, rest };
    },
    (tb, _link, _i, e) => unreadable('tcp bhash', tb, e),
  );
  const tbs = buckets.filter((b) => b.row).map((b) => b.row!);

  // 2. (bhash2 kernels) each bucket's inet_bind2_buckets, one per bound address: the head of
  // each one's owners, or what reading it threw (which ends its bucket).
  let tb2s: Step<{ first: bigint } | { failed: unknown }>[] = [];
  if (!ownersF && bhash2F) {
    const owners2 = k.off(B2, 'owners');
    tb2s = readChainsInAddressOrder(
      k,
      tbs.map((b, j) => ({ chain: j, first: b.first })),
      { where: (j) => tbs[j]!.where, nextOffset: 0n, entryOffset: k.off(B2, 'bhash_node'), nulls: true, span: k.sizeof(B2) },
      (tb2) => {
        try {
          return { first: k.mem.ptr(tb2 + owners2) };
        } catch (e) {
          return { failed: e };
        }
      },
    );
  }

  // 3. The owners: every socket of every owners list (of a tb, or of a tb2 step).
  const heads: ChainStart[] = [];
  const wheres: string[] = [];
  const headOf: number[] = [];
  const addHead = (first: bigint, where: string) => {
    wheres.push(where);
    return heads.push({ chain: heads.length, first }) - 1;
  };
  if (ownersF) for (const b of tbs) headOf.push(addHead(b.first, b.where));
  else for (const t of tb2s) headOf.push(t.row && 'first' in t.row ? addHead(t.row.first, tbs[t.chain]!.where) : -1);
  const owners = readChainsInAddressOrder(
    k,
    heads,
    { where: (c) => wheres[c]!, nextOffset: 0n, entryOffset: s.bindNode.offsetN, nulls: true, span: sockSpan, next: known && bindLinks(k, known, s.bindNode.offsetN) },
    (sk) => {
      const r = known?.get(sk);
      return r ? { ...r } : tcpRow(k, sk);
    },
  );

  // Back together, in hash order.
  const out: BindBucket[] = [];
  let o = 0; // next owners step
  let t2 = 0; // next tb2 step
  const ownersOf = (c: number, socks: SocketRow[]) => {
    for (; o < owners.length && owners[o]!.chain < c; o++);
    for (; o < owners.length && owners[o]!.chain === c; o++) {
      const x = owners[o]!;
      if (x.problem) problems.push(x.problem);
      else socks.push(x.row!);
    }
  };
  let j = 0;
  for (const b of buckets) {
    if (b.problem) {
      problems.push(b.problem);
      continue;
    }
    const tb = b.row!;
    const socks: SocketRow[] = [];
    let failed: unknown = 'failed' in tb.rest ? tb.rest.failed : undefined;
    let broken = false;
    if (ownersF) ownersOf(j, socks);
    else if (bhash2F) {
      for (; t2 < tb2s.length && tb2s[t2]!.chain === j; t2++) {
        const x = tb2s[t2]!;
        if (broken) continue;
        if (x.problem) problems.push(x.problem);
        else if ('failed' in x.row!) {
          failed = x.row.failed;
          broken = true;
        } else ownersOf(headOf[t2]!, socks);
      }
    }
    j++;
    if (failed !== undefined || broken) problems.push(unreadable('tcp bhash', tb.tb, failed));
    else out.push({ address: tb.tb, port: tb.port, ...(tb.rest as Exclude<Bucket['rest'], { failed: unknown }>), owners: socks });
  }
  return out.sort((a, b) => a.port - b.port || a.netns - b.netns);
}

/** skc_bind_node.next of every known bound socket (not request socks: they are never bound),
 *  read in address order. */
function bindLinks(k: Kernel, known: ReadonlyMap<bigint, SocketRow>, bindNode: bigint): Map<bigint, bigint | { error: unknown }> {
  const links: bigint[] = [];
  for (const r of known.values()) if (r.kind !== 'request') links.push(r.sock + bindNode);
  links.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  k.mem.prefetch(links, 8);
  const next = new Map<bigint, bigint | { error: unknown }>();
  for (const l of links) {
    try {
      next.set(l, k.mem.ptr(l));
    } catch (e) {
      next.set(l, { error: e });
    }
  }
  return next;
}
