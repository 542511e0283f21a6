// UNIX sockets. Before 6.0 one global table, unix_socket_table[2 * UNIX_HASH_SIZE]; from 6.0
// (commit "af_unix: Put a socket into a per-netns hash table") each netns has
// net->unx.table.buckets with the same number of buckets. Both hold every socket (bound
// ones by name hash, unbound ones in the upper half), linked by sk_node.
// Columns as net/unix/af_unix.c: unix_seq_show prints them.
//
// Kernel structures read here:
//   struct unix_sock { struct sock sk; struct unix_address *addr; ...; struct sock *peer; }
//   struct unix_address { refcount_t refcnt; int len; struct sockaddr_un name[]; }
//   struct netns_unix { struct unix_table table { locks; struct hlist_head *buckets; } }

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, listEntries, type WalkProblem } from '../kernel/walk.js';
import type { NetNs } from './netns.js';
import { readBucketsInAddressOrder } from './hashtable.js';
import { sockFields, tcpStateName } from './sock.js';
import { TCP_ESTABLISHED, TCP_LISTEN, AF_UNIX, SOCK_TYPES } from './constants.js';
import type { SocketRow, SocketTable } from './socket-row.js';

/** 2 * UNIX_HASH_SIZE (include/net/af_unix.h: 256 hashed + 256 unbound, 5.x and 6.x alike). */
const UNIX_BUCKETS = 512;
const SOCK_DGRAM = 2;

// include/uapi/linux/net.h: socket_state
const SS_NAMES = ['FREE', 'UNCONNECTED', 'CONNECTING', 'CONNECTED', 'DISCONNECTING'];

export function unixSockets(k: Kernel, nets: NetNs[]): SocketTable {
  const rows: SocketRow[] = [];
  const problems: WalkProblem[] = [];
  const s = sockFields(k);
  const stride = BigInt(k.sizeof('struct hlist_head'));
  const perNetns = k.tryField('struct net', 'unx.table.buckets');
  const tables: { name: string; first: bigint }[] = [];
  if (perNetns) {
    for (const n of nets) {
      try {
        tables.push({ name: `unix table (netns ${n.inode})`, first: k.ptr(n.address, perNetns) });
      } catch (e) {
        problems.push(unreadable(`unix table (netns ${n.inode})`, n.address, e));
      }
    }
  } else {
    tables.push({ name: 'unix_socket_table', first: k.symbol('unix_socket_table') });
  }
  const reader = new UnixReader(k);
  for (const t of tables) {
    const b = { name: t.name, first: t.first, count: UNIX_BUCKETS, stride, nodeOffset: s.node.offsetN };
    readBucketsInAddressOrder(k, b, (sk) => reader.row(sk), problems, rows);
  }
  return { rows, problems };
}

class UnixReader {
  private readonly s;
  private readonly addr;
  private readonly peer;
  private readonly addrLen;
  private readonly sunPath: bigint;
  private readonly qlen;
  private readonly uid;
  private readonly rq: bigint;
  private readonly skbLen;
  private readonly maxAck;
  private readonly wmem;

  constructor(readonly k: Kernel) {
    this.s = sockFields(k);
    this.addr = k.field('struct unix_sock', 'addr');
    this.peer = k.field('struct unix_sock', 'peer');
    this.addrLen = k.field('struct unix_address', 'len');
    this.sunPath = k.off('struct unix_address', 'name') + k.off('struct sockaddr_un', 'sun_path');
    this.qlen = k.field('struct sock', 'sk_receive_queue.qlen');
    this.uid = k.field('struct sock', 'sk_uid');
    this.rq = k.off('struct sock', 'sk_receive_queue');
    this.skbLen = k.field('struct sk_buff', 'len');
    this.maxAck = k.field('struct sock', 'sk_max_ack_backlog');
    this.wmem = k.field('struct sock', 'sk_wmem_alloc.refs.counter');
  }

  // Recv-Q/Send-Q as ss -x shows them (net/unix/diag.c: sk_diag_show_rqlen): a listener's
  // pending connections and backlog; otherwise unix_inq_len() — bytes queued (STREAM,
  // SEQPACKET) or the first datagram's size (DGRAM) — and unix_outq_len() = sk_wmem_alloc - 1.
  private queues(sk: bigint, state: number, type: number): [number, number] {
    const k = this.k;
    if (state === TCP_LISTEN) return [k.num(sk, this.qlen), k.num(sk, this.maxAck)];
    const tx = Math.max(k.num(sk, this.wmem) - 1, 0);
    const head = sk + this.rq;
    let rx = 0;
    for (const skb of listEntries(k.mem, head, { where: 'unix receive queue', limit: 100_000 })) {
      rx += k.num(skb, this.skbLen);
      if (type === SOCK_DGRAM) break; // the first datagram only
    }
    return [rx, tx];
  }

  row(sk: bigint): SocketRow {
    const k = this.k;
    const s = this.s;
    const state = k.num(sk, s.state);
    const type = k.num(sk, s.type);
    const hasSocket = k.ptr(sk, s.socket) !== 0n;
    const st = hasSocket ? (state === TCP_ESTABLISHED ? 3 : 1) : state === TCP_ESTABLISHED ? 2 : 4;
    const net = s.netOf(sk);
    const peer = k.ptr(sk, this.peer);
    const path = this.path(k.ptr(sk, this.addr));
    const [rx, tx] = this.queues(sk, state, type);
    return {
      proto: 'unix',
      sock: sk,
      kind: 'sock',
      family: AF_UNIX,
      state: state === TCP_LISTEN ? 'LISTEN' : SS_NAMES[st],
      stateNum: state,
      localAddr: path ?? '',
      localPort: 0,
      remoteAddr: '',
      remotePort: 0,
      inode: s.inode(sk),
      netns: s.netnsOf(net),
      rxQueue: rx,
      txQueue: tx,
      uid: k.num(sk, this.uid),
      path,
      type: SOCK_TYPES[type] ?? String(type),
      extra: { st, skState: tcpStateName(state), peer: peer ? '0x' + peer.toString(16) : '', peerInode: peer ? s.inode(peer) : 0 },
    };
  }

  /** The bound name as /proc/net/unix prints it: '@' for abstract, NULs inside shown as '@'. */
  private path(addr: bigint): string | undefined {
    if (addr === 0n) return undefined;
    const len = this.k.num(addr, this.addrLen) - 2; // minus sun_family
    if (len <= 0) return undefined;
    const bytes = this.k.mem.read(addr + this.sunPath, Math.min(len, 108));
    if (bytes[0] !== 0) {
      const end = bytes.indexOf(0);
      return bytes.toString('latin1', 0, end < 0 ? bytes.length : end);
    }
    let out = '@';
    for (let i = 1; i < bytes.length; i++) out += bytes[i] ? String.fromCharCode(bytes[i]) : '@';
    return out;
  }
}
