// Everything known about one socket, as data: its -v fields, sk_user_data, owners, and at
// -vv its queues, a listener's accept and SYN queues, a UNIX socket's peer. The report layer
// prints it as -v blocks and as the drill-down view.

import type { SocketRow } from '../net/socket-row.js';
import type { Owner } from '../net/owners.js';
import { socketDetails, userData, type Fields, type UserData } from '../net/sock-info.js';
import { socketQueues, acceptQueue, synQueue, unixPeer, type QueueView, type AcceptEntry } from '../net/queues.js';
import type { WalkProblem } from '../kernel/walk.js';
import { sockProto, type SockProto } from '../net/sock-proto.js';
import type { Session } from './session.js';
import { conntrackOfSocket, type ConntrackRow } from './conntrack.js';

export type { QueueView, UserData, Fields };

export interface SocketDetail {
  row: SocketRow;
  owners: Owner[];
  /** sk_prot->name and the struct its obj_size says the socket is (full sockets only). */
  proto?: SockProto;
  fields?: Fields;
  userData?: UserData;
  /** The struct sk_user_data points to, when its type is known to BTF (openable). */
  userDataOpenable: boolean;
  /** Why the details could not all be read. */
  error?: string;
  /** level ≥ 2: */
  queues: QueueView[];
  accept?: { entries: AcceptEntry[]; rows: SocketRow[]; problems: WalkProblem[] };
  syn?: SocketRow[];
  peer?: bigint;
  peerRow?: SocketRow;
  /** The socket's conntrack entry (its 4-tuple, either direction, NAT included), when tracked. */
  conntrack?: ConntrackRow;
}

/** One socket's details; `queues` adds the -vv parts (queues, accept/SYN queues, peer). */
export function socketDetail(s: Session, r: SocketRow, queues: boolean): SocketDetail {
  const k = s.kernel;
  const t = s.tables;
  const d: SocketDetail = { row: r, owners: t.ownersOf(r.sock), queues: [], userDataOpenable: false };
  try {
    if (r.kind === 'sock') d.proto = sockProto(k, r.sock);
    d.fields = socketDetails(k, r, t.clock());
    if (r.kind === 'sock') {
      d.userData = userData(k, r.sock);
      d.userDataOpenable = !!d.userData?.type && k.typeRef(d.userData.type) !== undefined;
    }
    if (queues && r.kind === 'sock') {
      d.queues = socketQueues(k, r.sock, r.proto.startsWith('tcp'));
      if (r.state === 'LISTEN' && r.proto.startsWith('tcp')) {
        const aq = acceptQueue(k, r.sock);
        d.accept = { ...aq, rows: aq.entries.flatMap((e) => (e.row ? [e.row] : [])) };
        d.syn = synQueue(k, r.sock, t.sockets('tcp').rows);
      }
      if (r.proto.startsWith('tcp') || r.proto.startsWith('udp')) d.conntrack = conntrackOfSocket(t, r);
      if (r.proto === 'unix') {
        const peer = unixPeer(k, r.sock);
        if (peer) {
          d.peer = peer;
          d.peerRow = t.findSocket(peer);
        }
      }
    }
  } catch (e) {
    d.error = (e as Error).message;
  }
  return d;
}
