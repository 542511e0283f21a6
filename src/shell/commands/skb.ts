// The seed's packet-level helpers: `--skbuffhead ADDR` lists an sk_buff_head's buffers,
// `--decode ADDR` decodes the IP and TCP/UDP headers at an address, `skb ADDR` shows one skb.

import { skbDetail, skbuffHead, headersAt, hexDump, dataNote } from '../../views/packets.js';
import type { Session } from '../../views/session.js';
import { hex, problemLines, type Output } from '../../report/model.js';
import { parseAddress, type Command } from '../command.js';

export const skbuffheadCommand: Command = {
  name: 'skbuffhead',
  synopsis: 'skbuffhead ADDR',
  summary: 'the sk_buffs on a struct sk_buff_head (same as --skbuffhead ADDR)',
  examples: ['--skbuffhead 0xffff8d6b02fb51d8'],
  run(s, inv) {
    const addr = parseAddress(s, inv.args[0] ?? (inv.line.options.skbuffhead as string | undefined), 'sk_buff_head address');
    const q = skbuffHead(s, addr);
    return {
      kind: 'table',
      title: `sk_buff_head=${hex(addr)} len=${q.qlen}`,
      columns: [{ key: 'skb', title: 'sk_buff' }, { key: 'len', title: 'len', align: 'right' }, { key: 'data_len', title: 'data_len', align: 'right' }, { key: 'hdr', title: 'headers' }],
      rows: q.entries.map(({ entry: e, info: i }) => {
        return {
          cells: { skb: hex(e.skb), len: String(e.len), data_len: String(e.dataLen), hdr: i.headers.join('  ') },
          data: { skb: hex(e.skb), len: e.len, dataLen: e.dataLen, headers: i.headers },
          ref: { kind: 'skb', address: e.skb },
        };
      }),
      notes: problemLines(q.problems),
    };
  },
};

export const decodeCommand: Command = {
  name: 'decode',
  synopsis: 'decode ADDR',
  summary: 'decode the IPv4/IPv6 header at ADDR and the TCP/UDP header after it (same as --decode ADDR)',
  examples: ['--decode 0xffff8d6b02c8610c'],
  run(s, inv) {
    const addr = parseAddress(s, inv.args[0] ?? (inv.line.options.decode as string | undefined), 'header address');
    const lines = headersAt(s, addr);
    return { kind: 'text', lines, data: { address: hex(addr), headers: lines } };
  },
};

export const skbCommand: Command = {
  name: 'skb',
  synopsis: 'skb ADDR',
  summary: 'one sk_buff: lengths, the headers it carries, its data as hex and ASCII',
  examples: ['skb 0xffff8d6b02b96ee8'],
  run: (s, inv) => skbView(s, parseAddress(s, inv.args[0], 'sk_buff address')),
};

/** One skb: lengths, headers and data (the command and the shell's drill-down). */
export function skbView(s: Session, a: bigint): Output {
  const i = skbDetail(s, a);
  const lines = [`<struct sk_buff ${hex(a)}>`, `len=${i.len} data_len=${i.dataLen} truesize=${i.truesize} protocol=0x${i.protocol.toString(16).padStart(4, '0')}`, ...i.headers];
  if (i.data) lines.push(dataNote(i.data), ...hexDump(i.data.bytes));
  const data = i.data ? { ...i.data, bytes: i.data.bytes.toString('hex') } : undefined;
  return { kind: 'text', lines, data: { skb: hex(a), ...i, data } };
}
