// The IPv4 and IPv6 addresses of one network device, in the order `ip addr` lists them.

import type { Kernel } from '../kernel/kernel.js';
import { unreadable, listEntries, isKernelPointer, type WalkProblem } from '../kernel/walk.js';
import { ipv4FromLE, ipv6 } from './addr.js';
import { ifaFlagNames, ipv6RtScope, rtScopeName, IFA_F_SECONDARY } from './if-names.js';
import { perKernel } from '../kernel/memo.js';

export interface IfAddr4 {
  /** ifa_local: the interface's own address ("10.0.2.15") */
  local: string;
  /** ifa_address: the peer on point-to-point links, else = local */
  address: string;
  prefixLen: number;
  /** ifa_broadcast, null when 0.0.0.0 (not set) */
  broadcast: string | null;
  /** rtnetlink scope number and name ("global", "host", "link") */
  scope: number;
  scopeName: string;
  /** IFA_F_* bits and their names as `ip addr` prints them ("secondary", "dynamic"…) */
  flags: number;
  flagNames: string[];
  secondary: boolean;
  label: string;
}

export interface IfAddr6 {
  address: string;
  prefixLen: number;
  /** inet6_ifaddr.scope as /proc/net/if_inet6 prints it (0x00 global, 0x10 host, 0x20 link, 0x40 site) */
  scope: number;
  /** the rtnetlink scope `ip -6 addr` shows, and its name */
  rtScope: number;
  scopeName: string;
  /** inet6_ifaddr.flags (IFA_F_*; /proc/net/if_inet6 prints the low 8 bits) */
  flags: number;
  flagNames: string[];
}

const LIMIT = 10_000;

// Members resolved once per kernel (a missing one throws where it did: at the device's first address).
const ifa4 = perKernel((k: Kernel) => {
  const IA = 'struct in_ifaddr';
  return {
    next: k.field(IA, 'ifa_next'), local: k.field(IA, 'ifa_local'), address: k.field(IA, 'ifa_address'),
    prefix: k.field(IA, 'ifa_prefixlen'), brd: k.field(IA, 'ifa_broadcast'), scope: k.field(IA, 'ifa_scope'),
    flags: k.field(IA, 'ifa_flags'), label: k.field(IA, 'ifa_label'), size: k.sizeof(IA),
  };
});
const ifa6 = perKernel((k: Kernel) => {
  const I6 = 'struct inet6_ifaddr';
  return {
    link: k.field(I6, 'if_list'), addr: k.field(I6, 'addr'), prefix: k.field(I6, 'prefix_len'),
    scope: k.field(I6, 'scope'), flags: k.field(I6, 'flags'), size: k.sizeof(I6), head: k.off('struct inet6_dev', 'addr_list'),
  };
});

// net/ipv4/devinet.c: in_dev_for_each_ifa_rcu — dev->ip_ptr (struct in_device) → ifa_list →
// in_ifaddr.ifa_next. inet_fill_ifaddr gives the values `ip addr` prints.
export function ipv4Addresses(k: Kernel, dev: bigint, problems: WalkProblem[]): IfAddr4[] {
  const inDev = k.ptr(dev, k.field('struct net_device', 'ip_ptr'));
  if (!inDev) return [];
  const out: IfAddr4[] = [];
  const f = ifa4(k);
  const where = `in_device 0x${inDev.toString(16)} ifa_list`;
  const seen = new Set<bigint>();
  let ifa: bigint;
  try {
    ifa = k.ptr(inDev, k.field('struct in_device', 'ifa_list'));
  } catch (e) {
    problems.push(unreadable(where, inDev, e));
    return out;
  }
  while (ifa) {
    if (!isKernelPointer(ifa) || seen.has(ifa) || seen.size >= LIMIT) {
      const kind = !isKernelPointer(ifa) ? 'bad-pointer' : seen.has(ifa) ? 'cycle' : 'limit';
      problems.push({ where, address: ifa, kind, detail: `in_ifaddr 0x${ifa.toString(16)}` });
      break;
    }
    seen.add(ifa);
    try {
      const v = k.view(ifa, f.size);
      const flags = v.num(f.flags);
      const brd = v.num(f.brd);
      const scope = v.num(f.scope);
      const next = v.ptr(f.next); // before the label, which may lie on the next page
      out.push({
        local: ipv4FromLE(v.num(f.local)),
        address: ipv4FromLE(v.num(f.address)),
        prefixLen: v.num(f.prefix),
        broadcast: brd ? ipv4FromLE(brd) : null,
        scope,
        scopeName: rtScopeName(scope),
        flags,
        flagNames: ifaFlagNames(flags, 'inet'),
        secondary: (flags & IFA_F_SECONDARY) !== 0,
        label: k.mem.cstring(ifa + f.label.offsetN, f.label.size),
      });
      ifa = next;
    } catch (e) {
      problems.push(unreadable(where, ifa, e));
      break;
    }
  }
  return out;
}

// net/ipv6/addrconf.c: in6_dump_addrs — dev->ip6_ptr (struct inet6_dev) → addr_list of
// inet6_ifaddr linked by if_list; if6_seq_show for the /proc/net/if_inet6 values.
export function ipv6Addresses(k: Kernel, dev: bigint, problems: WalkProblem[]): IfAddr6[] {
  const idev = k.ptr(dev, k.field('struct net_device', 'ip6_ptr'));
  if (!idev) return [];
  const f = ifa6(k);
  const out: IfAddr6[] = [];
  const where = `inet6_dev 0x${idev.toString(16)} addr_list`;
  const head = idev + f.head;
  for (const l of listEntries(k.mem, head, { where, limit: LIMIT, onProblem: (p) => problems.push(p) })) {
    const ifp = l - f.link.offsetN;
    try {
      const v = k.view(ifp, f.size);
      const scope = v.num(f.scope);
      const flags = v.num(f.flags);
      const rt = ipv6RtScope(scope);
      out.push({
        address: ipv6(v.bytes(f.addr, 16)),
        prefixLen: v.num(f.prefix),
        scope,
        rtScope: rt,
        scopeName: rtScopeName(rt),
        flags,
        flagNames: ifaFlagNames(flags, 'inet6'),
      });
    } catch (e) {
      problems.push(unreadable(where, ifp, e));
    }
  }
  return out;
}
