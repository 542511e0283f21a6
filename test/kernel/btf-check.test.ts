// --btf / --vmlinux types are checked against the dump before use: a BTF of another kernel
// (here 5.10's on the 6.1 dump) reads garbage, so it is refused with one line naming the file
// and the failed check; the right BTF — the file's or the dump's own — passes on every fixture.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Session } from '../../src/views/session.js';
import { btfMismatch } from '../../src/kernel/btf-check.js';
import { fixtureDir } from '../support/truth.js';
import { fixtureSession, presentFixtures } from '../support/fixtures.js';

const otherBtf = join(fixtureDir('bullseye-5.10'), 'vmlinux.btf');

describe('a BTF file is checked against the dump', () => {
  it('refuses the 5.10 BTF on the 6.1 dump, naming the file and the check', () => {
    const dump = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
    expect(() => Session.open(dump, { btf: otherBtf })).toThrow(
      new RegExp(`^--btf ${otherBtf.replace(/[.]/g, '\\.')}: not the BTF of this dump's kernel: .*(swapper|slab cache|list)`),
    );
  });

  it('the one-shot command exits non-zero with one line', () => {
    const dump = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', dump, '--btf', otherBtf, '-at'], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '../..'),
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => /not the BTF/.test(l))).toHaveLength(1);
  });

  it('accepts 5.10 with its own vmlinux.btf', () => {
    const dir = fixtureDir('bullseye-5.10');
    const s = Session.open(join(dir, 'vmcore.kdump'), { systemMap: join(dir, 'kallsyms'), btf: otherBtf });
    expect(btfMismatch(s.kernel)).toBeUndefined();
  });

  it.each(presentFixtures())("the dump's own BTF passes the same checks: %s", (name) => {
    expect(btfMismatch(fixtureSession(name).kernel)).toBeUndefined();
  });
});
