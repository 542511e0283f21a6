// TCP sockets: the established hash, the listening hash, the bind hash.
// Mirrors net/ipv4/tcp_ipv4.c (tcp_get_idx / established_get_first: what /proc/net/tcp walks,
// get_tcp4_sock / get_timewait4_sock / get_openreq4 for the columns) and
// include/net/inet_hashtables.h.
//
// Kernel structures read here:
//   struct inet_hashinfo { struct inet_ehash_bucket *ehash; unsigned int ehash_mask;
//       struct inet_bind_hashbucket *bhash; unsigned int bhash_size;
//       struct inet_listen_hashbucket *lhash2; unsigned int lhash2_mask;
//       struct inet_listen_hashbucket listening_hash[32];   /* until 5.19 */ }
//   struct inet_ehash_bucket { struct hlist_nulls_head chain; }
//   struct inet_listen_hashbucket { ...; hlist_head head | hlist_nulls_head nulls_head; }
//   struct netns_ipv4 { struct inet_timewait_death_row tcp_death_row (or *): hashinfo }  /* 6.1+: per-netns ehash */
//   struct tcp_sock { rcv_nxt, copied_seq, write_seq, snd_una }, struct sock { sk_ack_backlog, sk_uid }
//   struct inet_timewait_sock { __tw_common; tw_substate }, struct request_sock { __req_common; rsk_listener }

import { ObjView, decodeNum, type Field, type Kernel } from '../kernel/kernel.js';
import { readU64 } from '../kernel/u64.js';
import { unreadable, type WalkProblem } from '../kernel/walk.js';
import { readBucketsInAddressOrder, type BucketArray } from './hashtable.js';
import type { NetNs } from './netns.js';
import { sockFields, smallInt, tcpStateName, PendingInodes, type SockFields } from './sock.js';
import { TCP_LISTEN, TCP_NEW_SYN_RECV, TCP_TIME_WAIT, AF_INET6 } from './constants.js';
import type { SocketRow, SocketTable } from './socket-row.js';
import { perKernel } from '../kernel/memo.js';

const HI = 'struct inet_hashinfo';

/** Every distinct inet_hashinfo: the global tcp_hashinfo and any netns's own (6.1+ child ehash). */
export function tcpHashinfos(k: Kernel, nets: NetNs[]): bigint[] {
  const set = new Set<bigint>([k.symbol('tcp_hashinfo')]);
  const dr = k.tryField('struct net', 'ipv4.tcp_death_row');
  if (dr) {
    const isPtr = k.btf.kind(dr.typeId) === 2; // BTF_KIND_PTR: a pointer in some 6.x kernels
    const hf = k.field('struct inet_timewait_death_row', 'hashinfo');
    for (const n of nets) {
      try {
        const row = isPtr ? k.ptr(n.address, dr) : n.address + dr.offsetN;
        if (row === 0n) continue;
        const hi = k.ptr(row, hf);
        if (hi !== 0n) set.add(hi);
      } catch {
        // an unreadable netns keeps the global table only
      }
    }
  }
  return [...set];
}

/** Per-kernel readers for the TCP columns. */
class TcpReader {
  readonly s: SockFields;
  private readonly rcvNxt;
  private readonly copiedSeq;
  private readonly writeSeq;
  private readonly sndUna;
  private readonly ackBacklog;
  private readonly uid;
  private readonly twSubstate;
  private readonly rskListener;
  /** Bytes of a full socket the row reads (up to the last TCP field used). */
  readonly fullSpan: number;
  /** The struct sock fields and the tcp_sock fields a row reads, each group viewed on its own:
   *  one view of the whole span (~1.8 KiB on 6.1) straddles a page for about every other
   *  socket and is then copied into a new buffer; two short ones seldom are. */
  private readonly parts: ViewPart[];

  constructor(readonly k: Kernel) {
    this.s = sockFields(k);
    this.rcvNxt = k.field('struct tcp_sock', 'rcv_nxt');
    this.copiedSeq = k.field('struct tcp_sock', 'copied_seq');
    this.writeSeq = k.field('struct tcp_sock', 'write_seq');
    this.sndUna = k.field('struct tcp_sock', 'snd_una');
    this.ackBacklog = k.field('struct sock', 'sk_ack_backlog');
    this.uid = k.field('struct sock', 'sk_uid');
    this.twSubstate = k.field('struct inet_timewait_sock', 'tw_substate');
    this.rskListener = k.field('struct request_sock', '__req_common.skc_listener'); // #define rsk_listener
    const skIno = this.s.skIno ? [this.s.skIno] : [];
    const used = [this.rcvNxt, this.copiedSeq, this.writeSeq, this.sndUna, this.ackBacklog, this.uid, this.s.socket, ...skIno];
    this.fullSpan = Math.max(this.s.commonSize, ...used.map((f) => f.offset + f.size));
    this.parts = [viewPart([this.ackBacklog, this.uid, this.s.socket, ...skIno]), viewPart([this.rcvNxt, this.copiedSeq, this.writeSeq, this.sndUna])];
  }

