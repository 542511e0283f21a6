// The kernel's own MIB name tables read from memory: `static const struct snmp_mib
// {const char *name; int entry;} snmp4_tcp_list[]` and friends (net/ipv4/proc.c,
// net/ipv6/proc.c, net/mptcp/mib.c), `icmpmibmap[]` and `icmp6type2name[256]`. Up to 6.12
// the arrays end with a NULL sentinel; 7.x removed it (loops use ARRAY_SIZE), so a table is
// bounded by the next symbol's address as well as by a NULL name, and every entry must index
// inside its MIB (whose length the BTF array `mibs[__X_MIB_MAX]` gives).

import type { Kernel } from '../kernel/kernel.js';
import { perKernel } from '../kernel/memo.js';

export interface MibName {
  name: string;
  entry: number;
}

/** Address of the first symbol above `addr` (kallsyms sorted by address), or undefined. */
export function nextSymbolAddress(k: Kernel, addr: bigint): bigint | undefined {
  if (k.symbols.nextAddress) return k.symbols.nextAddress(addr);
  const all = k.symbols.all();
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid].address <= addr) lo = mid + 1;
    else hi = mid;
  }
  return all[lo]?.address;
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A `{const char *name; int entry;}` array at symbol `sym`: every entry up to the sentinel,
 *  the next symbol, or 512 entries. Throws when the symbol is not in kallsyms. A name that is
 *  not a plain identifier or an entry outside [0, max) ends the table (a 7.x table without
 *  sentinel followed by unrelated data). */
export function readMibNames(k: Kernel, sym: string, max: number): MibName[] {
  const base = k.symbol(sym);
  const size = k.has('struct snmp_mib') ? k.sizeof('struct snmp_mib') : 16;
  const next = nextSymbolAddress(k, base);
  const limit = next !== undefined && next > base ? Math.min(512, Number((next - base) / BigInt(size))) : 512;
  const out: MibName[] = [];
  for (let i = 0; i < limit; i++) {
    const a = base + BigInt(i * size);
    const namePtr = k.mem.ptr(a);
    if (namePtr === 0n) break;
    const entry = k.mem.s32(a + 8n);
    let name: string;
    try {
      name = k.mem.cstring(namePtr, 64);
    } catch {
      break;
    }
    if (!NAME_RE.test(name) || entry < 0 || entry >= max) break;
    out.push({ name, entry });
  }
  return out;
}

/** include/uapi/linux/icmpv6.h + include/net/ndisc.h: the type names net/ipv6/proc.c prints
 *  by name (its `icmp6type2name[]`; 7.x replaced the array with a switch of the same names). */
export const ICMP6_TYPE_NAMES: readonly [number, string][] = [
  [1, 'DestUnreachs'], [2, 'PktTooBigs'], [3, 'TimeExcds'], [4, 'ParmProblems'],
  [128, 'Echos'], [129, 'EchoReplies'], [130, 'GroupMembQueries'], [131, 'GroupMembResponses'],
  [132, 'GroupMembReductions'], [133, 'RouterSolicits'], [134, 'RouterAdvertisements'],
  [135, 'NeighborSolicits'], [136, 'NeighborAdvertisements'], [137, 'Redirects'], [143, 'MLDv2Reports'],
];

/** A symbol of net/ipv6/proc.c: vmlinux's with CONFIG_IPV6=y, else the `ipv6` module's only.
 *  A bare name missing from vmlinux (7.x has no icmp6type2name) would decode the symbols of
 *  every loaded module to find nothing. */
export function ipv6Symbol(k: Kernel, name: string): bigint | undefined {
  const a = k.vmlinuxSymbol(name);
  if (a !== undefined || k.vmlinuxSymbol('ipv6_rcv') !== undefined) return a;
  return k.trySymbol(`ipv6:${name}`);
}

/** The ICMPv6 types printed by name: the kernel's `icmp6type2name[256]` when it has one, else ours. */
export const icmp6TypeNames = perKernel((k: Kernel): readonly [number, string][] => {
  const a = ipv6Symbol(k, 'icmp6type2name');
  if (a === undefined) return ICMP6_TYPE_NAMES;
  const out: [number, string][] = [];
  const ptrs = k.mem.read(a, 256 * 8);
  for (let t = 0; t < 256; t++) {
    const p = ptrs.readBigUInt64LE(t * 8);
    if (p !== 0n) out.push([t, k.mem.cstring(p, 64)]);
  }
  return out;
});

/** `icmpmibmap[]` (net/ipv4/proc.c): `{name, index}` pairs, NULL-terminated in every version. */
export function icmpMibMap(k: Kernel): MibName[] {
  return readMibNames(k, 'icmpmibmap', 256);
}
