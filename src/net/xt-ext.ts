// Legacy x_tables matches and targets printed as iptables-save prints them (iptables
// extensions/libxt_*.c, libipt_*.c *_save). Their data are uapi structs (stable ABI, so read by
// fixed offsets): include/uapi/linux/netfilter/xt_{tcpudp,comment,multiport,conntrack,state,
// limit,mark,LOG}.h, netfilter_ipv4/ipt_REJECT.h, nf_nat.h. Unknown ones print by name.

const u16 = (b: Buffer, o: number) => (o + 2 <= b.length ? b.readUInt16LE(o) : 0);
const u32 = (b: Buffer, o: number) => (o + 4 <= b.length ? b.readUInt32LE(o) : 0);
const cstr = (b: Buffer, o: number, n: number) => { const s = b.subarray(o, o + n); const z = s.indexOf(0); return s.subarray(0, z < 0 ? s.length : z).toString('latin1'); };
const inv = (on: boolean) => (on ? '! ' : '');
const ip4 = (b: Buffer, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

/** A string argument as iptables quotes it (xtables.c xtables_save_string). */
export function quote(s: string): string {
  return /^[\w.:/@+-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

function ports(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `${lo}:${hi}`;
}

// xt_conntrack / xt_state: XT_STATE_BIT(ctinfo) = 1 << (ctinfo % 3 + 1); INVALID 1, UNTRACKED 1<<8
function ctStates(mask: number): string {
  const names: [number, string][] = [[1, 'INVALID'], [8, 'NEW'], [4, 'RELATED'], [2, 'ESTABLISHED'], [256, 'UNTRACKED'], [64, 'SNAT'], [128, 'DNAT']];
  return names.filter(([b]) => mask & b).map(([, n]) => n).join(',');
}

// libxt_limit.c print_rate: the largest unit whose count is whole
function rate(period: number): string {
  const S = 10000;
  const rates: [string, number][] = [['day', S * 86400], ['hour', S * 3600], ['min', S * 60], ['sec', S]];
  if (period === 0) return 'inf';
  let i = 1;
  for (; i < rates.length; i++) if (period > rates[i][1] || Math.floor(rates[i][1] / period) < rates[i][1] % period) break;
  return `${Math.floor(rates[i - 1][1] / period)}/${rates[i - 1][0]}`;
}

/** `-m name …` for one match. */
export function matchText(name: string, rev: number, d: Buffer, v6: boolean): string {
  switch (name) {
    case 'tcp':
    case 'udp': {
      // struct xt_tcp {u16 spts[2], dpts[2]; u8 option, flg_mask, flg_cmp, invflags}; xt_udp {…; u8 invflags}
      const invf = name === 'tcp' ? d[11] : d[8];
      const parts = [`-m ${name}`];
      if (u16(d, 0) !== 0 || u16(d, 2) !== 0xffff) parts.push(`${inv((invf & 1) !== 0)}--sport ${ports(u16(d, 0), u16(d, 2))}`);
      if (u16(d, 4) !== 0 || u16(d, 6) !== 0xffff) parts.push(`${inv((invf & 2) !== 0)}--dport ${ports(u16(d, 4), u16(d, 6))}`);
      if (name === 'tcp' && d[8]) parts.push(`${inv((invf & 8) !== 0)}--tcp-option ${d[8]}`);
      return parts.join(' ');
    }
    case 'comment':
      return `-m comment --comment ${quote(cstr(d, 0, 256))}`;
    case 'multiport': {
      // rev 0: {u8 flags, count; u16 ports[15]}; rev 1: + u8 pflags[15]; u8 invert
      const flags = d[0];
      const count = Math.min(d[1], 15);
      const list: string[] = [];
      for (let i = 0; i < count; i++) {
        const p = u16(d, 2 + i * 2);
        if (rev >= 1 && d[32 + i] && i + 1 < count) { list.push(`${p}:${u16(d, 2 + (i + 1) * 2)}`); i++; } else list.push(String(p));
      }
      const opt = ['--sports', '--dports', '--ports'][flags] ?? '--ports';
      return `-m multiport ${inv(rev >= 1 && d[47] !== 0)}${opt} ${list.join(',')}`;
    }
    case 'conntrack': {
      // mtinfo1: u8 match_flags, invert_flags, state_mask, status_mask at 146..149; mtinfo2/3: u16 each at 146..153
      const wide = rev >= 2;
      const mflags = wide ? u16(d, 146) : d[146];
      const iflags = wide ? u16(d, 148) : d[147];
      const state = wide ? u16(d, 150) : d[148];
      const parts = ['-m conntrack'];
      if (mflags & 1) parts.push(`${inv((iflags & 1) !== 0)}--ctstate ${ctStates(state)}`);
      if (mflags & ~1) parts.push(`# conntrack flags 0x${mflags.toString(16)} not decoded`);
      return parts.join(' ');
    }
    case 'state':
      return `-m state --state ${ctStates(u32(d, 0))}`;
    case 'limit': {
      // struct xt_rateinfo {u32 avg, burst; …}
      const burst = u32(d, 4);
      return `-m limit --limit ${rate(u32(d, 0))}${burst !== 5 ? ` --limit-burst ${burst}` : ''}`;
    }
    case 'icmp': {
      // struct ipt_icmp {u8 type, code[2], invflags}
      const code = d[1] === 0 && d[2] === 0xff ? '' : `/${d[1]}`;
      return d[0] === 0xff ? '-m icmp --icmp-type any' : `-m icmp ${inv((d[3] & 1) !== 0)}--icmp-type ${d[0]}${code}`;
    }
    case 'icmp6': {
      const code = d[1] === 0 && d[2] === 0xff ? '' : `/${d[1]}`;
      return `-m icmp6 ${inv((d[3] & 1) !== 0)}--icmpv6-type ${d[0]}${code}`;
    }
    case 'mark':
      // struct xt_mark_mtinfo1 {u32 mark, mask; u8 invert}
      return `-m mark ${inv(d[8] !== 0)}--mark 0x${u32(d, 0).toString(16)}${u32(d, 4) !== 0xffffffff ? `/0x${u32(d, 4).toString(16)}` : ''}`;
    default:
      return `-m ${name}` + (v6 ? '' : '');
  }
}

const REJECT4 = ['icmp-net-unreachable', 'icmp-host-unreachable', 'icmp-proto-unreachable', 'icmp-port-unreachable', 'icmp-echo-reply',
  'icmp-net-prohibited', 'icmp-host-prohibited', 'tcp-reset', 'icmp-admin-prohibited'];
const REJECT6 = ['icmp6-no-route', 'icmp6-adm-prohibited', 'icmp6-not-neighbour', 'icmp6-addr-unreachable', 'icmp6-port-unreachable',
  'echo-reply', 'tcp-reset', 'icmp6-policy-fail', 'icmp6-reject-route'];

// nf_nat_ipv4_multi_range_compat {u32 rangesize; {u32 flags; be32 min_ip, max_ip; be16 min, max}} (rev 0);
// nf_nat_range(2) {u32 flags; nf_inet_addr min_addr, max_addr; be16 min_proto, max_proto; …} (rev 1, 2)
function natTo(d: Buffer, rev: number, v6: boolean, what: 'addr' | 'ports'): string {
  let flags: number; let a1: string; let a2: string; let p1: number; let p2: number;
  if (rev === 0 && !v6) {
    flags = u32(d, 4); a1 = ip4(d, 8); a2 = ip4(d, 12); p1 = d.readUInt16BE(16); p2 = d.readUInt16BE(18);
  } else {
    flags = u32(d, 0);
    a1 = v6 ? d.subarray(4, 20).toString('hex') : ip4(d, 4); a2 = v6 ? d.subarray(20, 36).toString('hex') : ip4(d, 20);
    p1 = d.readUInt16BE(36); p2 = d.readUInt16BE(38);
  }
  const portText = flags & 2 ? (p1 === p2 ? String(p1) : `${p1}-${p2}`) : '';
  const extra = (flags & 4 ? ' --random' : '') + (flags & 16 ? ' --random-fully' : '') + (flags & 8 ? ' --persistent' : '');
  if (what === 'ports') return (portText ? ` --to-ports ${portText}` : '') + extra;
  const addr = flags & 1 ? (a1 === a2 ? a1 : `${a1}-${a2}`) : '';
  return `${addr}${portText ? `:${portText}` : ''}${extra ? extra : ''}`;
}

/** `-j NAME …` for a non-standard target. */
export function targetText(name: string, rev: number, d: Buffer, v6: boolean): string {
  switch (name) {
    case 'MARK':
      // rev 2: struct xt_mark_tginfo2 {u32 mark, mask}
      return rev >= 2 ? `-j MARK --set-xmark 0x${u32(d, 0).toString(16)}/0x${u32(d, 4).toString(16)}` : `-j MARK --set-mark 0x${u32(d, 0).toString(16)}`;
    case 'MASQUERADE':
      return `-j MASQUERADE${natTo(d, rev, v6, 'ports')}`;
    case 'SNAT':
      return `-j SNAT --to-source ${natTo(d, rev, v6, 'addr')}`;
    case 'DNAT':
      return `-j DNAT --to-destination ${natTo(d, rev, v6, 'addr')}`;
    case 'REDIRECT':
      return `-j REDIRECT${natTo(d, rev, v6, 'ports')}`;
    case 'LOG': {
      // struct xt_log_info {u8 level, logflags; char prefix[30]}
      const prefix = cstr(d, 2, 30);
      return `-j LOG${prefix ? ` --log-prefix ${quote(prefix)}` : ''}${d[0] !== 4 ? ` --log-level ${d[0]}` : ''}`;
    }
    case 'REJECT':
      return `-j REJECT --reject-with ${(v6 ? REJECT6 : REJECT4)[u32(d, 0)] ?? u32(d, 0)}`;
    default:
      return `-j ${name}`;
  }
}