  /** A row for any entry of the TCP hashes, by what its skc_state says it is. With `pending`,
   *  a full socket's inode is left for resolveInodes (read in address order) instead. */
  row(sk: bigint, pending?: PendingInodes): SocketRow {
    const k = this.k;
    const e = this.s.endpoints(sk); // TIME_WAIT and request socks are smaller than a full sock
    let kind: SocketRow['kind'] = 'sock';
    let state = e.state;
    let inode = 0;
    let rxQueue = 0;
    let txQueue = 0;
    let uid = 0;
    let socket = 0n;
    if (e.state === TCP_TIME_WAIT) {
      kind = 'timewait';
      state = k.num(sk, this.twSubstate);
    } else if (e.state === TCP_NEW_SYN_RECV) {
      kind = 'request';
      const listener = k.ptr(sk, this.rskListener);
      uid = listener ? k.num(listener, this.uid) : 0;
    } else {
      // a page view holds until the next read of another page: each part's fields are read
      // before the next part (or the inode) is. Read from the page at the part's offset, no
      // view object per part (two per socket, each garbage at once)
      const p0 = this.parts[0]!;
      const b0 = k.mem.viewBuf(sk, p0.len, p0.start);
      const o0 = k.mem.viewOff - p0.start;
      const backlog = e.state === TCP_LISTEN ? decodeNum(b0, o0 + this.ackBacklog.offset, this.ackBacklog) : 0;
      uid = decodeNum(b0, o0 + this.uid.offset, this.uid);
      const so = o0 + this.s.socket.offset;
      // sk_socket NULL (an orphan): both halves read, not the second only when the first is 0
      // (a branch first taken after the function is optimized deoptimizes it)
      const hasSocket = (b0.readUInt32LE(so) | b0.readUInt32LE(so + 4)) !== 0;
      const ino = this.s.skIno;
      if (ino) {
        // the sock holds its inode number (sk_ino): its socket is not read for it
        inode = smallInt(decodeNum(b0, o0 + ino.offset, ino));
        if (pending && hasSocket) this.s.noteSocket(readU64(b0, so), sk);
      } else if (!pending) inode = this.s.inodeOfView(new ObjView(b0, o0, sk));
      else if (hasSocket) socket = readU64(b0, so);
      const p1 = this.parts[1]!;
      const b1 = k.mem.viewBuf(sk, p1.len, p1.start);
      const o1 = k.mem.viewOff - p1.start;
      txQueue = (decodeNum(b1, o1 + this.writeSeq.offset, this.writeSeq) - decodeNum(b1, o1 + this.sndUna.offset, this.sndUna)) >>> 0;
      rxQueue = e.state === TCP_LISTEN ? backlog
        : Math.max((decodeNum(b1, o1 + this.rcvNxt.offset, this.rcvNxt) - decodeNum(b1, o1 + this.copiedSeq.offset, this.copiedSeq)) | 0, 0);
    }
    const row: SocketRow = {
      proto: e.family === AF_INET6 ? 'tcp6' : 'tcp',
      sock: sk,
      kind,
      family: e.family,
      // /proc/net/tcp prints a request sock as SYN_RECV (get_openreq4: TCP_SYN_RECV)
      state: kind === 'request' ? 'SYN_RECV' : tcpStateName(state),
      stateNum: state,
      localAddr: e.localAddr,
      localPort: e.localPort,
      remoteAddr: e.remoteAddr,
      remotePort: e.remotePort,
      inode,
      netns: e.netns,
      rxQueue,
      txQueue,
      uid,
    };
    if (socket !== 0n) pending!.push(row, socket);
    return row;
  }
}

/** Bytes [start, start + len) of an object, holding the fields of one group. */
interface ViewPart {
  start: number;
  len: number;
}

function viewPart(fields: Field[]): ViewPart {
  const start = Math.min(...fields.map((f) => f.offset));
  const end = Math.max(...fields.map((f) => f.offset + f.size));
  return { start, len: end - start };
}

const reader = perKernel((k) => new TcpReader(k));

export function tcpRow(k: Kernel, sk: bigint): SocketRow {
  return reader(k).row(sk);
}

