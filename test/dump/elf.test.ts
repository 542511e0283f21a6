import { describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
import { DumpFormatError, PageMissingError } from '../../src/dump/types.js';
import { PAGE, buildElf, patternPage, tmpFile, vmcoreinfoNote } from './build.js';

const VMCI = 'OSRELEASE=6.1.0-test-amd64\nPAGESIZE=4096\nSYMBOL(init_top_pgt)=ffffffff8260a000\nNUMBER(phys_base)=-1073741824\n';
const prstatus = (cpu: number): { name: string; type: number; desc: Buffer } => ({ name: 'CORE', type: 1, desc: Buffer.alloc(336, cpu) });

function sample(extra: Partial<Parameters<typeof buildElf>[0]> = {}): Buffer {
  return buildElf({
    phoff: 192, // QEMU 7.2 puts the program headers here
    notes: [prstatus(0), prstatus(1), vmcoreinfoNote(VMCI)],
    segments: [
      { paddr: 0, data: Buffer.concat([patternPage(0), patternPage(1)]) },
      // 3 pages in the file, 2 more that read as zeros (makedumpfile -E style)
      { paddr: 0x100000, data: Buffer.concat([patternPage(0x100), patternPage(0x101), patternPage(0x102)]), memsz: 5 * PAGE },
    ],
    ...extra,
  });
}

describe('ELF vmcore', () => {
  const file = tmpFile('vmcore.elf', sample());

  it('reads headers, notes and VMCOREINFO', () => {
    const d = openDump(file);
    expect(d.format).toBe('elf');
    expect(d.pageSize).toBe(4096);
    expect(d.vmcoreinfo).toBe(VMCI);
    expect(d.notes.map((n) => `${n.name}/${n.type}`)).toEqual(['CORE/1', 'CORE/1', 'VMCOREINFO/0']);
    expect(d.notes[1]!.desc[0]).toBe(1);
    expect(d.header.nr_cpus).toBe(2);
    expect(d.header.segments).toBe(2);
    expect(d.incomplete).toBe(false);
    expect(d.description).toMatch(/QEMU/); // p_vaddr = 0 everywhere
    expect(d.description).toMatch(/filtered/);
    expect(d.maxPfn).toBe(0x105);
    d.close();
  });

  it('maps pages by p_paddr, zero-fills past p_filesz and counts those as excluded', () => {
    const d = openDump(file);
    expect(d.page(1).equals(patternPage(1))).toBe(true);
    expect(d.page(0x102).equals(patternPage(0x102))).toBe(true);
    expect(d.page(0x104).equals(Buffer.alloc(PAGE))).toBe(true);
    expect(d.hasPage(0x103)).toBe(true);
    expect(d.hasPage(2)).toBe(false);
    expect(d.hasPage(0x105)).toBe(false);
    expect(d.pageCounts()).toEqual({ present: 5, excluded: 2 });
    expect(d.read(0x100000 + PAGE - 4, 8)).toEqual(Buffer.concat([patternPage(0x100).subarray(PAGE - 4), patternPage(0x101).subarray(0, 4)]));
    expect(d.read(0x1008, 4).readUInt32LE(0)).toBe(1);
    d.close();
  });

  it('throws PageMissingError not-in-dump outside every segment', () => {
    const d = openDump(file);
    const err = (() => {
      try {
        d.page(5);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PageMissingError);
    expect((err as PageMissingError).reason).toBe('not-in-dump');
    expect((err as PageMissingError).paddr).toBe(5 * PAGE);
    expect(() => d.read(2 * PAGE - 8, 16)).toThrow(PageMissingError);
    d.close();
  });

  it('caches pages and counts stats', () => {
    const d = openDump(file, { cachePages: 2 });
    d.page(0);
    d.page(0); // hit: pfn 0 is marked as used
    d.page(1);
    d.page(0x100); // evicts pfn 1, the one not used since it was loaded (CLOCK)
    d.page(0); // hit
    d.page(1); // miss
    expect(d.stats).toEqual({ pagesRead: 4, cacheHits: 2, bytesRead: expect.any(Number) });
    expect(d.stats.bytesRead).toBeGreaterThanOrEqual(4 * PAGE);
    expect(d.page(1)).toBe(d.page(1)); // a hit returns the same buffer
    d.close();
  });

  it('uses p_paddr even when p_vaddr is set (kdump /proc/vmcore)', () => {
    const f = tmpFile('vmcore.kdump-elf', buildElf({ notes: [vmcoreinfoNote(VMCI)], segments: [{ paddr: 0x200000, vaddr: 0xffff888000200000n, data: patternPage(0x200) }] }));
    const d = openDump(f);
    expect(d.description).toBe('ELF vmcore');
    expect(d.page(0x200).equals(patternPage(0x200))).toBe(true);
    d.close();
  });

  it('e_flags bit 0 marks the dump incomplete', () => {
    const d = openDump(tmpFile('inc.elf', sample({ eFlags: 1 })));
    expect(d.incomplete).toBe(true);
    expect(d.description).toMatch(/marked incomplete/);
    d.close();
  });

  it('a file cut short is incomplete and its missing pages are truncated', () => {
    const full = sample();
    const cut = tmpFile('cut.elf', full.subarray(0, full.length - PAGE - 100));
    const d = openDump(cut);
    expect(d.incomplete).toBe(true);
    expect(d.description).toMatch(/truncated/);
    expect(d.page(0x100).equals(patternPage(0x100))).toBe(true);
    expect(() => d.page(0x102)).toThrow(expect.objectContaining({ reason: 'truncated' }));
    expect(d.hasPage(0x102)).toBe(false);
    expect(d.page(0x103).equals(Buffer.alloc(PAGE))).toBe(true); // declared zero-fill
    d.close();
  });

  it('rejects ELF files that are not x86-64 cores', () => {
    expect(() => openDump(tmpFile('exec.elf', sample({ type: 2 })))).toThrow(/not ET_CORE/);
    expect(() => openDump(tmpFile('arm.elf', sample({ machine: 183 })))).toThrow(/not x86-64/);
    expect(() => openDump(tmpFile('short.elf', sample().subarray(0, 40)))).toThrow(DumpFormatError);
    expect(() => openDump(tmpFile('noph.elf', sample().subarray(0, 300)))).toThrow(/truncated: .*program headers/);
  });

  it('opening reads only the headers (one 64 KiB block of the file at most)', () => {
    const d = openDump(file);
    expect(d.stats.bytesRead).toBeLessThanOrEqual(64 * 1024);
    d.close();
  });

  it('reads the program header count from section header 0 when e_phnum = PN_XNUM', () => {
    const d = openDump(tmpFile('xnum.elf', sample({ xnum: true })));
    expect(d.header.segments).toBe(2);
    expect(d.page(0x101).equals(patternPage(0x101))).toBe(true);
    expect(d.vmcoreinfo).toBe(VMCI);
    d.close();
  });
});

describe('kcore-style ELF', () => {
  // /proc/kcore: segments by kernel virtual address; RAM ones carry p_paddr, the others all
  // ones; the kernel text segment overlaps RAM; CORE notes include NT_TASKSTRUCT.
  const ram = Buffer.concat([patternPage(0x10), patternPage(0x11), patternPage(0x12), patternPage(0x13)]);
  const file = tmpFile(
    'kcore.elf',
    buildElf({
      notes: [prstatus(0), { name: 'CORE', type: 4, desc: Buffer.alloc(64) }, vmcoreinfoNote(VMCI)],
      paddrRaw: new Map([[0, 0xffffffffffffffffn]]),
      segments: [
        { paddr: 0, vaddr: 0xffffc90000000000n, data: Buffer.alloc(PAGE, 0x55) }, // vmalloc: no paddr
        { paddr: 0x10000, vaddr: 0xffff888000010000n, data: ram }, // direct map of RAM
        { paddr: 0x11000, vaddr: 0xffffffff81000000n, data: Buffer.concat([patternPage(0x11), patternPage(0x12)]) }, // text, overlapping
      ],
    }),
  );

  it('is recognised, skips segments without a physical address and trims overlaps', () => {
    const d = openDump(file);
    expect(d.format).toBe('kcore');
    expect(d.description).toMatch(/kcore/);
    expect(d.maxPfn).toBe(0x14);
    expect(d.hasPage(0)).toBe(false);
    for (const pfn of [0x10, 0x11, 0x12, 0x13]) expect(d.page(pfn).equals(patternPage(pfn))).toBe(true);
    expect(d.pageCounts()).toEqual({ present: 4, excluded: 0 });
    d.close();
  });
});
