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

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, hlistNullsEntries, type WalkProblem } from '../kernel/walk.js';
import { hashBucketEntries } from './hashtable.js';
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

export function bindBuckets(k: Kernel, hashinfo: bigint, problems: WalkProblem[]): BindBucket[] {
  const s = sockFields(k);
  const HI = 'struct inet_hashinfo';
  const chain = k.off('struct inet_bind_hashbucket', 'chain');
  const buckets = {
    name: 'tcp bhash',
    first: k.ptr(hashinfo, k.field(HI, 'bhash')) + chain,
    count: k.num(hashinfo, k.field(HI, 'bhash_size')),
    stride: BigInt(k.sizeof('struct inet_bind_hashbucket')),
    nodeOffset: k.off(BB, 'node'),
  };
  const port = k.field(BB, 'port');
  const reuse = k.field(BB, 'fastreuse');
  const reusePort = k.field(BB, 'fastreuseport');
  const net = k.field(BB, 'ib_net');
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
      const p = k.num(tb, port);
      const where = `tcp bhash port ${p}`;
      let socks: SocketRow[] = [];
      if (ownersF) socks = owners(tb + ownersF.offsetN, where);
      else if (bhash2F) {
        // Each address bound on this port has an inet_bind2_bucket with its own owners.
        const bhashNode = k.off(B2, 'bhash_node');
        const owners2 = k.off(B2, 'owners');
        for (const link of hlistNullsEntries(k.mem, k.mem.ptr(tb + bhash2F.offsetN), { where, onProblem })) {
          socks = socks.concat(owners(link - bhashNode + owners2, where));
        }
      }
      out.push({
        address: tb,
        port: p,
        netns: s.netnsOf(s.netAt(tb, net)),
        fastreuse: k.num(tb, reuse),
        fastreuseport: k.num(tb, reusePort),
        owners: socks,
      });
    } catch (e) {
      problems.push(unreadable('tcp bhash', tb, e));
    }
  }
  return out.sort((a, b) => a.port - b.port || a.netns - b.netns);
}