/** Every bucket of an ehash: full sockets, TIME_WAIT and NEW_SYN_RECV entries. */
export function ehashBuckets(k: Kernel, hashinfo: bigint): BucketArray {
  return {
    name: 'tcp ehash',
    first: k.ptr(hashinfo, k.field(HI, 'ehash')) + k.off('struct inet_ehash_bucket', 'chain'),
    count: k.num(hashinfo, k.field(HI, 'ehash_mask')) + 1,
    stride: BigInt(k.sizeof('struct inet_ehash_bucket')),
    nodeOffset: reader(k).s.nullsNode.offsetN,
  };
}

/**
 * Listening sockets. Before 5.19 every listener is on listening_hash[] (by port) — and also on
 * lhash2 through icsk_listen_portaddr_node; from 5.19 (commit "net: inet: Retire port only
 * listening_hash") only on lhash2, linked by sk_nulls_node. Walk exactly one of them.
 */
export function listeningBuckets(k: Kernel, hashinfo: bigint): BucketArray {
  const s = reader(k).s;
  const LB = 'struct inet_listen_hashbucket';
  // head (hlist) and nulls_head (hlist_nulls) share a union; the walk handles both endings.
  const headOff = (k.tryField(LB, 'nulls_head') ?? k.field(LB, 'head')).offsetN;
  const stride = BigInt(k.sizeof(LB));
  const lh = k.tryField(HI, 'listening_hash');
  if (lh) {
    return { name: 'tcp listening_hash', first: hashinfo + lh.offsetN + headOff, count: k.btf.array(lh.typeId).nelems,
      stride, nodeOffset: s.node.offsetN };
  }
  const portaddr = k.tryField('struct inet_connection_sock', 'icsk_listen_portaddr_node');
  const b: BucketArray = {
    name: 'tcp lhash2',
    first: k.ptr(hashinfo, k.field(HI, 'lhash2')) + headOff,
    count: k.num(hashinfo, k.field(HI, 'lhash2_mask')) + 1,
    stride,
    nodeOffset: portaddr ? portaddr.offsetN : s.nullsNode.offsetN,
  };
  // A vendor kernel may keep icsk_listen_portaddr_node for kABI while linking by sk_nulls_node
  // (or the reverse): take the link whose first entry is a listening TCP socket.
  if (portaddr && !firstEntryListens(k, b)) {
    const other = { ...b, nodeOffset: s.nullsNode.offsetN };
    if (firstEntryListens(k, other)) return other;
  }
  return b;
}

/** Whether the first entry of the first non-empty bucket looks like a TCP listener. */
function firstEntryListens(k: Kernel, b: BucketArray): boolean {
  const s = reader(k).s;
  for (let i = 0; i < b.count; i++) {
    let first: bigint;
    try {
      first = k.mem.ptr(b.first + BigInt(i) * b.stride);
    } catch {
      continue;
    }
    if (first === 0n || first & 1n) continue;
    try {
      const sk = first - b.nodeOffset;
      const fam = k.num(sk, s.family);
      return k.num(sk, s.state) === TCP_LISTEN && (fam === 2 || fam === AF_INET6);
    } catch {
      return false;
    }
  }
  return true; // no listeners at all: nothing to choose between
}

function collect(k: Kernel, b: BucketArray, rows: SocketRow[], problems: WalkProblem[]): void {
  const r = reader(k);
  const pending = new PendingInodes();
  const mine: SocketRow[] = [];
  readBucketsInAddressOrder(k, b, (sk) => r.row(sk, pending), problems, mine, r.fullSpan);
  const failed = r.s.resolveInodes(pending, b.name, problems);
  for (let i = 0; i < mine.length; i++) if (failed.size === 0 || !failed.has(mine[i]!)) rows.push(mine[i]!);
}

/** All TCP sockets of all namespaces: listeners first, then the established hash, as /proc does. */
export function tcpSockets(k: Kernel, nets: NetNs[]): SocketTable {
  const rows: SocketRow[] = [];
  const problems: WalkProblem[] = [];
  const lhash = k.tryField(HI, 'lhash2');
  const seenListeners = new Set<bigint>();
  for (const hi of tcpHashinfos(k, nets)) {
    try {
      // A netns's own hashinfo shares the global listening hash (inet_pernet_hashinfo_alloc).
      const lkey = lhash ? k.ptr(hi, lhash) : hi;
      if (!seenListeners.has(lkey)) {
        seenListeners.add(lkey);
        collect(k, listeningBuckets(k, hi), rows, problems);
      }
      collect(k, ehashBuckets(k, hi), rows, problems);
    } catch (e) {
      problems.push(unreadable('tcp hashinfo', hi, e));
    }
  }
  return { rows, problems };
}
