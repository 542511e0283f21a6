// The parts of a socket every table shares: struct sock_common (include/net/sock.h) —
// addresses, ports, family, state, netns — and the socket's inode (net/socket.c: sock_i_ino,
// SOCK_INODE: struct socket_alloc { struct socket socket; struct inode vfs_inode; }).
// Full sockets, inet_timewait_sock and request_sock all begin with a sock_common.

import { decodeNum, type Kernel, type Field, type ObjView } from '../kernel/kernel.js';
import { ipv4FromLE, ipv6, ntohs } from './addr.js';

import { TCP_STATES, AF_INET6 } from './constants.js';
import { perKernel } from '../kernel/memo.js';
import { readInAddressOrder, unreadable, type WalkProblem } from '../kernel/walk.js';
import { sortedOrder } from '../kernel/u64.js';

export function tcpStateName(n: number): string {
  return TCP_STATES[n] || `STATE_${n}`;
}

/** Rows whose inodes are read later, with the others (SockFields.resolveInodes): two
 *  columns, not an object per row (they live through the whole walk of a table). */
export class PendingInodes {
  readonly rows: { inode: number; sock: bigint }[] = [];
  /** Each row's struct sock.sk_socket (not NULL). */
  readonly sockets: bigint[] = [];

  push(row: { inode: number; sock: bigint }, socket: bigint): void {
    this.rows.push(row);
    this.sockets.push(socket);
  }
}

/** struct socket pointers and the sk each holds, in two columns. */
export interface SocketSks {
  sockets: bigint[];
  sks: bigint[];
  /** socket->file (0n: none): the file an fd of the socket's holder points to. */
  files: bigint[];
}

/** The endpoint fields of a sock_common, decoded. */
export interface Endpoints {
  family: number;
  state: number;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  netns: number;
  /** `struct net *` the socket belongs to. */
  net: bigint;
}

const SC = 'struct sock_common';

/** Distinct address texts kept for sharing (SockFields.v4Text). */
const ADDR_TEXTS = 4096;

/** Resolved once per kernel: offsets of the sock_common/sock members walkers read. */
export class SockFields {
  readonly family: Field;
  readonly state: Field;
  readonly daddr: Field;
  readonly rcvSaddr: Field;
  readonly dport: Field;
  readonly num: Field;
  readonly net: Field;
  readonly v6daddr?: Field;
  readonly v6rcvSaddr?: Field;
  readonly nullsNode: Field; // skc_nulls_node, same place as skc_node
  readonly node: Field;
  readonly bindNode: Field;
  readonly refcnt: Field;
  readonly socket: Field; // struct sock.sk_socket
  readonly type: Field; // struct sock.sk_type
  readonly inodeOfSocket: bigint; // offsetof(struct socket_alloc, vfs_inode)
  readonly iIno: Field;
  /** struct sock.sk_ino, where the kernel keeps a copy of the inode number for sock_i_ino()
   *  (include/net/sock.h, 6.18+): then read from the sock itself, not from its socket_alloc. */
  readonly skIno?: Field;
  /** offsetof(struct socket_alloc, vfs_inode.i_ino), a number. */
  private readonly inodeAt: number;
  readonly inum: Field;
  /** sizeof(struct sock_common): the view every table row starts from. */
  readonly commonSize: number;
  /** struct socket * and its sk, as read by resolveInodes, until the owner index takes them:
   *  two columns (a Map of 100,000 bigint keys outlived the walk, and had to be collected). */
  private socketSk: SocketSks = { sockets: [], sks: [], files: [] };
  private readonly socketSkField: Field;
  private readonly socketFileField: Field;
  private readonly netnsCache = new Map<bigint, number>();
  private lastNet = -1n;
  private lastNetns = 0;
  /** Address texts made so far (a large table has few distinct addresses, and each row keeps
   *  two: shared, not 200,000 strings). Bounded: cleared when it grows past ADDR_TEXTS. */
  private readonly v4Texts = new Map<number, string>();
  private readonly v6Texts = new Map<string, string>();

