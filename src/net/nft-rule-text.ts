// A rule's expressions back into nft syntax, the way libnftables' netlink_delinearize.c and
// payload.c rebuild statements for common patterns: loads (payload, meta, ct) into registers,
// bitwise on a register, then a relational (cmp, range, lookup) becomes `lhs [op] rhs`; the
// protocol dependencies nft added itself (`meta nfproto ipv4` before `ip saddr`, `meta l4proto
// tcp` before `tcp dport`) are dropped once a payload of that header uses them (payload
// dependency killing); immediates into the verdict register are verdicts, into data registers
// they feed nat. Expressions not recognised print as `name(raw hex)`.

import type { NftExpr } from './nft-expr.js';
import { CT, LOG_LEVELS, META, ctKeyName, metaKeyText, verdictWord } from './nft-names.js';
import { formatValue, prefixLength, type ValueKind } from './nft-value.js';
import { GAP } from '../kernel/walk.js';

export interface SetRef {
  name: string;
  anonymous: boolean;
  elements: string[] | null;
}

/** What a register holds: a load (with the nft words for it), maybe masked. */
interface Load {
  text: string;
  kind: ValueKind;
  /** Which protocol context this load depends on: 'l3' (network header), 'l4' (transport). */
  layer?: 'l3' | 'l4' | 'll';
  /** Sets the context when compared for equality. */
  sets?: 'l3' | 'l4';
  mask?: Buffer;
  xor?: Buffer;
  flags?: boolean;
  /** A prefix load: the field's full width in bytes (the load is shorter). */
  widen?: number;
}

interface Stmt {
  text: string;
  dep?: 'l3' | 'l4';
  /** l4 protocol that implies an l3 (icmp → ipv4). */
  implies?: boolean;
}

// nftables src/proto.c templates: offset:len (bytes) → field
const HEADERS: Record<string, Record<string, [string, ValueKind]>> = {
  ip: { '2:2': ['length', 'be'], '4:2': ['id', 'be'], '6:2': ['frag-off', 'be'], '8:1': ['ttl', 'be'], '9:1': ['protocol', 'proto'],
    '10:2': ['checksum', 'be'], '12:4': ['saddr', 'ipv4'], '16:4': ['daddr', 'ipv4'] },
  ip6: { '4:2': ['length', 'be'], '6:1': ['nexthdr', 'proto'], '7:1': ['hoplimit', 'be'], '8:16': ['saddr', 'ipv6'], '24:16': ['daddr', 'ipv6'] },
  tcp: { '0:2': ['sport', 'service'], '2:2': ['dport', 'service'], '4:4': ['sequence', 'be'], '8:4': ['ackseq', 'be'], '13:1': ['flags', 'hex'],
    '14:2': ['window', 'be'], '16:2': ['checksum', 'be'], '18:2': ['urgptr', 'be'] },
  udp: { '0:2': ['sport', 'service'], '2:2': ['dport', 'service'], '4:2': ['length', 'be'], '6:2': ['checksum', 'be'] },
  udplite: { '0:2': ['sport', 'service'], '2:2': ['dport', 'service'] },
  sctp: { '0:2': ['sport', 'service'], '2:2': ['dport', 'service'] },
  dccp: { '0:2': ['sport', 'service'], '2:2': ['dport', 'service'] },
  icmp: { '0:1': ['type', 'icmp'], '1:1': ['code', 'be'], '2:2': ['checksum', 'be'], '4:2': ['id', 'be'], '6:2': ['sequence', 'be'] },
  icmpv6: { '0:1': ['type', 'icmp6'], '1:1': ['code', 'be'], '2:2': ['checksum', 'be'] },
  ether: { '0:6': ['daddr', 'ether'], '6:6': ['saddr', 'ether'], '12:2': ['type', 'ethertype'] },
};
const L4_BY_PROTO: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 58: 'icmpv6', 132: 'sctp', 136: 'udplite' };

function metaKind(key: number): ValueKind {
  switch (key) {
    case META.PROTOCOL: return 'ethertype';
    case META.MARK: return 'mark';
    case META.IIFNAME: case META.OIFNAME: case 17: case 18: case 34: return 'ifname';
    case META.NFPROTO: return 'nfproto';
    case META.L4PROTO: return 'proto';
    default: return 'host';
  }
}

function ctKind(key: number): ValueKind {
  if (key === CT.STATE) return 'ctstate';
  if (key === CT.STATUS) return 'ctstatus';
  if (key === CT.MARK) return 'mark';
  if (key === 11 || key === 12) return 'service';
  return 'host';
}

