// Neighbour rows as the kernel and iproute2 print them: /proc/net/arp lines (net/ipv4/arp.c:
// arp_seq_show), `ip neigh` lines (iproute2 ip/ipneigh.c: print_neigh over the attributes
// net/core/neighbour.c: neigh_fill_info sends), and a verbose line (`ip -s neigh` + what a
// dump adds: queued packets, key type, table). Pure: rows in, strings out.

import type { JiffiesAge, NeighbourRow } from '../net/neighbours.js';
import { NUD, NUD_VALID } from '../net/neigh-names.js';
import { GAP } from '../views/table.js';

// include/uapi/linux/if_arp.h
export const ATF_COM = 0x02;
export const ATF_PERM = 0x04;
export const ATF_PUBL = 0x08;

export const PROC_NET_ARP_HEADER = 'IP address       HW type     Flags       HW address            Mask     Device';

/** /proc/net/arp's Flags column (net/ipv4/arp.c: arp_state_to_flags; proxies: ATF_PUBL|ATF_PERM). */
export function arpFlags(r: NeighbourRow): number {
  if (r.proxy) return ATF_PUBL | ATF_PERM;
  if (r.nudState & NUD.PERMANENT) return ATF_PERM | ATF_COM;
  if (r.nudState & NUD_VALID) return ATF_COM;
  return 0;
}

const hex = (v: number) => ('0x' + v.toString(16)).padEnd(12);

/**
 * One /proc/net/arp line: "%-16s 0x%-10x0x%-10x%-17s     *        %s" (arp_format_neigh_entry;
 * arp_format_pneigh_entry prints "00:00:00:00:00:00" and the device or "*"). With `mark`, a row
 * /proc/net/arp skips (NOARP or NONE state: NEIGH_SEQ_SKIP_NOARP) gets a trailing note.
 */
export function procNetArpLine(r: NeighbourRow, mark = false): string {
  const ha = r.proxy ? '00:00:00:00:00:00' : r.hwAddress;
  const line = `${r.ip.padEnd(16)} ${hex(r.hwTypeCode)}${hex(arpFlags(r))}${ha.padEnd(17)}     *        ${r.device}`;
  return mark && r.hidden ? `${line}  [${r.state}: not in /proc/net/arp]` : line;
}

/** The /proc/net/arp text of a netns's ARP rows: neighbours first, then proxies (arp_seq_show
 *  order within each is the hash order, which `rows` keeps). Hidden rows only when `all`. */
export function procNetArpLines(rows: NeighbourRow[], all = false): string[] {
  const arp = rows.filter((r) => r.table === 'arp_tbl' && (all || !r.hidden));
  const ordered = [...arp.filter((r) => !r.proxy), ...arp.filter((r) => r.proxy)];
  return [PROC_NET_ARP_HEADER, ...ordered.map((r) => procNetArpLine(r, all))];
}

/** Flags iproute2 prints between lladdr and the state, in its order. */
const IP_FLAG_ORDER = ['router', 'proxy', 'extern_learn', 'offload', 'managed'];

function ipFlags(r: NeighbourRow): string[] {
  const set = new Set(r.flags);
  if (r.proxy) set.add('proxy');
  return [...IP_FLAG_ORDER.filter((f) => set.has(f)), ...[...set].filter((f) => !IP_FLAG_ORDER.includes(f))];
}

function ipHead(r: NeighbourRow): string[] {
  const parts = [r.ip];
  if (r.device !== '*') parts.push('dev', r.device);
  // neigh_fill_info sends NDA_LLADDR only for NUD_VALID states; proxies have none
  if (!r.proxy && r.nudState & NUD_VALID && r.hwAddress) parts.push('lladdr', r.hwAddress);
  parts.push(...ipFlags(r));
  return parts;
}

/** `ip neigh` line: "IP dev DEV lladdr MAC [router] STATE"; proxies: "IP dev DEV proxy". */
export function ipNeighLine(r: NeighbourRow): string {
  const parts = ipHead(r);
  if (!r.proxy) parts.push(r.state); // pneigh_fill_info sends state NUD_NONE, which ip omits
  return parts.join(' ');
}

/** Whole seconds as `ip -s neigh` prints them; "-" for a stamp that is 0 or after the dump. */
function secs(a: JiffiesAge): string {
  return a.seconds === undefined ? '-' : String(Math.floor(a.seconds));
}

/** Time ago with one decimal, or why there is none. */
export function ageText(a: JiffiesAge): string {
  if (a.seconds !== undefined) return `${a.seconds.toFixed(1)}s`;
  return a.mark === 'future' ? `future (${a.jiffies})` : 'never';
}

/**
 * Verbose line (`--arp -v`): the `ip -s neigh` form ("ref R used U/C/Up probes P STATE", ref =
 * refcnt - 1, times in seconds since used/confirmed/updated) plus queued packets, the key's
 * route type, the table, and a note on rows /proc/net/arp and `ip neigh` do not show.
 */
export function neighVerboseLine(r: NeighbourRow): string {
  const parts = ipHead(r);
  const d = r.detail;
  if (d) {
    parts.push('ref', String(d.refcnt - 1), 'used', `${secs(d.used)}/${secs(d.confirmed)}/${secs(d.updated)}`, 'probes', String(d.probes));
  }
  if (!r.proxy) parts.push(r.state);
  if (d) {
    parts.push('queue', `${d.queueLen}/${d.queueBytes ?? GAP}B`);
    if (d.dead) parts.push('dead');
  }
  if (r.type) parts.push('type', r.type);
  parts.push('table', r.table);
  if (r.hidden) parts.push(`[${r.state}: hidden by /proc/net/arp and ip neigh]`);
  return parts.join(' ');
}
