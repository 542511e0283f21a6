// The packet-handler view (--devpack): every struct packet_type of the selected namespaces,
// in /proc/net/ptype's order, then the per-device ones it hides; AF_PACKET handlers name the
// socket and the processes that hold it.

import type { PtypeRow } from '../net/ptype.js';
import { ptypeLine } from '../net/ptype.js';
import type { Owner } from '../net/owners.js';
import type { Tables } from './tables.js';
import type { RowSpec } from './table.js';

export type { PtypeRow };
export { ptypeLine };

export function devpackRows(t: Tables, netns: number[]): PtypeRow[] {
  return t.packetHandlers().rows.filter((r) => netns.includes(r.netns));
}

const ownerText = (os: Owner[]) => (os.length ? [...new Set(os.map((o) => `${o.pid}/${o.comm}`))].join(',') : '-');

export function devpackSpec(t: Tables): RowSpec<PtypeRow> {
  const owners = (r: PtypeRow) => (r.sock === null ? [] : t.ownersOf(r.sock));
  return {
    columns: [
      { key: 'type', title: 'Type', text: (r) => r.type },
      { key: 'device', title: 'Device', text: (r) => r.device, json: (r) => r.device || null },
      { key: 'func', title: 'Function', text: (r) => r.func },
      { key: 'module', title: 'Module', text: (r) => r.module || '-', json: (r) => r.module || null },
      { key: 'list', title: 'List', text: (r) => r.list + (r.inProc ? '' : ' (not in /proc/net/ptype)'), json: (r) => r.list },
      { key: 'owner', title: 'Owner', text: (r) => (r.sock === null ? '' : ownerText(owners(r))), json: (r) => (r.sock === null ? null : ownerText(owners(r))) },
    ],
    extra: (r) => ({
      netns: r.netns, inProc: r.inProc, packetType: '0x' + r.address.toString(16), sock: r.sock === null ? null : '0x' + r.sock.toString(16),
      owners: owners(r).map((o) => ({ pid: o.pid, comm: o.comm, fd: o.fd })),
    }),
    ref: (r) => (r.sock !== null ? { kind: 'sock', address: r.sock } : { kind: 'struct', type: 'struct packet_type', address: r.address }),
  };
}
