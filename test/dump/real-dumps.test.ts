// Real dumps of QEMU guests (dumps/<suite>-<ver>/, made by dumps/make-dump.sh): vmcore.kdump
// (makedumpfile -d 31), vmcore.flat (the same with -F), vmcore.felf (-E, when small enough),
// vmcore.elf.zst (QEMU's raw ELF, zstd-compressed), meta.json and truth.txt.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
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

const hasZstd = ((): boolean => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Every pfn `d` holds, every `step`-th one. */
function presentPfns(d: PhysicalDump, step = 1): number[] {
  const out: number[] = [];
  for (let pfn = 0, k = 0; pfn < d.maxPfn; pfn++) if (d.hasPage(pfn) && k++ % step === 0) out.push(pfn);
  return out;
}

it('real dump fixtures are present (or this machine has none yet)', () => {
  // Not a failure when dumps/ has not been generated; the suites below then do not run.
  expect(Array.isArray(fixtures)).toBe(true);
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
    expect(present).toBeLessThan(ramPages);
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
    expect(reasons.excluded).toBe(d.pageCounts().excluded);
    expect(reasons.corrupt).toBeUndefined();
    expect(reasons.truncated).toBeUndefined();
    expect(banner).toBe(true);
    d.close();
  });

  it.skipIf(!fs.existsSync(file('vmcore.flat')))('vmcore.flat: same header, same pages as vmcore.kdump', () => {
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

  it.skipIf(!fs.existsSync(file('vmcore.felf')))('vmcore.felf: pages makedumpfile kept equal vmcore.kdump', () => {
    const felf = openDump(file('vmcore.felf'), { cachePages: 64 });
    expect(felf.format).toBe('elf');
    expect(felf.vmcoreinfo).toBe(kdump.vmcoreinfo);
    expect(felf.pageCounts().excluded).toBeGreaterThan(0);
    let same = 0;
    const pfns = presentPfns(kdump);
    for (const pfn of pfns) if (felf.page(pfn).equals(kdump.page(pfn))) same++;
    expect(same).toBe(pfns.length);
    felf.close();
  });

  // QEMU's own kdump-zlib output (flattened, written by QEMU rather than makedumpfile): every
  // page, an empty utsname but for machine, and a phys_base QEMU got wrong.
  it.skipIf(!fs.existsSync(file('vmcore.qemu-kdump-zlib')))('vmcore.qemu-kdump-zlib: QEMU\'s flattened kdump agrees with vmcore.kdump', () => {
    const q = openDump(file('vmcore.qemu-kdump-zlib'), { cachePages: 64 });
    expect(q.format).toBe('kdump-flattened');
    expect(q.header.machine).toBe('x86_64');
    expect(q.header.release).toBe('');
    expect(q.vmcoreinfo).toBe(kdump.vmcoreinfo);
    expect(q.pageCounts().present).toBeGreaterThan(kdump.pageCounts().present);
    let same = 0;
    const pfns = presentPfns(kdump, 3);
    for (const pfn of pfns) if (q.page(pfn).equals(kdump.page(pfn))) same++;
    expect(same).toBe(pfns.length);
    q.close();
  });

  it.skipIf(!fs.existsSync(file('vmcore.elf.zst')))('vmcore.elf.zst: refused with advice, and once decompressed matches vmcore.kdump', () => {
    expect(() => openDump(file('vmcore.elf.zst'))).toThrow(DumpFormatError);
    expect(() => openDump(file('vmcore.elf.zst'))).toThrow(/zstd -d/);
    if (!hasZstd) return;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xportshow-elf-'));
    const elfPath = path.join(tmp, 'vmcore.elf');
    try {
      execFileSync('zstd', ['-q', '-d', '-f', file('vmcore.elf.zst'), '-o', elfPath]);
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
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