const OP_TEXT: Record<string, string> = { eq: '', neq: '!= ', lt: '< ', lte: '<= ', gt: '> ', gte: '>= ' };

// net/netfilter/nf_tables_api.c nft_parse_register: NFT_REG_1..4 (16 bytes) are stored as
// their first 32-bit register (4·n); NFT_REG32_xx as xx + 4 — either way the stored number.

/** The rule's statements as `nft list ruleset` prints them (without `# handle`). */
export function ruleText(exprs: NftExpr[], family: string, setOf: (addr: bigint) => SetRef | undefined): string {
  const regs = new Map<number, Load>();
  const data = new Map<number, Buffer>();
  const out: Stmt[] = [];
  let l3: string | undefined = family === 'ip' ? 'ip' : family === 'ip6' ? 'ip6' : undefined;
  let l4: string | undefined;

  /** A payload/dependency was used: drop the pending dependency statement it makes implicit. */
  const kill = (layer: 'l3' | 'l4' | 'll' | undefined) => {
    if (!layer || layer === 'll') return;
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i].dep === layer) {
        const implies = out[i].implies;
        out.splice(i, 1);
        if (layer === 'l4' && implies) kill('l3');
        return;
      }
    }
  };

  const rel = (load: Load, op: string, rhs: string, raw?: Buffer) => {
    kill(load.layer);
    let lhs = load.text;
    let o = OP_TEXT[op] ?? op + ' ';
    if (load.mask && !load.flags) {
      const plen = load.xor && load.xor.every((b) => b === 0) ? prefixLength(load.mask) : -1;
      if (plen >= 0 && (load.kind === 'ipv4' || load.kind === 'ipv6') && raw) rhs = `${rhs}/${plen}`;
      else {
        lhs = `${lhs} & ${formatValue(load.kind === 'mark' ? 'mark' : 'hex', load.mask)}`;
        if (!o) o = '== ';
      }
    }
    const stmt: Stmt = { text: `${lhs} ${o}${rhs}` };
    if (op === 'eq' && load.sets && raw) {
      if (load.sets === 'l3') {
        const v = load.kind === 'nfproto' ? raw[0] : (raw[0] << 8) | raw[1];
        l3 = load.kind === 'nfproto' ? (v === 2 ? 'ip' : v === 10 ? 'ip6' : l3) : v === 0x0800 ? 'ip' : v === 0x86dd ? 'ip6' : l3;
        stmt.dep = 'l3';
      } else {
        l4 = L4_BY_PROTO[raw[0]];
        stmt.dep = 'l4';
        stmt.implies = raw[0] === 1 || raw[0] === 58;
      }
    }
    out.push(stmt);
  };

  for (let i = 0; i < exprs.length; i++) {
    const e = exprs[i];
    switch (e.type) {
      case 'payload': {
        if (e.set) { out.push({ text: `@payload set base ${e.base} offset ${e.offset} len ${e.len} from reg ${e.dreg}` }); break; }
        const hdr = e.base === 0 ? 'ether' : e.base === 1 ? l3 : e.base === 2 ? l4 : undefined;
        let f = hdr ? HEADERS[hdr]?.[`${e.offset}:${e.len}`] : undefined;
        let prefix: number | undefined;
        if (!f && hdr) {
          // payload.c payload_match_expand / prefix: a shorter load of an address field is a prefix match
          const wider = Object.entries(HEADERS[hdr] ?? {}).find(([ol, v]) => Number(ol.split(':')[0]) === e.offset && Number(ol.split(':')[1]) > e.len && (v[1] === 'ipv4' || v[1] === 'ipv6'));
          if (wider) { f = wider[1]; prefix = Number(wider[0].split(':')[1]); }
        }
        const layer = e.base === 1 ? 'l3' : e.base === 2 ? 'l4' : 'll';
        const sets = (hdr === 'ip' && e.offset === 9) || (hdr === 'ip6' && e.offset === 6) ? 'l4' : hdr === 'ether' && e.offset === 12 ? 'l3' : undefined;
        const base = ['ll', 'nh', 'th', 'ih'][e.base] ?? String(e.base);
        regs.set(e.dreg, f && hdr ? { text: `${hdr} ${f[0]}`, kind: f[1], layer, sets, widen: prefix } : { text: `@${base},${e.offset * 8},${e.len * 8}`, kind: 'be', layer });
        break;
      }
      case 'meta':
        if (e.set) { out.push({ text: `${metaKeyText(e.key)} set ${regText(regs, data, e.reg)}` }); break; }
        regs.set(e.reg, { text: metaKeyText(e.key), kind: metaKind(e.key),
          sets: e.key === META.NFPROTO || e.key === META.PROTOCOL ? 'l3' : e.key === META.L4PROTO ? 'l4' : undefined });
        break;
      case 'ct':
        if (e.set) { out.push({ text: `ct ${ctKeyName(e.key)} set ${regText(regs, data, e.reg)}` }); break; }
        regs.set(e.reg, { text: `ct ${e.dir === 1 ? 'reply ' : e.dir === 0 && e.key >= 8 ? 'original ' : ''}${ctKeyName(e.key)}`, kind: ctKind(e.key) });
        break;
      case 'bitwise': {
        const src = regs.get(e.sreg);
        if (src && e.op === 0) {
          const flags = src.kind === 'ctstate' || src.kind === 'ctstatus';
          regs.set(e.dreg, { ...src, mask: e.mask, xor: e.xor, flags });
        } else {
          const sh = e.op === 1 ? '<<' : e.op === 2 ? '>>' : '?';
          regs.set(e.dreg, { text: `(${src?.text ?? `reg ${e.sreg}`} ${sh} ${e.shift})`, kind: 'be' });
        }
        break;
      }
      case 'cmp': {
        const load = regs.get(e.sreg);
        if (!load) { out.push({ text: `cmp reg ${e.sreg} ${e.op} 0x${e.data.toString('hex')}` }); break; }
        if (load.flags && load.mask) {
          // ct state established,related: (x & mask) != 0 — nft prints the mask's flags
          if (e.op === 'neq' && e.data.every((b) => b === 0)) { kill(load.layer); out.push({ text: `${load.text} ${formatValue(load.kind, load.mask)}` }); break; }
          const masked: Load = { ...load, mask: undefined, flags: false };
          rel(masked, e.op, formatValue(load.kind, e.data), e.data);
          break;
        }
        if (load.widen) {
          const full = Buffer.alloc(load.widen);
          e.data.copy(full);
          rel({ ...load, widen: undefined }, e.op, `${formatValue(load.kind, full)}/${e.data.length * 8}`);
          break;
        }
        // netlink_delinearize.c: `x >= a` then `x <= b` on one register is the range a-b
        const next = exprs[i + 1];
        if (e.op === 'gte' && next?.type === 'cmp' && next.sreg === e.sreg && next.op === 'lte') {
          rel(load, 'eq', `${formatValue(load.kind, e.data)}-${formatValue(load.kind, next.data)}`);
          i++;
          break;
        }
        rel(load, e.op, formatValue(load.kind, e.data), e.data);
        break;
      }
      case 'range': {
        const load = regs.get(e.sreg);
        if (!load) { out.push({ text: `range reg ${e.sreg}` }); break; }
        rel(load, e.op, `${formatValue(load.kind, e.from)}-${formatValue(load.kind, e.to)}`);
        break;
      }
      case 'lookup': {
        const load = regs.get(e.sreg);
        const set = setOf(e.set);
        const rhs = !set ? `@0x${e.set.toString(16)}` : set.anonymous ? `{ ${(set.elements ?? [GAP]).join(', ')} }` : `@${set.name}`;
        if (!load) { out.push({ text: `lookup reg ${e.sreg} ${rhs}` }); break; }
        rel(load, e.invert ? 'neq' : 'eq', rhs);
        break;
      }
      case 'immediate':
        if (e.verdict) out.push({ text: verdictWord(e.verdict.code) + (e.verdict.chain ? ` ${e.verdict.chain}` : '') });
        else data.set(e.dreg, e.data);
        break;
      case 'counter':
        out.push({ text: `counter packets ${e.packets} bytes ${e.bytes}` });
        break;
      case 'limit': {
        const units: [bigint, string][] = [[604800000000000n, 'week'], [86400000000000n, 'day'], [3600000000000n, 'hour'], [60000000000n, 'minute'], [1000000000n, 'second']];
        const u = units.find(([ns]) => ns === e.nsecs);
        const per = u ? u[1] : `${e.nsecs}ns`;
        let t = `limit rate ${e.invert ? 'over ' : ''}${e.rate}${e.bytes ? ' bytes' : ''}/${per}`;
        if (!e.bytes && e.burst && e.burst !== 5) t += ` burst ${e.burst} packets`;
        if (e.bytes && e.burst) t += ` burst ${e.burst} bytes`;
        out.push({ text: t });
        break;
      }
      case 'log': {
        let t = 'log';
        if (e.prefix) t += ` prefix "${e.prefix}"`;
        if (e.logType === 2) t += ` group ${e.group}`;
        else if (e.level !== 4) t += ` level ${LOG_LEVELS[e.level] ?? e.level}`;
        out.push({ text: t });
        break;
      }
      case 'nat': {
        const fam = e.family === 10 ? 'ip6' : 'ip';
        let t = e.manip === 0 ? 'snat' : 'dnat';
        if (family === 'inet') t += ` ${fam}`;
        const addr = (r: number) => { const b = data.get(r); return b ? formatValue(fam === 'ip' ? 'ipv4' : 'ipv6', b) : `reg ${r}`; };
        const port = (r: number) => { const b = data.get(r); return b ? formatValue('service', b.subarray(0, 2)) : `reg ${r}`; };
        let to = '';
        if (e.addrMin) {
          const a = addr(e.addrMin) + (e.addrMax && e.addrMax !== e.addrMin ? `-${addr(e.addrMax)}` : '');
          to = fam === 'ip6' && e.protoMin ? `[${a}]` : a;
        }
        if (e.protoMin) to += `:${port(e.protoMin)}` + (e.protoMax && e.protoMax !== e.protoMin ? `-${port(e.protoMax)}` : '');
        if (to) t += ` to ${to}`;
        out.push({ text: t + natFlags(e.flags) });
        break;
      }
      case 'masq':
      case 'redir': {
        let t = e.type === 'masq' ? 'masquerade' : 'redirect';
        if (e.protoMin) {
          const p = (r: number) => { const b = data.get(r); return b ? formatValue('service', b.subarray(0, 2)) : `reg ${r}`; };
          t += ` to :${p(e.protoMin)}` + (e.protoMax && e.protoMax !== e.protoMin ? `-${p(e.protoMax)}` : '');
        }
        out.push({ text: t + natFlags(e.flags) });
        break;
      }
      case 'reject':
        out.push({ text: rejectText(e.rtype, e.code, family, l3) });
        break;
      case 'other':
        out.push({ text: `${e.name}(${e.raw})` });
        break;
    }
  }
  return out.map((s) => s.text).join(' ');
}

