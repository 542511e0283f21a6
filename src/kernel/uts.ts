// The kernel's own `uname`: init_uts_ns.name (include/linux/utsname.h: struct uts_namespace,
// struct new_utsname), and the CPU count from __cpu_online_mask (include/linux/cpumask.h).

import type { Kernel } from './kernel.js';

export interface Utsname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  domainname: string;
}

// init_uts_ns is a `struct uts_namespace` (kernel/utsname.c / init/version.c).
export function utsname(k: Kernel): Utsname {
  const ns = k.symbol('init_uts_ns');
  const base = k.addr(ns, k.field('struct uts_namespace', 'name'));
  const U = 'struct new_utsname';
  const s = (m: string) => k.str(base, k.field(U, m));
  return {
    sysname: s('sysname'),
    nodename: s('nodename'),
    release: s('release'),
    version: s('version'),
    machine: s('machine'),
    domainname: s('domainname'),
  };
}

/** Number of CPUs online when the dump was taken (bits set in __cpu_online_mask). */
export function onlineCpus(k: Kernel): number {
  const mask = k.trySymbol('__cpu_online_mask') ?? k.trySymbol('cpu_online_mask');
  const n = k.cpuIdCount();
  if (mask === undefined) return n;
  const words = Math.ceil(n / 64);
  let count = 0;
  for (let i = 0; i < words; i++) {
    let w = k.mem.u64(mask + BigInt(i * 8));
    while (w) {
      count += Number(w & 1n);
      w >>= 1n;
    }
  }
  return count;
}
