// Files written by the real makedumpfile (1.7.2) from a synthetic ELF vmcore: every page must
// read back byte-for-byte as in the source ELF, through every format and compression.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
import { PageMissingError } from '../../src/dump/types.js';
import { mdfSourceElf, tmpFile } from './build.js';

const fx = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);
const source = openDump(tmpFile('mdf-source.elf', mdfSourceElf()));
const sourcePfns = [...Array(40).keys(), ...Array.from({ length: 24 }, (_, i) => 256 + i)];

const cases: [string, string, string][] = [
  ['mdf-zlib.kdump', 'kdump', 'kdump-compressed v6, zlib'],
  ['mdf-lzo.kdump', 'kdump', 'kdump-compressed v6, lzo'],
  ['mdf-plain.kdump', 'kdump', 'kdump-compressed v6, uncompressed'],
  ['mdf-lzo.flat', 'kdump-flattened', 'kdump-compressed v6, lzo, flattened'],
  ['mdf-zlib.flat', 'kdump-flattened', 'kdump-compressed v6, zlib, flattened'],
];

describe.each(cases)('makedumpfile output %s', (file, format, description) => {
  it('has the expected format, header and VMCOREINFO', () => {
    const d = openDump(fx(file));
    expect(d.format).toBe(format);
    expect(d.description.startsWith(description)).toBe(true);
    expect(d.header.release).toBe('6.1.0-test-amd64');
    expect(d.header.nodename).toBe('mdfhost');
    expect(d.header.dump_level).toBe(0);
    expect(d.vmcoreinfo).toMatch(/^OSRELEASE=6\.1\.0-test-amd64$/m);
    expect(d.notes.map((n) => n.name)).toEqual(['VMCOREINFO']);
    expect(d.maxPfn).toBe(280);
    expect(d.incomplete).toBe(false);
    expect(d.pageCounts()).toEqual({ present: 64, excluded: 0 });
    d.close();
  });

  it('holds every source page byte-for-byte and nothing else', () => {
    const d = openDump(fx(file));
    for (const pfn of sourcePfns) expect(d.page(pfn).equals(source.page(pfn)), `pfn ${pfn}`).toBe(true);
    expect(d.hasPage(100)).toBe(false);
    expect(() => d.page(100)).toThrow(PageMissingError);
    expect(d.read(0x3000 + 130, 16).toString('latin1').replace(/\0+$/, '')).toBe('6.1.0-test-amd64');
    d.close();
  });
});