  constructor(readonly k: Kernel) {
    this.family = k.field(SC, 'skc_family');
    this.state = k.field(SC, 'skc_state');
    this.daddr = k.field(SC, 'skc_daddr');
    this.rcvSaddr = k.field(SC, 'skc_rcv_saddr');
    this.dport = k.field(SC, 'skc_dport');
    this.num = k.field(SC, 'skc_num');
    this.net = k.field(SC, 'skc_net');
    this.v6daddr = k.tryField(SC, 'skc_v6_daddr'); // absent without CONFIG_IPV6
    this.v6rcvSaddr = k.tryField(SC, 'skc_v6_rcv_saddr');
    this.nullsNode = k.field(SC, 'skc_nulls_node');
    this.node = k.field(SC, 'skc_node');
    this.bindNode = k.field(SC, 'skc_bind_node');
    this.refcnt = k.field(SC, 'skc_refcnt');
    this.socket = k.field('struct sock', 'sk_socket');
    this.type = k.field('struct sock', 'sk_type');
    this.inodeOfSocket = k.off('struct socket_alloc', 'vfs_inode');
    this.iIno = k.field('struct inode', 'i_ino');
    this.skIno = k.tryField('struct sock', 'sk_ino');
    this.inodeAt = Number(this.inodeOfSocket) + this.iIno.offset;
    this.inum = k.field('struct net', 'ns.inum');
    this.commonSize = k.sizeof(SC);
    this.socketSkField = k.field('struct socket', 'sk');
    this.socketFileField = k.field('struct socket', 'file');
  }

  /** Inode number of a netns, cached by `struct net *` (and the last one asked, since most
   *  sockets in a row share their netns and a bigint-keyed Map lookup is not free). */
  netnsOf(net: bigint): number {
    if (net === this.lastNet) return this.lastNetns;
    let n = this.netnsCache.get(net);
    if (n === undefined) {
      try {
        n = this.k.num(net, this.inum);
      } catch {
        n = NaN; // the struct net is not in the dump: its sockets are still listed, netns a gap ('?')
      }
      this.netnsCache.set(net, n);
    }
    this.lastNet = net;
    this.lastNetns = n;
    return n;
  }

  /** The `struct net *` of any sock_common (possible_net_t holds one pointer). */
  netOf(sk: bigint): bigint {
    return this.netAt(sk, this.net);
  }

  /** A possible_net_t member: empty without CONFIG_NET_NS (include/net/net_namespace.h), when
   *  everything belongs to init_net. */
  netAt(addr: bigint, f: Field): bigint {
    return f.size === 0 ? this.k.symbol('init_net') : this.k.ptr(addr, f);
  }

  endpoints(sk: bigint): Endpoints {
    return this.endpointsOf(this.k.view(sk, this.commonSize));
  }

  /** Endpoints from a view that holds at least the sock_common. */
  endpointsOf(v: ObjView): Endpoints {
    const family = v.num(this.family);
    const net = this.net.size === 0 ? this.k.symbol('init_net') : v.ptr(this.net);
    let localAddr: string;
    let remoteAddr: string;
    if (family === AF_INET6 && this.v6rcvSaddr && this.v6daddr) {
      localAddr = this.v6Text(ipv6(v.buf, v.off + this.v6rcvSaddr.offset));
      remoteAddr = this.v6Text(ipv6(v.buf, v.off + this.v6daddr.offset));
    } else {
      localAddr = this.v4Text(v.num(this.rcvSaddr));
      remoteAddr = this.v4Text(v.num(this.daddr));
    }
    return {
      family,
      state: v.num(this.state),
      localAddr,
      localPort: v.num(this.num),
      remoteAddr,
      remotePort: ntohs(v.num(this.dport)),
      net,
      netns: this.netnsOf(net),
    };
  }

  private v4Text(le: number): string {
    let t = this.v4Texts.get(le);
    if (t === undefined) {
      if (this.v4Texts.size >= ADDR_TEXTS) this.v4Texts.clear();
      t = ipv4FromLE(le);
      this.v4Texts.set(le, t);
    }
    return t;
  }

  private v6Text(made: string): string {
    const t = this.v6Texts.get(made);
    if (t !== undefined) return t;
    if (this.v6Texts.size >= ADDR_TEXTS) this.v6Texts.clear();
    this.v6Texts.set(made, made);
    return made;
  }

