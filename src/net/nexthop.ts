// Next hops of a route: `struct fib_nh_common` (embedded first in fib_nh and fib6_nh), and the
// nexthop objects of `ip nexthop` (struct nexthop → nh_info, or nh_group → nh_grp_entry[]).
// Mirrors include/net/nexthop.h (fib_info_nhc, nexthop_fib6_nh, nexthop_mpath_select) and
// net/ipv4/fib_semantics.c (fib_nexthop_info). Device names are read from nhc_dev directly.

import type { Kernel } from '../kernel/kernel.js';
import { ipv4FromLE, ipv6 } from './addr.js';
import { nexthopFlagNames } from './route-names.js';
import type { RouteNexthop } from './route-row.js';
import { GAP } from '../kernel/walk.js';

/** What a route's nexthop object (fib_info.nh / fib6_info.nh) resolves to. */
export interface NexthopObject {
  id: number;
  /** nh_info.reject_nh: a blackhole nexthop (`ip nexthop add id N blackhole`). */
  blackhole: boolean;
  group: boolean;
  /** fib_nh_common addresses (nh_info.fib_nhc, which is also nh_info.fib6_nh) with weights. */
  hops: { nhc: bigint; weight: number }[];
}

const MAX_GROUP = 1024;

export class NexthopReader {
  private readonly devNames = new Map<bigint, string>();
  private readonly F;

  constructor(private readonly k: Kernel) {
    const C = 'struct fib_nh_common';
    this.F = {
      dev: k.field(C, 'nhc_dev'),
      oif: k.field(C, 'nhc_oif'),
      gwFamily: k.field(C, 'nhc_gw_family'),
      flags: k.field(C, 'nhc_flags'),
      gw: k.field(C, 'nhc_gw'),
      weight: k.field(C, 'nhc_weight'),
      devName: k.field('struct net_device', 'name'),
    };
  }

  /** net_device.name of a device pointer ('*' for NULL, '?' when unreadable). */
  devName(dev: bigint): string {
    if (dev === 0n) return '*';
    let n = this.devNames.get(dev);
    if (n === undefined) {
      try {
        n = this.k.str(dev, this.F.devName);
      } catch {
        n = GAP;
      }
      this.devNames.set(dev, n);
    }
    return n;
  }

  /** One struct fib_nh_common, as `ip route` shows a next hop. Throws when unreadable. */
  hop(nhc: bigint, weight?: number): RouteNexthop {
    const F = this.F;
    const v = this.k.view(nhc, F.weight.offset + 4);
    const fam = v.num(F.gwFamily);
    let gateway: string | null = null;
    if (fam === 2) gateway = ipv4FromLE(v.buf.readUInt32LE(v.off + F.gw.offset));
    else if (fam === 10) gateway = ipv6(v.buf, v.off + F.gw.offset);
    const dev = v.ptr(F.dev);
    const ifindex = v.num(F.oif);
    const w = weight ?? Math.max(1, v.num(F.weight));
    const flags = v.num(F.flags);
    // the view's members all read: the device's name is on another page
    return {
      gateway,
      gatewayFamily: fam === 2 ? 'inet' : fam === 10 ? 'inet6' : null,
      iface: this.devName(dev),
      ifindex,
      weight: w,
      flags: nexthopFlagNames(flags),
      address: nhc,
    };
  }

  /** fib_info_nhc()'s `nhc_gw.ipv4 != 0` test (fib_flag_trans): the first 4 bytes of the union. */
  gatewayWordNonZero(nhc: bigint): boolean {
    return this.k.mem.u32(nhc + this.F.gw.offsetN) !== 0;
  }

  // include/net/nexthop.h: nexthop_fib_nhc / nexthop_fib6_nh — a group's entries, or the one nh_info.
  object(nh: bigint): NexthopObject {
    const k = this.k;
    const N = 'struct nexthop';
    const id = k.num(nh, k.field(N, 'id'));
    const isGroup = k.num(nh, k.field(N, 'is_group')) !== 0;
    const inner = k.ptr(nh, k.field(N, 'nh_info')); // union with nh_grp
    if (!isGroup) {
      const info = this.info(inner);
      return { id, blackhole: info.blackhole, group: false, hops: [{ nhc: info.nhc, weight: 1 }] };
    }
    const G = 'struct nh_group';
    const E = 'struct nh_grp_entry';
    const num = k.num(inner, k.field(G, 'num_nh'));
    const entries = inner + k.off(G, 'nh_entries');
    const size = BigInt(k.sizeof(E));
    const nhF = k.field(E, 'nh');
    const wF = k.field(E, 'weight');
    const hops: NexthopObject['hops'] = [];
    let blackhole = false;
    for (let i = 0; i < Math.min(num, MAX_GROUP); i++) {
      const e = entries + BigInt(i) * size;
      const info = this.info(k.ptr(k.ptr(e, nhF), k.field(N, 'nh_info')));
      blackhole ||= info.blackhole;
      // nexthop.c nh_create_group: nhge->weight = entry.weight + 1, the weight `ip nexthop` shows.
      hops.push({ nhc: info.nhc, weight: k.num(e, wF) });
    }
    return { id, blackhole, group: true, hops };
  }

  private info(nhi: bigint): { nhc: bigint; blackhole: boolean } {
    const I = 'struct nh_info';
    const k = this.k;
    return { nhc: nhi + k.off(I, 'fib_nhc'), blackhole: k.num(nhi, k.field(I, 'reject_nh')) !== 0 };
  }
}
