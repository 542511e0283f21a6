// Text forms of the firewall views: hooks as `nft list hooks` prints them (family and hook
// headers, one `priority handler [module]` line per hook, here with its owner after '#'),
// and conntrack entries as `conntrack -L` prints them.

import type { HookRow } from '../views/netfilter.js';
import { nftPriority } from '../views/netfilter.js';
import type { ConntrackRow, CtTuple } from '../views/conntrack.js';
import { hex } from '../views/table.js';


/** One namespace's hooks (rows already in view order). `-v` adds handler, ops and priv addresses. */
export function hooksText(rows: HookRow[], verbose: number): string[] {
  const out: string[] = [];
  let family = '';
  let point = '';
  for (const r of rows) {
    const p = r.hook + (r.device ? ` device ${r.device}` : '');
    if (r.family !== family) {
      if (family) out.push('\t}', '}');
      out.push(`family ${r.family} {`);
      family = r.family;
      point = '';
    }
    if (p !== point) {
      if (point) out.push('\t}');
      out.push(`\thook ${p} {`);
      point = p;
    }
    const mod = r.module ? ` [${r.module}]` : '';
    const addrs = verbose > 0 ? `  (${hex(r.funcAddress)} ops ${hex(r.ops)} priv ${hex(r.priv)})` : '';
    out.push(`\t\t${r.via ? '\t' : ''}${nftPriority(r.priority)} ${r.func}${mod}\t# ${r.owner.text}${r.via ? ` (via ${r.via})` : ''}${addrs}`);
  }
  if (family) out.push('\t}', '}');
  return out;
}

function tuple(t: CtTuple): string {
  const ends = `src=${t.src} dst=${t.dst} `;
  if (t.icmp) return ends + `type=${t.icmp.type} code=${t.icmp.code} id=${t.icmp.id} `;
  if (t.sport !== null) return ends + `sport=${t.sport} dport=${t.dport} `;
  return ends;
}

// net/netfilter/nf_conntrack_standalone.c ct_seq_show, as conntrack-tools print it (the
// refcount itself, not /proc's +1 for the reader's own reference); -v: l3 prefix and address.
export function conntrackLine(r: ConntrackRow, verbose = 0): string {
  let s = verbose > 0 ? `${r.l3.padEnd(8)} ${r.l3num} ` : '';
  s += `${r.proto.padEnd(8)} ${r.protonum} `;
  const has = (n: string) => r.status.includes(n);
  if (!has('OFFLOAD')) s += `${Math.max(r.timeout, 0)} `;
  if (r.state) s += `${r.state} `;
  const acct = (i: 0 | 1) => (r.packets && r.bytes ? `packets=${r.packets[i]} bytes=${r.bytes[i]} ` : '');
  s += tuple(r.original) + acct(0);
  if (!has('SEEN_REPLY')) s += '[UNREPLIED] ';
  s += tuple(r.reply) + acct(1);
  if (has('HW_OFFLOAD')) s += '[HW_OFFLOAD] ';
  else if (has('OFFLOAD')) s += '[OFFLOAD] ';
  else if (has('ASSURED')) s += '[ASSURED] ';
  if (r.mark !== null) s += `mark=${r.mark} `;
  if (r.zone !== null) s += `zone=${r.zone} `;
  s += `use=${r.use}`;
  if (r.timeout < 0) s += '  (expired, not yet collected)';
  if (verbose > 0) s += `  # ${hex(r.address)}`;
  return s;
}
