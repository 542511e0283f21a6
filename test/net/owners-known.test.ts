// The owner index takes the files of sockets already read with their inodes from
// socket->file instead of reading each struct file again (src/net/owners.ts): built before
// any table (every file read) and after the TCP table (those files known), it must be the same.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Session } from '../../src/views/session.js';
import { presentFixtures } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';
import type { OwnerIndex } from '../../src/net/owners.js';

/** Every owner of the index as pid:fd:file:socket:sk, by pid. */
function owners(idx: OwnerIndex): string[] {
  const out: string[] = [];
  for (const t of idx.tasks) {
    for (const o of idx.byPid.get(t.pid) ?? []) out.push(`${o.pid}:${o.fd}:${o.file}:${o.socket}:${o.sk}`);
  }
  return out.sort();
}

/** The addresses the session's memory is asked to view from now on. */
function recordViews(s: Session): Set<bigint> {
  const seen = new Set<bigint>();
  const mem = s.kernel.mem;
  const view = mem.viewBuf.bind(mem);
  mem.viewBuf = ((addr: bigint, ...rest: unknown[]) => {
    seen.add(addr);
    return (view as (...a: unknown[]) => Buffer)(addr, ...rest);
  }) as typeof mem.viewBuf;
  return seen;
}

describe.each(presentFixtures())('the owner index on %s', (name) => {
  it('is the same with the TCP sockets\' files known as with every file read', () => {
    const path = join(fixtureDir(name), 'vmcore.kdump');
    const cold = Session.open(path);
    const warm = Session.open(path);
    try {
      const first = cold.tables.owners();
      const tcp = warm.tables.sockets('tcp').rows;
      const viewed = recordViews(warm);
      const after = warm.tables.owners();
      const viewedCold = recordViews(cold);
      cold.tables.owners.call(cold.tables); // cached: nothing read again

      expect(owners(after)).toEqual(owners(first));
      expect(after.problems).toEqual(first.problems);
      // TCP sockets held by a process: their owners found through the known files
      const held = tcp.filter((r) => after.bySock.has(r.sock));
      expect(held.length).toBeGreaterThan(3);
      for (const r of held) expect(after.bySock.get(r.sock)!.map((o) => o.fd)).toEqual(first.bySock.get(r.sock)!.map((o) => o.fd));
      // ... and their struct files were not read again
      const files = new Set(held.flatMap((r) => after.bySock.get(r.sock)!.map((o) => o.file)));
      expect([...viewed].filter((a) => files.has(a))).toEqual([]);
      expect(viewedCold.size).toBe(0);
    } finally {
      cold.close();
      warm.close();
    }
  });
});
