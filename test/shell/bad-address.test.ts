// A bad address is one line (crash's "invalid kernel virtual address"), not a line per member
// or per word; a range that runs into a page the dump left out prints what it can and one line
// for the rest. On the bundled 6.1 dump.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';

const s = fixtureSession('bookworm-6.1');
const k = s.kernel;

/** The last 64 bytes of a direct-map page in the dump whose next page the dump left out. */
function edgeOfDump(): bigint {
  const base = k.mem.u64(k.symbol('page_offset_base'));
  for (let p = 0x1000; p < k.dump.maxPfn; p++) {
    if (k.dump.hasPage(p) && !k.dump.hasPage(p + 1)) return base + BigInt(p + 1) * 4096n - 64n;
  }
  throw new Error('no page followed by a missing one');
}

describe('bad addresses', () => {
  it('struct sock 0x1234 is one line', () => {
    const r = runLine(s, 'struct sock 0x1234');
    expect(r.lines).toHaveLength(1);
    expect(r.error).toMatch(/^struct sock: invalid kernel virtual address: 0x1234\b/);
  });

  it('rd 0x1234 65536 is one line', () => {
    const r = runLine(s, 'rd 0x1234 65536');
    expect(r.lines).toHaveLength(1);
    expect(r.error).toMatch(/invalid kernel virtual address: 0x1234\b/);
  });

  it('the one-shot command exits non-zero', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', join(fixtureDir('bookworm-6.1'), 'vmcore.kdump'), 'struct', 'sock', '0x1234'], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '../..'),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.split('\n').filter((l) => /invalid kernel virtual address/.test(l))).toHaveLength(1);
  });

  it('a struct running into a page left out of the dump: readable members, then one line per level', () => {
    const a = edgeOfDump();
    const r = runLine(s, `struct sock 0x${a.toString(16)}`);
    expect(r.error).toBeUndefined();
    expect(r.lines).toContain('    skc_family = 0,');
    const gaps = r.lines.filter((l) => /not in the dump/.test(l));
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.length).toBeLessThanOrEqual(6);
    expect(r.lines.length).toBeLessThan(80);
  });

  it('rd across that edge: the readable words, then one line for the rest', () => {
    const a = edgeOfDump() + 32n;
    const r = runLine(s, `rd 0x${a.toString(16)} 20`);
    expect(r.error).toBeUndefined();
    expect(r.lines[0]).toMatch(new RegExp(`^${a.toString(16)}:  [0-9a-f]{16}  [0-9a-f]{16}`));
    expect(r.lines).toHaveLength(3);
    expect(r.lines[2]).toMatch(/not in the dump/);
  });
});
