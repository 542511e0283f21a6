// VMCOREINFO: the "KEY=value" text the kernel leaves in its crash notes.
// Formats from include/linux/vmcore_info.h (crash_core.h before 6.7):
//   SYMBOL(name)=%lx        OFFSET(struct.member)=%lu   SIZE(name)=%lu   LENGTH(name)=%lu
//   NUMBER(name)=%ld        (signed; a few arch lines print 0x%lx, e.g. NUMBER(VMALLOC_START))
//   OSRELEASE=%s  BUILD-ID=%s  PAGESIZE=%ld  CRASHTIME=%lld
//   KERNELOFFSET=%lx        (arch/x86/kernel/machine_kexec_64.c, arch_crash_save_vmcoreinfo)

import type { VmcoreInfo } from './types.js';

/** Parse VMCOREINFO text. Keys keep their parentheses ("SYMBOL(_stext)"); the first '=' splits.
 *  Blank lines, lines without '=' and trailing NULs (the note is padded) are ignored; a key
 *  given twice keeps its last value, as the kernel appends overrides (CRASHTIME). */
export function parseVmcoreInfo(text: string): VmcoreInfo {
  const info = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\0+$/, '').trim();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    info.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return info;
}

function parseHex(value: string, what: string): bigint {
  const digits = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  if (!/^[0-9a-fA-F]+$/.test(digits)) throw new Error(`VMCOREINFO ${what}=${value}: not a hexadecimal number`);
  return BigInt('0x' + digits);
}

/** SYMBOL(name): the symbol's runtime address (KASLR applied), or undefined if not listed. */
export function symbolAddress(info: VmcoreInfo, name: string): bigint | undefined {
  const v = info.get(`SYMBOL(${name})`);
  return v === undefined ? undefined : parseHex(v, `SYMBOL(${name})`);
}

/** NUMBER(name) as a signed value (phys_base is often negative); a 0x prefix means hex. */
export function number(info: VmcoreInfo, name: string): bigint | undefined {
  const v = info.get(`NUMBER(${name})`);
  if (v === undefined) return undefined;
  if (/^0x/i.test(v)) return parseHex(v, `NUMBER(${name})`);
  if (!/^-?\d+$/.test(v)) throw new Error(`VMCOREINFO NUMBER(${name})=${v}: not a decimal number`);
  return BigInt(v);
}

function unsignedField(info: VmcoreInfo, key: string): number | undefined {
  const v = info.get(key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`VMCOREINFO ${key}=${v}: not a decimal number`);
  return Number(v);
}

/** OFFSET(struct.member): byte offset of a member, e.g. offsetOf(info, 'page', 'flags'). */
export function offsetOf(info: VmcoreInfo, struct: string, member: string): number | undefined {
  return unsignedField(info, `OFFSET(${struct}.${member})`);
}

/** SIZE(name): sizeof a struct or type, e.g. sizeOf(info, 'page'). */
export function sizeOf(info: VmcoreInfo, name: string): number | undefined {
  return unsignedField(info, `SIZE(${name})`);
}

/** LENGTH(name): number of elements of an array, e.g. lengthOf(info, 'mem_section'). */
export function lengthOf(info: VmcoreInfo, name: string): number | undefined {
  return unsignedField(info, `LENGTH(${name})`);
}

/** KERNELOFFSET: how far KASLR moved the kernel image from its link address (0 without KASLR). */
export function kernelOffset(info: VmcoreInfo): bigint | undefined {
  const v = info.get('KERNELOFFSET');
  return v === undefined ? undefined : parseHex(v, 'KERNELOFFSET');
}

/** OSRELEASE: `uname -r` of the crashed kernel. */
export function osRelease(info: VmcoreInfo): string | undefined {
  return info.get('OSRELEASE');
}

/** BUILD-ID: the vmlinux GNU build-id in hex (since 5.9). */
export function buildId(info: VmcoreInfo): string | undefined {
  return info.get('BUILD-ID');
}

/** PAGESIZE in bytes. */
export function pageSize(info: VmcoreInfo): number | undefined {
  return unsignedField(info, 'PAGESIZE');
}

/** CRASHTIME: when the kernel crashed (seconds since the epoch); absent in dumps not made by kdump. */
export function crashTime(info: VmcoreInfo): Date | undefined {
  const v = info.get('CRASHTIME');
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return new Date(Number(v) * 1000);
}
