// Does a BTF file (--btf, or the .BTF of --vmlinux) describe the kernel in the dump? Types of
// another build give offsets that read garbage everywhere, so before any of them is used, a few
// independent facts of the dump are read back with them:
//   - init/init_task.c: init_task.comm is "swapper/0" (kernel/sched/core.c: init_idle), and its
//     tasks list is doubly linked back to it (include/linux/list.h);
//   - net/core/net_namespace.c: init_net.list sits on net_namespace_list, linked both ways;
//     init_net.loopback_dev is "lo" and points back to init_net (drivers/net/loopback.c);
//   - mm/slab_common.c: the slab_caches list of struct kmem_cache; the caches net/core/sock.c
//     (proto_register) and net_namespace.c create hold objects of exactly the struct size:
//     "TCP" sizeof(struct tcp_sock), "UDP" struct udp_sock, "net_namespace" struct net.
// The first check that fails names itself; a cache that is not found (merged into another, or a
// config without it) is no evidence either way.

import type { Kernel } from './kernel.js';
import { listEntries, isKernelPointer } from './walk.js';

/** undefined when the BTF fits the dump, else what failed (one line). */
export function btfMismatch(k: Kernel): string | undefined {
  for (const check of [checkInitTask, checkInitNet, checkSlabCaches]) {
    let failed: string | undefined;
    try {
      failed = check(k);
    } catch (e) {
      failed = `${check.name.replace(/^check/, '')}: ${(e as Error).message}`;
    }
    if (failed) return failed;
  }
  return undefined;
}

const hex = (a: bigint): string => '0x' + a.toString(16);

function checkInitTask(k: Kernel): string | undefined {
  const T = 'struct task_struct';
  const init = k.vmlinuxSymbol('init_task');
  if (init === undefined || !k.has(T, 'comm') || !k.has(T, 'tasks')) return undefined;
  const comm = k.str(init, k.field(T, 'comm'));
  if (!comm.startsWith('swapper')) return `init_task.comm read with these types is ${JSON.stringify(comm)}, not "swapper/0"`;
  return linkedBack(k, init + k.off(T, 'tasks'), 'init_task.tasks');
}

function checkInitNet(k: Kernel): string | undefined {
  const N = 'struct net';
  const net = k.vmlinuxSymbol('init_net');
  if (net === undefined || !k.has(N, 'list')) return undefined;
  const bad = linkedBack(k, net + k.off(N, 'list'), 'init_net.list');
  if (bad) return bad;
  if (!k.has(N, 'loopback_dev') || !k.has('struct net_device', 'name')) return undefined;
  const lo = k.ptr(net, k.field(N, 'loopback_dev'));
  if (!isKernelPointer(lo)) return `init_net.loopback_dev read with these types is ${hex(lo)}, not a kernel pointer`;
  const name = k.str(lo, k.field('struct net_device', 'name'));
  if (name !== 'lo') return `init_net.loopback_dev->name read with these types is ${JSON.stringify(name)}, not "lo"`;
  return undefined;
}

/** A list_head whose next->prev and prev->next both come back to it. */
function linkedBack(k: Kernel, head: bigint, what: string): string | undefined {
  const next = k.mem.ptr(head);
  const prev = k.mem.ptr(head + 8n);
  if (!isKernelPointer(next) || !isKernelPointer(prev)) return `${what} read with these types is not a list (next ${hex(next)}, prev ${hex(prev)})`;
  const back = k.mem.ptr(next + 8n);
  const fwd = k.mem.ptr(prev);
  if (back !== head || fwd !== head) return `${what} read with these types is not a list (next->prev ${hex(back)}, prev->next ${hex(fwd)}, expected ${hex(head)})`;
  return undefined;
}

/** Slab cache name → the struct its objects are (object_size = sizeof). */
const CACHE_TYPES: [string, string][] = [
  ['TCP', 'struct tcp_sock'],
  ['UDP', 'struct udp_sock'],
  ['net_namespace', 'struct net'],
];

function checkSlabCaches(k: Kernel): string | undefined {
  const C = 'struct kmem_cache';
  const head = k.vmlinuxSymbol('slab_caches');
  if (head === undefined || !k.has(C, 'name') || !k.has(C, 'object_size') || !k.has(C, 'list')) return undefined;
  const listOff = k.off(C, 'list');
  const nameF = k.field(C, 'name');
  const sizeF = k.field(C, 'object_size');
  const want = new Map(CACHE_TYPES);
  let walked = 0;
  let problem: string | undefined;
  for (const link of listEntries(k.mem, head, { where: 'slab_caches', limit: 10_000, onProblem: (p) => (problem = p.detail) })) {
    walked++;
    const cache = link - listOff;
    const namePtr = k.ptr(cache, nameF);
    if (!isKernelPointer(namePtr)) return `slab_caches entry ${hex(cache)} read with these types has name pointer ${hex(namePtr)}`;
    const name = k.mem.cstring(namePtr, 64);
    const type = want.get(name);
    if (!type || !k.has(type)) continue;
    const size = k.num(cache, sizeF);
    if (size !== k.sizeof(type)) return `slab cache "${name}" holds ${size}-byte objects, but these types make ${type} ${k.sizeof(type)} bytes`;
  }
  if (problem && walked < 2) return `slab_caches read with these types is not a list (${problem})`;
  return undefined;
}