function regText(regs: Map<number, Load>, data: Map<number, Buffer>, r: number): string {
  const d = data.get(r);
  if (d) return formatValue('mark', d.subarray(0, 4));
  return regs.get(r)?.text ?? `reg ${r}`;
}

// include/uapi/linux/netfilter/nf_nat.h NF_NAT_RANGE_*; nft prints random, fully-random, persistent
function natFlags(f: number): string {
  const w: string[] = [];
  if (f & 4) w.push('random');
  if (f & 16) w.push('fully-random');
  if (f & 8) w.push('persistent');
  return w.length ? ' ' + w.join(',') : '';
}

const ICMP_CODES: Record<number, string> = { 0: 'net-unreachable', 1: 'host-unreachable', 2: 'prot-unreachable', 3: 'port-unreachable',
  9: 'net-prohibited', 10: 'host-prohibited', 13: 'admin-prohibited' };
const ICMP6_CODES: Record<number, string> = { 0: 'no-route', 1: 'admin-prohibited', 3: 'addr-unreachable', 4: 'port-unreachable', 5: 'policy-fail', 6: 'reject-route' };
const ICMPX_CODES: Record<number, string> = { 0: 'no-route', 1: 'port-unreachable', 2: 'host-unreachable', 3: 'admin-prohibited' };

// nftables src/statement.c reject_stmt_print: the default (port unreachable) prints bare
function rejectText(type: number, code: number, family: string, l3: string | undefined): string {
  if (type === 1) return 'reject with tcp reset';
  if (type === 2) return code === 1 ? 'reject' : `reject with icmpx ${ICMPX_CODES[code] ?? code}`;
  const v6 = family === 'ip6' || l3 === 'ip6';
  if (v6) return code === 4 && family === 'ip6' ? 'reject' : `reject with icmpv6 ${ICMP6_CODES[code] ?? code}`;
  return code === 3 && family === 'ip' ? 'reject' : `reject with icmp ${ICMP_CODES[code] ?? code}`;
}
