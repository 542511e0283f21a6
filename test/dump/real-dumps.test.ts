// Real dumps of QEMU guests (dumps/<suite>-<ver>/, made by dumps/make-dump.sh): vmcore.kdump
// (makedumpfile -d 31), vmcore.flat (the same with -F), vmcore.felf (-E, when small enough),
// vmcore.elf.zst (QEMU's raw ELF, zstd-compressed), meta.json and truth.txt.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
import { unpackZst } from '../support/unpack.js';
import { FIXTURE_NAMES } from '../support/truth.js';
import { DumpFormatError, PageMissingError, type PhysicalDump } from '../../src/dump/types.js';

const root = path.join(import.meta.dirname, '../../dumps');
const fixtures = fs.existsSync(root)
  ? fs
      .readdirSync(root)
      .filter((d) => fs.existsSync(path.join(root, d, 'meta.json')) && fs.existsSync(path.join(root, d, 'vmcore.kdump')))
      .sort()
  : [];

interface Meta {
  kernelRelease: string;
  compression: string;
  dumpLevel: number;
  guestMemMiB: number;
  cpus: number;
  buildId?: string;
}

/** One section of truth.txt ("@@@ BEGIN name" ... "@@@ END name"). */
function truth(dir: string, section: string): string | undefined {
  const t = fs.readFileSync(path.join(dir, 'truth.txt'), 'utf8');
  const m = new RegExp(`^@@@ BEGIN ${section.replace(/\./g, '\\.')}\\n([\\s\\S]*?)^@@@ END ${section.replace(/\./g, '\\.')}$`, 'm').exec(t);
  return m?.[1]?.trimEnd();
}

/** Every pfn `d` holds, every `step`-th one. */
function presentPfns(d: PhysicalDump, step = 1): number[] {
  const out: number[] = [];
  for (let pfn = 0, k = 0; pfn < d.maxPfn; pfn++) if (d.hasPage(pfn) && k++ % step === 0) out.push(pfn);
  return out;
}

it('every dump directory with a vmcore.kdump is tested, the three kernel fixtures among them', () => {
  // a fixture without meta.json would be skipped silently by the filter above
  const withKdump = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'vmcore.kdump'))).sort();
  expect(fixtures).toEqual(withKdump);
  expect(fixtures).toEqual(expect.arrayContaining([...FIXTURE_NAMES]));
});

