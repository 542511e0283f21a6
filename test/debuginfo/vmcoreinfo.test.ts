import { describe, expect, it } from 'vitest';
import {
  buildId,
  crashTime,
  kernelOffset,
  lengthOf,
  number,
  offsetOf,
  osRelease,
  pageSize,
  parseVmcoreInfo,
  sizeOf,
  symbolAddress,
} from '../../src/debuginfo/vmcoreinfo.js';

// Written by hand after kernel/vmcore_info.c (crash_save_vmcoreinfo_init) and
// arch/x86/kernel/machine_kexec_64.c (arch_crash_save_vmcoreinfo) of a Debian 6.1 kernel,
// as the note leaves it: NUL padding at the end.
const TEXT =
  [
    'OSRELEASE=6.1.0-56-amd64',
    'BUILD-ID=1d8a0c3e7f2b4a6c9e0d1f2a3b4c5d6e7f809112',
    'PAGESIZE=4096',
    'SYMBOL(init_uts_ns)=ffffffff9d412440',
    'OFFSET(uts_namespace.name)=0',
    'SYMBOL(node_online_map)=ffffffff9d4e7a68',
    'SYMBOL(swapper_pg_dir)=ffffffff9d40a000',
    'SYMBOL(_stext)=ffffffff9b000000',
    'NUMBER(VMALLOC_START)=0xffffb12c00000000',
    'SYMBOL(vmemmap)=ffffd0a500000000',
    'SYMBOL(mem_section)=ffff8f3c7ffd2000',
    'LENGTH(mem_section)=2048',
    'SIZE(mem_section)=16',
    'OFFSET(mem_section.section_mem_map)=0',
    'NUMBER(SECTION_SIZE_BITS)=27',
    'NUMBER(MAX_PHYSMEM_BITS)=46',
    'SIZE(page)=64',
    'SIZE(pglist_data)=174208',
    'OFFSET(page.flags)=0',
    'OFFSET(page._refcount)=52',
    'OFFSET(list_head.next)=0',
    'LENGTH(zone.free_area)=11',
    'NUMBER(PG_lru)=4',
    'NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129',
    'SYMBOL(kallsyms_names)=ffffffff9c27e5b0',
    'SYMBOL(kallsyms_num_syms)=ffffffff9c27e5a8',
    'SYMBOL(kallsyms_token_table)=ffffffff9c4e8a28',
    'SYMBOL(kallsyms_token_index)=ffffffff9c4e8dc0',
    'SYMBOL(kallsyms_offsets)=ffffffff9c1f3ee8',
    'SYMBOL(kallsyms_relative_base)=ffffffff9c27e5a0',
    'NUMBER(phys_base)=-1140850688',
    'SYMBOL(init_top_pgt)=ffffffff9d40a000',
    'NUMBER(pgtable_l5_enabled)=0',
    'SYMBOL(node_data)=ffffffff9d4e2b40',
    'LENGTH(node_data)=1024',
    'KERNELOFFSET=1a000000',
    'NUMBER(KERNEL_IMAGE_SIZE)=1073741824',
    'NUMBER(sme_mask)=0',
    'CRASHTIME=1764084000',
  ].join('\n') + '\n\0\0\0\0';

describe('VMCOREINFO', () => {
  const info = parseVmcoreInfo(TEXT);

  it('keeps every KEY=value line, keys with their parentheses', () => {
    expect(info.size).toBe(39);
    expect(info.get('SYMBOL(_stext)')).toBe('ffffffff9b000000');
    expect(info.get('CRASHTIME')).toBe('1764084000'); // the NUL padding is gone
  });

  it('SYMBOL(x) is a hex address', () => {
    expect(symbolAddress(info, '_stext')).toBe(0xffffffff9b000000n);
    expect(symbolAddress(info, 'kallsyms_names')).toBe(0xffffffff9c27e5b0n);
    expect(symbolAddress(info, 'init_top_pgt')).toBe(0xffffffff9d40a000n);
    expect(symbolAddress(info, 'no_such_symbol')).toBeUndefined();
  });

  it('NUMBER(x) is signed decimal (phys_base is negative), or hex with 0x', () => {
    expect(number(info, 'phys_base')).toBe(-1140850688n);
    expect(number(info, 'PAGE_BUDDY_MAPCOUNT_VALUE')).toBe(-129n);
    expect(number(info, 'pgtable_l5_enabled')).toBe(0n);
    expect(number(info, 'VMALLOC_START')).toBe(0xffffb12c00000000n);
    expect(number(info, 'KERNEL_IMAGE_SIZE')).toBe(1073741824n);
  });

  it('OFFSET, SIZE and LENGTH are unsigned decimals', () => {
    expect(offsetOf(info, 'page', '_refcount')).toBe(52);
    expect(offsetOf(info, 'mem_section', 'section_mem_map')).toBe(0);
    expect(offsetOf(info, 'page', 'lru')).toBeUndefined();
    expect(sizeOf(info, 'pglist_data')).toBe(174208);
    expect(lengthOf(info, 'mem_section')).toBe(2048);
    expect(lengthOf(info, 'zone.free_area')).toBe(11);
  });

  it('KERNELOFFSET is hex without 0x; the rest are plain fields', () => {
    expect(kernelOffset(info)).toBe(0x1a000000n);
    expect(osRelease(info)).toBe('6.1.0-56-amd64');
    expect(buildId(info)).toBe('1d8a0c3e7f2b4a6c9e0d1f2a3b4c5d6e7f809112');
    expect(pageSize(info)).toBe(4096);
    expect(crashTime(info)?.toISOString()).toBe('2025-11-25T15:20:00.000Z');
  });

  it('absent keys give undefined; a malformed value is an error that names the key', () => {
    const bare = parseVmcoreInfo('OSRELEASE=5.10.0-46-amd64\nPAGESIZE=4096\nSYMBOL(_stext)=zz\n');
    expect(kernelOffset(bare)).toBeUndefined();
    expect(crashTime(bare)).toBeUndefined();
    expect(buildId(bare)).toBeUndefined();
    expect(() => symbolAddress(bare, '_stext')).toThrow(/SYMBOL\(_stext\)=zz/);
  });

  it('tolerates CRLF line ends and blank lines', () => {
    const i = parseVmcoreInfo('\r\nOSRELEASE=6.12.118+deb13-amd64\r\n\r\nKERNELOFFSET=0\r\n');
    expect(osRelease(i)).toBe('6.12.118+deb13-amd64');
    expect(kernelOffset(i)).toBe(0n);
  });
});
