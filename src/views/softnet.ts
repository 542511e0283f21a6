// The softnet view (--softnet): one row per possible CPU from struct softnet_data, the
// /proc/net/softnet_stat counters by name plus the queues it does not print.

import type { SoftnetRow } from '../net/softnet.js';
import { softnetStatLine } from '../net/softnet.js';
import type { RowSpec } from './table.js';
import { GAP } from './table.js';

export type { SoftnetRow };
export { softnetStatLine };

const n = (v: number) => String(v);

export const SOFTNET_SPEC: RowSpec<SoftnetRow> = {
  columns: [
    { key: 'cpu', title: 'CPU', align: 'right', text: (r) => n(r.cpu), json: (r) => r.cpu },
    { key: 'online', title: 'Online', text: (r) => (r.online === null ? GAP : r.online ? 'yes' : 'no'), json: (r) => r.online },
    { key: 'processed', title: 'Processed', align: 'right', text: (r) => n(r.processed), json: (r) => r.processed },
    { key: 'dropped', title: 'Dropped', align: 'right', text: (r) => n(r.dropped), json: (r) => r.dropped },
    { key: 'timeSqueeze', title: 'Squeezed', align: 'right', text: (r) => n(r.timeSqueeze), json: (r) => r.timeSqueeze },
    { key: 'receivedRps', title: 'RPS', align: 'right', text: (r) => n(r.receivedRps), json: (r) => r.receivedRps },
    { key: 'flowLimitCount', title: 'FlowLimit', align: 'right', text: (r) => n(r.flowLimitCount), json: (r) => r.flowLimitCount },
    { key: 'backlogLen', title: 'Backlog', align: 'right', text: (r) => n(r.backlogLen), json: (r) => r.backlogLen },
    { key: 'inputQlen', title: 'InputQ', align: 'right', text: (r) => n(r.inputQlen), json: (r) => r.inputQlen },
    { key: 'processQlen', title: 'ProcessQ', align: 'right', text: (r) => n(r.processQlen), json: (r) => r.processQlen },
    { key: 'pollList', title: 'Poll', align: 'right', text: (r) => n(r.pollList), json: (r) => r.pollList },
    { key: 'completionQueue', title: 'Completion', align: 'right', text: (r) => n(r.completionQueue), json: (r) => r.completionQueue },
    { key: 'outputQueue', title: 'Output', align: 'right', text: (r) => n(r.outputQueue), json: (r) => r.outputQueue },
  ],
  extra: (r) => ({ softnetData: '0x' + r.address.toString(16) }),
  ref: (r) => ({ kind: 'struct', type: 'struct softnet_data', address: r.address }),
};