  // include/net/sock.h: sock_i_ino() — READ_ONCE(sk->sk_ino) where the sock has it (set by
  // sk_set_socket(), 0 once orphaned); before, SOCK_INODE(sk->sk_socket)->i_ino or 0.
  /** sock_i_ino(): the inode of the socket's file, 0 for sockets without one. */
  inode(sk: bigint): number {
    if (this.skIno) return smallInt(decodeNum(this.k.mem.viewBuf(sk, this.skIno.size, this.skIno.offset), this.k.mem.viewOff, this.skIno));
    return this.inodeOf(this.k.ptr(sk, this.socket));
  }

  /** sock_i_ino() from a view of the full sock. */
  inodeOfView(v: ObjView): number {
    if (this.skIno) return smallInt(v.num(this.skIno));
    return v.isNull(this.socket) ? 0 : this.inodeOf(v.ptr(this.socket));
  }

  /** A socket → sk pair read from the sock (sk->sk_socket) where sk_ino spared reading the
   *  socket: the owner index then needs not read the socket for its sk (its file it reads). */
  noteSocket(socket: bigint, sk: bigint): void {
    this.socketSk.sockets.push(socket);
    this.socketSk.sks.push(sk);
    this.socketSk.files.push(0n);
  }

  /** sock_i_ino() for many sockets at once, read in address order of their struct socket
   *  (the inodes of a large table sit in pages of their own, which a walk in socket order
   *  would visit at random): fills each row's inode; a row whose inode cannot be read is one
   *  problem and is returned, for the caller to drop, as a row that fails to read. */
  resolveInodes(pending: PendingInodes, where: string, problems: WalkProblem[]): Set<PendingInodes['rows'][number]> {
    const failed = new Set<PendingInodes['rows'][number]>();
    const rows = pending.rows;
    readInAddressOrder(this.k.mem, pending.sockets, (socket, i) => {
      const row = rows[i]!;
      try {
        row.inode = this.inodeOf(socket);
        // socket->sk and socket->file from the same object while its page is at hand: the
        // owner index (owners.ts) then need not come back to these pages, nor read the
        // socket's struct file. (The row's own bigint when they agree, as they do but for a
        // socket caught mid-change: one object, not two.)
        const sk = this.k.ptr(socket, this.socketSkField);
        this.socketSk.sockets.push(socket);
        this.socketSk.sks.push(sk === row.sock ? row.sock : sk);
        this.socketSk.files.push(this.k.ptr(socket, this.socketFileField));
      } catch (e) {
        problems.push(unreadable(where, row.sock, e));
        failed.add(row);
      }
    }, Number(this.inodeOfSocket) + this.iIno.offset + this.iIno.size);
    return failed;
  }

  /** The struct socket → sk and file read so far, in ascending socket order (equal sockets in
   *  the order read), handed over once (ownerIndex): held no longer than the index is being built. */
  takeSocketSk(): SocketSks {
    const { sockets, sks, files } = this.socketSk;
    this.socketSk = { sockets: [], sks: [], files: [] };
    const order = sortedOrder(sockets);
    const out: SocketSks = { sockets: new Array(order.length), sks: new Array(order.length), files: new Array(order.length) };
    for (let i = 0; i < order.length; i++) {
      out.sockets[i] = sockets[order[i]!]!;
      out.sks[i] = sks[order[i]!]!;
      out.files[i] = files[order[i]!]!;
    }
    return out;
  }

  private inodeOf(sock: bigint): number {
    if (sock === 0n) return 0;
    // i_ino is an unsigned long (the inode's offset as viewBuf's `plus`: no bigint sum per
    // socket)
    const f = this.iIno;
    return smallInt(decodeNum(this.k.mem.viewBuf(sock, f.size, this.inodeAt), this.k.mem.viewOff, f));
  }
}

/** An inode number decoded with a multiply, made a small integer again when it is one: a row
 *  then stores it inline rather than in a number box of its own. */
export function smallInt(n: number): number {
  return n < 0x4000_0000 ? n | 0 : n;
}

/** One SockFields per kernel (they are pure functions of the BTF). */
export const sockFields: (k: Kernel) => SockFields = perKernel((k) => new SockFields(k));
