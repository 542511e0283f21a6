// Register bytes printed as nft prints a value of a datatype (nftables src/datatype.c
// *_type_print): addresses dotted or compressed, ports and protocol numbers big-endian,
// marks as 0x%08x, interface names quoted, bit masks as comma lists of names.

import { ipv6 } from './addr.js';
import { CT_STATE_BITS, CT_STATUS_BITS, ETHERTYPES, ICMP6_TYPES, ICMP_TYPES, NFT_FAMILY, PROTO_NAMES } from './nft-names.js';

/** What a left-hand side holds, enough to print its values. */
export type ValueKind = 'ipv4' | 'ipv6' | 'service' | 'proto' | 'icmp' | 'icmp6' | 'mark' | 'ifname' | 'nfproto' | 'ethertype'
  | 'ctstate' | 'ctstatus' | 'ether' | 'hex' | 'be' | 'host';

const be = (b: Buffer) => b.reduce((v, x) => v * 256 + x, 0);
const le = (b: Buffer) => b.reduceRight((v, x) => v * 256 + x, 0);

/** nftables' datatype id (enum datatypes) → the kind of value it prints. */
export function kindOfDatatype(id: number): ValueKind {
  switch (id) {
    case 7: return 'ipv4';
    case 8: return 'ipv6';
    case 9: return 'ether';
    case 10: return 'ethertype';
    case 12: return 'proto';
    case 13: return 'service';
    case 14: return 'icmp';
    case 19: return 'mark';
    case 26: return 'ctstate';
    case 28: return 'ctstatus';
    case 29: return 'icmp6';
    case 41: return 'ifname';
    case 2: return 'nfproto';
    default: return 'be';
  }
}

function bits(v: number, table: [number, string][]): string {
  const names: string[] = [];
  let rest = v;
  for (const [bit, name] of table) if (v & bit) { names.push(name); rest &= ~bit; }
  if (rest) names.push('0x' + rest.toString(16));
  return names.join(',') || '0x0';
}

export function formatValue(kind: ValueKind, b: Buffer): string {
  switch (kind) {
    case 'ipv4':
      return b.length >= 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : '0x' + b.toString('hex');
    case 'ipv6':
      return b.length >= 16 ? ipv6(b) : '0x' + b.toString('hex');
    case 'service':
      return String(be(b));
    case 'proto':
      return PROTO_NAMES[b[0]] ?? String(b[0]);
    case 'icmp':
      return ICMP_TYPES[b[0]] ?? String(b[0]);
    case 'icmp6':
      return ICMP6_TYPES[b[0]] ?? String(b[0]);
    case 'mark':
      return '0x' + (le(b) >>> 0).toString(16).padStart(8, '0');
    case 'ifname': {
      const z = b.indexOf(0);
      const s = b.subarray(0, z < 0 ? b.length : z).toString('latin1');
      return `"${s}${z < 0 && b.length < 16 ? '*' : ''}"`;
    }
    case 'nfproto':
      return NFT_FAMILY[b[0]] === 'ip' ? 'ipv4' : NFT_FAMILY[b[0]] === 'ip6' ? 'ipv6' : String(b[0]);
    case 'ethertype': {
      const v = be(b);
      return ETHERTYPES[v] ?? '0x' + v.toString(16).padStart(4, '0');
    }
    case 'ctstate':
      return bits(le(b), CT_STATE_BITS);
    case 'ctstatus':
      return bits(le(b), CT_STATUS_BITS);
    case 'ether':
      return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
    case 'host':
      return String(le(b));
    case 'hex':
      return '0x' + b.toString('hex');
    default:
      return b.length <= 6 ? String(be(b)) : '0x' + b.toString('hex');
  }
}

/** Leading one-bits of a mask, or -1 when it is not a prefix mask. */
export function prefixLength(mask: Buffer): number {
  let n = 0;
  let ended = false;
  for (const x of mask) {
    for (let i = 7; i >= 0; i--) {
      const bit = (x >> i) & 1;
      if (bit && ended) return -1;
      if (bit) n++;
      else ended = true;
    }
  }
  return n;
}

/** Half-open [lo, hi) key interval (an rbtree set's start and end element) as nft prints it:
 *  a single value, a prefix when aligned, else lo-hi. `hi` null: up to the maximum. */
export function formatInterval(kind: ValueKind, lo: Buffer, hi: Buffer | null): string {
  const last = Buffer.from(hi ?? Buffer.alloc(lo.length, 0xff));
  if (hi) {
    // hi is exclusive: last = hi - 1
    for (let i = last.length - 1; i >= 0; i--) {
      if (last[i] > 0) { last[i]--; break; }
      last[i] = 0xff;
    }
  }
  if (lo.equals(last)) return formatValue(kind, lo);
  if (kind === 'ipv4' || kind === 'ipv6') {
    // a prefix: lo ^ last is a run of trailing ones and lo has zeros there
    const x = Buffer.from(lo.map((v, i) => v ^ last[i]));
    const inv = Buffer.from(x.map((v) => ~v & 0xff));
    const plen = prefixLength(inv);
    if (plen >= 0 && lo.every((v, i) => (v & x[i]) === 0)) return `${formatValue(kind, lo)}/${plen}`;
  }
  return `${formatValue(kind, lo)}-${formatValue(kind, last)}`;
}
