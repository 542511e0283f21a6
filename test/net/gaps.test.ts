// Bad data never stops a listing: a page missing from the dump or a corrupt chain becomes a
// marked line naming the table and address, and the rest of the table is still listed.
// The dumps are real; only the damage is simulated, by hiding or patching one page.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernelFromDump } from '../../src/kernel/open.js';
import { Session } from '../../src/views/session.js';
import { runLine } from '../../src/shell/dispatch.js';
import { allTcp, fixtureDir } from '../support/truth.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { expectRowsMatchTruth } from '../support/match.js';
import { localText, remoteData, type SocketRow } from '../../src/net/socket-row.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { damagedDump } from '../support/damaged-dump.js';

const PATH = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');

const damaged = (hide: Set<number>, patch?: Map<number, (page: Buffer) => Buffer>) => damagedDump(PATH, hide, patch);

/** The sockets after `sock` in its ehash chain (hlist_nulls: a next pointer with bit 0 set ends it). */
function chainAfter(k: Kernel, sock: bigint): bigint[] {
  const next = k.field('struct sock_common', 'skc_nulls_node.next');
  const node = k.off('struct sock_common', 'skc_nulls_node');
  const out: bigint[] = [];
  for (let n = k.ptr(sock, next); !(n & 1n) && out.length < 1000; n = k.ptr(n - node, next)) out.push(n - node);
  return out;
}

describe('damaged dumps', () => {
  const good = fixtureSession('bookworm-6.1');
  const goodTcp = good.tables.sockets('tcp').rows;
  const truthTcp = fixtureTruth('bookworm-6.1').netns.flatMap((ns) => allTcp(ns).map((r) => ({ ...r, netns: ns.inode })));
  /** The guest's TCP rows without those of `lost` sockets (matched by netns and endpoints). */
  const truthWithout = (lost: Set<bigint>) => {
    const key = (netns: number, local: string, remote: string) => `${netns} ${local} ${remote}`;
    const gone = new Set(goodTcp.filter((r) => lost.has(r.sock)).map((r) => key(r.netns, localText(r), remoteData(r))));
    return truthTcp.filter((r) => !gone.has(key(r.netns, r.local, r.remote)));
  };
  const fields = { netns: 'netns', local: [localText, 'local'], remote: [remoteData, 'remote'], state: 'state', inode: 'inode' } as const;
  // an established socket in the middle of some ehash chain (not the first of its bucket)
  const victim = goodTcp.find((r) => r.state === 'ESTABLISHED' && r.kind === 'sock' && r.localPort === 8080)!;
  const pfn = Math.floor(good.kernel.mem.phys(victim.sock) / 4096);

  it('a socket whose page is missing is a marked gap; the other sockets are listed', () => {
    const s = new Session(openKernelFromDump(damaged(new Set([pfn]))), PATH, 0);
    const t = s.tables.sockets('tcp');
    expect(t.problems.length).toBeGreaterThan(0);
    expect(t.problems[0].where).toMatch(/tcp (ehash|lhash2)/);
    expect(t.problems[0].detail).toMatch(/not in the dump/);
    // lost: the sockets on the hidden page, and the rest of their chains (the walk cannot get past them)
    const onPage = goodTcp.filter((r) => Math.floor(good.kernel.mem.phys(r.sock) / 4096) === pfn);
    const lost = new Set(onPage.flatMap((r: SocketRow) => [r.sock, ...chainAfter(good.kernel, r.sock)]));
    expect(onPage.map((r) => r.sock)).toContain(victim.sock);
    expectRowsMatchTruth(t.rows, truthWithout(lost), fields, 'tcp with a hidden page');
    expect(t.rows.length).toBe(truthTcp.length - lost.size);
    expect(t.rows.some((r) => r.state === 'LISTEN')).toBe(true);
    const out = runLine(s, '-at');
    expect(out.error).toBeUndefined();
    expect(out.lines.some((l) => l.startsWith('!! tcp'))).toBe(true);
    expect(out.lines.some((l) => l.includes('LISTEN'))).toBe(true);
  });

  it('a chain that loops back on itself is cut with a "cycle" mark', () => {
    const k = good.kernel;
    const nodeOff = k.off('struct sock_common', 'skc_nulls_node');
    const link = victim.sock + nodeOff; // victim's hlist_nulls_node.next: point it at itself
    const phys = k.mem.phys(link);
    const patch = new Map([[Math.floor(phys / 4096), (p: Buffer) => (p.writeBigUInt64LE(link, phys % 4096), p)]]);
    const s = new Session(openKernelFromDump(damaged(new Set(), patch)), PATH, 0);
    const t = s.tables.sockets('tcp');
    expect(t.problems.map((p) => p.kind)).toContain('cycle');
    expect(t.rows.filter((r) => r.sock === victim.sock)).toHaveLength(1);
    // the loop is cut at the victim: only what followed it in its chain is lost
    const lost = new Set(chainAfter(k, victim.sock));
    expectRowsMatchTruth(t.rows, truthWithout(lost), fields, 'tcp with a looping chain');
    expect(t.rows.length).toBe(truthTcp.length - lost.size);
  });

  it('a pointer into nowhere is cut with a "bad-pointer" mark', () => {
    const k = good.kernel;
    const link = victim.sock + k.off('struct sock_common', 'skc_nulls_node');
    const phys = k.mem.phys(link);
    const patch = new Map([[Math.floor(phys / 4096), (p: Buffer) => (p.writeBigUInt64LE(0x1234567800n, phys % 4096), p)]]);
    const s = new Session(openKernelFromDump(damaged(new Set(), patch)), PATH, 0);
    const t = s.tables.sockets('tcp');
    expect(t.problems.map((p) => p.kind)).toContain('bad-pointer');
    expect(t.rows.some((r) => r.sock === victim.sock)).toBe(true);
  });
});
