// Test helper: the real dumps under dumps/<suite>-<version>/ and a reader for the kernel image
// in them. The kallsyms tables live in the image's rodata, where virtual → physical is plain
// arithmetic (arch/x86/include/asm/page_64.h __phys_addr_nodebug):
// phys = vaddr - __START_KERNEL_map + phys_base. No page-table walk needed.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDump } from '../../src/dump/open.js';
import type { PhysicalDump } from '../../src/dump/types.js';
import type { VirtualReader, VmcoreInfo } from '../../src/debuginfo/types.js';
import { number, parseVmcoreInfo } from '../../src/debuginfo/vmcoreinfo.js';

export const DUMPS = join(import.meta.dirname, '..', '..', 'dumps');
const START_KERNEL_MAP = 0xffffffff80000000n;

/** Fixture directories holding a vmcore.kdump, e.g. "bookworm-6.1". */
export function dumpDirs(): string[] {
  if (!existsSync(DUMPS)) return [];
  return readdirSync(DUMPS)
    .filter((d) => /^[a-z]+-\d+\.\d+$/.test(d) && existsSync(join(DUMPS, d, 'vmcore.kdump')))
    .sort();
}

export interface OpenedDump {
  dir: string;
  dump: PhysicalDump;
  info: VmcoreInfo;
  read: VirtualReader;
}

export function openFixture(dir: string): OpenedDump {
  const dump = openDump(join(DUMPS, dir, 'vmcore.kdump'));
  const info = parseVmcoreInfo(dump.vmcoreinfo ?? '');
  const physBase = number(info, 'phys_base') ?? 0n;
  const read: VirtualReader = (address, length) => {
    if (address < START_KERNEL_MAP) throw new Error(`0x${address.toString(16)} is not in the kernel image`);
    return dump.read(Number(address - START_KERNEL_MAP + physBase), length);
  };
  return { dir, dump, info, read };
}

/** The guest's /proc/kallsyms saved next to the dump (bullseye fixtures), if any. */
export function guestKallsyms(dir: string): string | undefined {
  const p = join(DUMPS, dir, 'kallsyms');
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
