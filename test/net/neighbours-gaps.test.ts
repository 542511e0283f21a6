// A damaged neighbour table is a marked gap, never a crash, a hang or a made-up row: the real
// bookworm dump with one page hidden, or one `next` pointer turned into a cycle.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernelFromDump } from '../../src/kernel/open.js';
import { netNamespaces } from '../../src/net/netns.js';
import { kernelClock } from '../../src/kernel/time.js';
import { walkNeighbours } from '../../src/net/neighbours.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { fixtureDir } from '../support/truth.js';
import { fixtureSession } from '../support/fixtures.js';
import { damagedDump } from '../support/damaged-dump.js';

const PATH = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');

const damaged = (hide: Set<number>, patch?: Map<number, (page: Buffer) => Buffer>) => damagedDump(PATH, hide, patch);

const walk = (k: Kernel) => walkNeighbours(k, netNamespaces(k), kernelClock(k));

describe('damaged neighbour tables (bookworm-6.1)', () => {
  const good = fixtureSession('bookworm-6.1').kernel;
  const goodRows = walk(good).rows;
  const victim = goodRows.find((r) => r.ip === '10.0.2.2')!;
  const pfn = Math.floor(good.mem.phys(victim.address) / 4096);

  it('a neighbour whose page is missing is a problem naming its bucket; the rest are listed', () => {
    const { rows, problems } = walk(openKernelFromDump(damaged(new Set([pfn]))));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.where).toMatch(/^(arp_tbl|nd_tbl) bucket \d+$/);
    expect(rows.some((r) => r.ip === '10.0.2.2')).toBe(false);
    const lost = goodRows.filter((r) => Math.floor(good.mem.phys(r.address) / 4096) === pfn).length;
    expect(rows.length).toBeGreaterThanOrEqual(goodRows.length - lost - 5);
    expect(rows.some((r) => r.ip === '2001:db8:1::fe')).toBe(true);
  });

  it('a chain that loops back on itself stops with a cycle problem', () => {
    const nextOff = good.off('struct neighbour', 'next');
    const at = good.mem.phys(victim.address + nextOff);
    const self = Buffer.alloc(8);
    self.writeBigUInt64LE(victim.address);
    const patch = new Map([[Math.floor(at / 4096), (p: Buffer) => (self.copy(p, at % 4096), p)]]);
    const { rows, problems } = walk(openKernelFromDump(damaged(new Set(), patch)));
    expect(problems.some((p) => p.kind === 'cycle' && /^arp_tbl bucket/.test(p.where))).toBe(true);
    expect(rows.filter((r) => r.ip === '10.0.2.2')).toHaveLength(1);
  });
});
