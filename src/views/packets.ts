// The packet-level views: one sk_buff (lengths, headers, data), an sk_buff_head's buffers,
// and the IP/TCP/UDP headers at an address (the seed's --skbuffhead and --decode).

import { skbQueue, type SkbEntry } from '../net/queues.js';
import { skbInfo, decodeHeaders, type SkbInfo } from '../net/skb.js';
import type { WalkProblem } from '../kernel/walk.js';
import type { Session } from './session.js';

export { hexDump, dataNote } from '../net/skb.js';
export type { SkbInfo };

export function skbDetail(s: Session, skb: bigint): SkbInfo {
  return skbInfo(s.kernel, skb);
}

export function skbuffHead(s: Session, head: bigint): { qlen?: number; entries: { entry: SkbEntry; info: SkbInfo }[]; problems: WalkProblem[] } {
  const q = skbQueue(s.kernel, head, `sk_buff_head 0x${head.toString(16)}`, false);
  return { qlen: q.qlen, entries: q.entries.map((entry) => ({ entry, info: skbInfo(s.kernel, entry.skb) })), problems: q.problems };
}

export function headersAt(s: Session, ip: bigint): string[] {
  return decodeHeaders(s.kernel, ip);
}
