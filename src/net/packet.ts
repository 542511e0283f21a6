// AF_PACKET sockets: net->packet.sklist of each netns, linked by sk_node
// (net/packet/af_packet.c: packet_seq_start / packet_seq_show).
//
// Kernel structures read here:
//   struct netns_packet { struct mutex sklist_lock; struct hlist_head sklist; }
//   struct packet_sock { struct sock sk; ...; int ifindex; __be16 num; running (bitfield, until 6.4)
//       or flags with PACKET_SOCK_RUNNING (6.4+) }

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, hlistNullsEntries, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { sockFields } from './sock.js';
import { ntohs } from './addr.js';
import { AF_PACKET, SOCK_TYPES } from './constants.js';
import type { SocketRow, SocketTable } from './socket-row.js';

export function packetSockets(k: Kernel, nets: NetNs[]): SocketTable {
  const rows: SocketRow[] = [];
  const problems: WalkProblem[] = [];
  const s = sockFields(k);
  const P = 'struct packet_sock';
  const sklist = k.field('struct net', 'packet.sklist');
  const ifindex = k.field(P, 'ifindex');
  const num = k.field(P, 'num');
  const running = k.tryField(P, 'running');
  const flags = k.tryField(P, 'flags');
  const runningBit = k.btf.findEnumerator('PACKET_SOCK_RUNNING')?.value;
  const rmem = k.field('struct sock', 'sk_backlog.rmem_alloc.counter');
  const uid = k.field('struct sock', 'sk_uid');
  for (const n of nets) {
    const where = `packet sklist (netns ${n.inode})`;
    let first: bigint;
    try {
      first = k.ptr(n.address, sklist);
    } catch (e) {
      problems.push(unreadable(where, n.address, e));
      continue;
    }
    for (const node of hlistNullsEntries(k.mem, first, { where, onProblem: (p) => problems.push(p) })) {
      const sk = node - s.node.offsetN;
      try {
        const type = k.num(sk, s.type);
        const isRunning = running
          ? k.num(sk, running)
          : flags && runningBit !== undefined
            ? Number((k.big(sk, flags) >> runningBit) & 1n)
            : 0;
        const proto = ntohs(k.num(sk, num));
        const dev = k.num(sk, ifindex);
        rows.push({
          proto: 'packet',
          sock: sk,
          kind: 'sock',
          family: AF_PACKET,
          state: isRunning ? 'RUNNING' : 'IDLE',
          stateNum: k.num(sk, s.state),
          localAddr: `0x${proto.toString(16).padStart(4, '0')}`,
          localPort: dev,
          remoteAddr: '',
          remotePort: 0,
          inode: s.inode(sk),
          netns: n.inode,
          rxQueue: k.num(sk, rmem),
          txQueue: 0,
          uid: k.num(sk, uid),
          type: SOCK_TYPES[type] ?? String(type),
          extra: { protocol: proto, ifindex: dev, running: isRunning },
        });
      } catch (e) {
        problems.push(unreadable(where, sk, e));
      }
    }
  }
  return { rows, problems };
}
