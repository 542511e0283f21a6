// Opening a 5.10 dump (no kallsyms in VMCOREINFO) with the files a user may have instead:
// --system-map (here the guest's saved /proc/kallsyms) and --btf (the vmlinux's raw .BTF),
// and the messages when a given file does not belong to the dump.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Session } from '../../src/views/session.js';
import { fixtureDir } from '../support/truth.js';
import { fixtureSession } from '../support/fixtures.js';

const dir = fixtureDir('bullseye-5.10');
const dump = join(dir, 'vmcore.kdump');

describe('bullseye-5.10 with --system-map and --btf', () => {
  const s = Session.open(dump, { systemMap: join(dir, 'kallsyms'), btf: join(dir, 'vmlinux.btf') });

  it('says where symbols and types came from', () => {
    expect(s.kernel.sources.symbols).toContain('kallsyms');
    expect(s.kernel.sources.types).toBe(`BTF file ${join(dir, 'vmlinux.btf')}`);
  });

  it('lists the same sockets as when opened from the dump alone', () => {
    const alone = fixtureSession('bullseye-5.10');
    for (const f of ['tcp', 'unix'] as const) {
      expect(s.tables.sockets(f).rows.map((r) => r.sock).sort()).toEqual(alone.tables.sockets(f).rows.map((r) => r.sock).sort());
    }
  });

  it('a System.map with link-time addresses gets the KASLR offset added', () => {
    const kaslr = s.kernel.kaslrOffset;
    const lines = readFileSync(join(dir, 'kallsyms'), 'utf8').split('\n').filter((l) => l && !l.includes('['));
    const linkTime = lines.map((l) => {
      const [a, t, n] = l.split(' ');
      const v = BigInt('0x' + a);
      // per-CPU offsets (small absolute values) do not move with KASLR
      return `${(v >= 0xffffffff80000000n ? v - kaslr : v).toString(16).padStart(16, '0')} ${t} ${n}`;
    });
    const tmp = join(mkdtempSync(join(tmpdir(), 'xps-')), 'System.map');
    writeFileSync(tmp, linkTime.join('\n') + '\n');
    const m = Session.open(dump, { systemMap: tmp, btf: join(dir, 'vmlinux.btf') });
    expect(m.kernel.trySymbol('tcp_hashinfo')).toBe(s.kernel.trySymbol('tcp_hashinfo'));
    expect(m.tables.sockets('tcp').rows.length).toBe(s.tables.sockets('tcp').rows.length);
  });

  it("refuses a System.map of another kernel, naming the file", () => {
    const other = join(fixtureDir('bookworm-6.1'), 'truth.txt');
    const tmp = join(mkdtempSync(join(tmpdir(), 'xps-')), 'System.map');
    writeFileSync(tmp, 'ffffffff81200000 T _stext\nffffffff82000000 D init_net\n');
    expect(() => Session.open(dump, { systemMap: tmp })).toThrow(/System\.map|_stext/);
    expect(() => Session.open(dump, { btf: other })).toThrow(/truth\.txt/);
  });
});
