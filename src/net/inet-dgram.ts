// Row builder shared by UDP and RAW: both print sk_wmem_alloc - 1 as tx_queue and the receive
// memory as rx_queue (net/ipv4/udp.c: udp4_format_sock; net/ipv4/raw.c: raw_sock_seq_show).

import type { Kernel, Field } from '../kernel/kernel.js';
import { sockFields, tcpStateName, type SockFields } from './sock.js';
import { AF_INET6 } from './constants.js';
import type { Proto, SocketRow } from './socket-row.js';
import { perKernel } from '../kernel/memo.js';

export class DgramReader {
  readonly s: SockFields;
  private readonly wmem: Field;
  private readonly rmem: Field;
  private readonly uid: Field;
  /** struct udp_sock.forward_deficit: subtracted from rx_queue (udp_rqueue_get, 4.18+). */
  private readonly forwardDeficit?: Field;
  private readonly span: number;

  constructor(readonly k: Kernel) {
    this.s = sockFields(k);
    this.wmem = k.field('struct sock', 'sk_wmem_alloc.refs.counter');
    this.rmem = k.field('struct sock', 'sk_backlog.rmem_alloc.counter');
    this.uid = k.field('struct sock', 'sk_uid');
    this.forwardDeficit = k.tryField('struct udp_sock', 'forward_deficit');
    const used = [this.wmem, this.rmem, this.uid, this.s.socket];
    this.span = Math.max(this.s.commonSize, ...used.map((f) => f.offset + f.size));
  }

  /** `udp`: subtract udp_sock.forward_deficit (UDP, UDP-Lite only: a ping socket is a plain
   *  inet_sock, ping_prot.obj_size); `remotePort`: print the peer port (UDP and ping; RAW
   *  prints 0). */
  row(sk: bigint, proto4: Proto, proto6: Proto, kind: { udp: boolean; remotePort: boolean }): SocketRow {
    const k = this.k;
    // The view's members before any other read: the view is into a cached page, which other
    // reads (the netns, the inode, forward_deficit) may evict and the cache reuse. The inode
    // reads sk_socket again, from the cache.
    const v = k.view(sk, this.span);
    let rx = v.num(this.rmem);
    const tx = v.num(this.wmem) - 1;
    const uid = v.num(this.uid);
    const e = this.s.endpointsOf(v);
    if (kind.udp && this.forwardDeficit) rx -= k.num(sk, this.forwardDeficit);
    return {
      proto: e.family === AF_INET6 ? proto6 : proto4,
      sock: sk,
      kind: 'sock',
      family: e.family,
      state: tcpStateName(e.state),
      stateNum: e.state,
      localAddr: e.localAddr,
      localPort: e.localPort,
      remoteAddr: e.remoteAddr,
      remotePort: kind.remotePort ? e.remotePort : 0,
      netns: e.netns,
      inode: this.s.inode(sk),
      rxQueue: rx,
      txQueue: tx,
      uid,
    };
  }
}

export const dgramReader: (k: Kernel) => DgramReader = perKernel((k) => new DgramReader(k));
