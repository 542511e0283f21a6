// Netlink sockets: the per-protocol tables nl_table[MAX_LINKS], each an rhashtable of
// netlink_sock by portid (net/netlink/af_netlink.c: netlink_walk_start / netlink_seq_show,
// what /proc/net/netlink and ss -f netlink show).
//
// Kernel structures read here:
//   struct netlink_table *nl_table;   /* MAX_LINKS (32) entries, include/uapi/linux/netlink.h */
//   struct netlink_table { struct rhashtable hash; ... }
//   struct netlink_sock { struct sock sk; u32 portid, dst_portid, dst_group; ...;
//       unsigned long *groups; ...; bool cb_running; ...; struct rhash_head node; }

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, type WalkProblem } from '../kernel/walk.js';
import { rhashtableObjects } from './rhashtable.js';
import { sockFields } from './sock.js';
import type { SocketRow, SocketTable } from './socket-row.js';

const MAX_LINKS = 32;
const AF_NETLINK = 16;

/** Protocol names as ss prints them (misc/ss.c: nl_proto_n2a). */
export const NETLINK_NAMES: Record<number, string> = {
  0: 'rtnl', 1: 'unused', 2: 'usersock', 3: 'fw', 4: 'tcpdiag', 5: 'nflog', 6: 'xfrm', 7: 'selinux', 8: 'iscsi',
  9: 'audit', 10: 'fiblookup', 11: 'connector', 12: 'nft', 13: 'ip6fw', 14: 'dec-rt', 15: 'uevent', 16: 'genl',
  18: 'scsi-trans', 19: 'ecryptfs', 20: 'rdma', 21: 'crypto', 22: 'smc',
};

export function netlinkSockets(k: Kernel): SocketTable {
  const rows: SocketRow[] = [];
  const problems: WalkProblem[] = [];
  const table = k.mem.ptr(k.symbol('nl_table'));
  const T = 'struct netlink_table';
  const N = 'struct netlink_sock';
  const stride = BigInt(k.sizeof(T));
  const hash = k.off(T, 'hash');
  const node = k.off(N, 'node');
  const f = {
    portid: k.field(N, 'portid'),
    dstPortid: k.field(N, 'dst_portid'),
    groups: k.field(N, 'groups'),
    protocol: k.field('struct sock', 'sk_protocol'),
    rmem: k.field('struct sock', 'sk_backlog.rmem_alloc.counter'),
    wmem: k.field('struct sock', 'sk_wmem_alloc.refs.counter'),
    uid: k.field('struct sock', 'sk_uid'),
  };
  const s = sockFields(k);
  for (let p = 0; p < MAX_LINKS; p++) {
    const name = `nl_table[${p}]`;
    try {
      for (const sk of rhashtableObjects(k, table + BigInt(p) * stride + hash, node, name, problems)) {
        try {
          const groups = k.ptr(sk, f.groups);
          const protocol = k.num(sk, f.protocol);
          const portid = k.num(sk, f.portid);
          rows.push({
            proto: 'netlink',
            sock: sk,
            kind: 'sock',
            family: AF_NETLINK,
            state: k.num(sk, s.state) === 1 ? 'ESTABLISHED' : 'UNCONN',
            stateNum: k.num(sk, s.state),
            localAddr: NETLINK_NAMES[protocol] ?? String(protocol),
            localPort: portid,
            remoteAddr: '',
            remotePort: k.num(sk, f.dstPortid),
            inode: s.inode(sk),
            netns: s.netnsOf(s.netOf(sk)),
            rxQueue: k.num(sk, f.rmem),
            txQueue: k.num(sk, f.wmem) - 1,
            uid: k.num(sk, f.uid),
            extra: { protocol, portid, groups: groups ? k.mem.u32(groups) : 0 },
          });
        } catch (e) {
          problems.push(unreadable(name, sk, e));
        }
      }
    } catch (e) {
      problems.push(unreadable(name, table, e));
    }
  }
  return { rows, problems };
}