describe.each(fixtures)('real dump %s', (name) => {
  const dir = path.join(root, name);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  const file = (f: string): string => path.join(dir, f);
  const kdump = openDump(file('vmcore.kdump'));
  afterAll(() => kdump.close());

  it('vmcore.kdump: format, header and VMCOREINFO agree with meta.json and truth.txt', () => {
    expect(kdump.format).toBe('kdump');
    expect(kdump.description).toBe(`kdump-compressed v6, ${meta.compression}`);
    expect(kdump.pageSize).toBe(4096);
    expect(kdump.incomplete).toBe(false);
    expect(kdump.vmcoreinfo!.split('\n')).toContain(`OSRELEASE=${meta.kernelRelease}`);
    if (meta.buildId) expect(kdump.vmcoreinfo!.split('\n')).toContain(`BUILD-ID=${meta.buildId}`);
    expect(kdump.header.release).toBe(meta.kernelRelease);
    expect(kdump.header.machine).toBe('x86_64');
    expect(kdump.header.nr_cpus).toBe(meta.cpus);
    expect(kdump.header.dump_level).toBe(meta.dumpLevel);
    expect(kdump.header.compression).toBe(meta.compression);
    const nodename = truth(dir, 'uname.n');
    if (nodename) expect(kdump.header.nodename).toBe(nodename);
    const version = truth(dir, 'uname.v');
    if (version) expect(kdump.header.version).toBe(version);
    // QEMU's notes survive makedumpfile: one NT_PRSTATUS per CPU and the VMCOREINFO
    expect(kdump.notes.filter((n) => n.name === 'CORE' && n.type === 1)).toHaveLength(meta.cpus);
    expect(kdump.notes.filter((n) => n.name === 'VMCOREINFO')).toHaveLength(1);
  });

  it('vmcore.kdump: page counts are plausible for the guest size', () => {
    const { present, excluded } = kdump.pageCounts();
    const ramPages = (meta.guestMemMiB * 1024 * 1024) / 4096;
    expect(present).toBeGreaterThan(ramPages * 0.02);
    // level 1 (sid-7.2-host: zero pages only, stored once and still present) keeps every page
    if (meta.dumpLevel > 1) expect(present).toBeLessThan(ramPages);
    else expect(present).toBeLessThanOrEqual(ramPages);
    expect(present + excluded).toBeGreaterThan(ramPages * 0.9); // RAM known to the 1st bitmap
    expect(present + excluded).toBeLessThanOrEqual(ramPages * 1.05);
    expect(kdump.maxPfn).toBeGreaterThanOrEqual(ramPages);
    expect(presentPfns(kdump).length).toBe(present);
  });

  it('vmcore.kdump: every present page decodes, excluded ones say so', () => {
    const d = openDump(file('vmcore.kdump'), { cachePages: 64 });
    let ok = 0;
    let banner = false;
    const bannerText = Buffer.from(`Linux version ${meta.kernelRelease} `); // linux_banner in .rodata
    const reasons: Record<string, number> = {};
    for (let pfn = 0; pfn < d.maxPfn; pfn++) {
      try {
        const page = d.page(pfn);
        expect(page.length).toBe(4096);
        if (!banner && page.includes(bannerText)) banner = true;
        ok++;
      } catch (e) {
        if (!(e instanceof PageMissingError)) throw e;
        reasons[e.reason] = (reasons[e.reason] ?? 0) + 1;
      }
    }
    expect(ok).toBe(d.pageCounts().present);
    expect(reasons.excluded ?? 0).toBe(d.pageCounts().excluded);
    expect(reasons.corrupt).toBeUndefined();
    expect(reasons.truncated).toBeUndefined();
    expect(banner).toBe(true);
    d.close();
  });

  if (fs.existsSync(file('vmcore.flat'))) it('vmcore.flat: same header, same pages as vmcore.kdump', () => {
    const flat = openDump(file('vmcore.flat'), { cachePages: 64 });
    expect(flat.format).toBe('kdump-flattened');
    expect(flat.description).toMatch(new RegExp(`^kdump-compressed v6, ${meta.compression}, flattened \\(\\d+ records\\)$`));
    expect(flat.incomplete).toBe(false);
    expect(flat.vmcoreinfo).toBe(kdump.vmcoreinfo);
    expect(flat.header.release).toBe(meta.kernelRelease);
    expect(flat.pageCounts()).toEqual(kdump.pageCounts());
    const pfns = presentPfns(kdump);
    expect(presentPfns(flat)).toEqual(pfns);
    let same = 0;
    for (const pfn of pfns) if (flat.page(pfn).equals(kdump.page(pfn))) same++;
    expect(same).toBe(pfns.length);
    flat.close();
  });

  // The filtered ELF and QEMU's own flattened output of another boot are checked against that
  // boot's truth in test/net/dump-forms.test.ts (dumps/bookworm-6.1-qemu).

  if (fs.existsSync(file('vmcore.elf.zst'))) it('vmcore.elf.zst: refused with advice, and once decompressed matches vmcore.kdump', () => {
    expect(() => openDump(file('vmcore.elf.zst'))).toThrow(DumpFormatError);
    expect(() => openDump(file('vmcore.elf.zst'))).toThrow(/zstd -d/);
    const elfPath = unpackZst(file('vmcore.elf.zst'));
    {
      const elf = openDump(elfPath, { cachePages: 64 });
      expect(elf.format).toBe('elf');
      expect(elf.description).toBe('ELF (QEMU, physical addresses only)'); // p_vaddr = 0
      expect(elf.vmcoreinfo).toBe(kdump.vmcoreinfo);
      expect(elf.notes.filter((n) => n.name === 'QEMU')).toHaveLength(meta.cpus);
      expect(elf.header.nr_cpus).toBe(meta.cpus);
      expect(elf.pageCounts().present).toBeGreaterThan(kdump.pageCounts().present);
      let same = 0;
      const pfns = presentPfns(kdump, 3);
      for (const pfn of pfns) if (elf.page(pfn).equals(kdump.page(pfn))) same++;
      expect(same).toBe(pfns.length);
      elf.close();
    }
  });
});
