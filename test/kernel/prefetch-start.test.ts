// The prefetch worker starts at opening only for a kernel with many TCP sockets
// (src/kernel/prefetch-start.ts): the fixtures have a few dozen, so the CLI's opening of them
// starts none.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openKernel } from '../../src/kernel/open.js';
import { startPrefetchBeforeTypes, startPrefetchForLargeTables } from '../../src/kernel/prefetch-start.js';
import type { BaseDump } from '../../src/dump/base.js';
import { fixtureDir } from '../support/truth.js';

describe('startPrefetchForLargeTables on bookworm-6.1', () => {
  const path = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');

  it('opened as the CLI opens it for a socket table: a small dump starts no worker', () => {
    const k = openKernel(path, { prefetch: true, prefetchEarly: true });
    try {
      expect((k.mem.dump as BaseDump).prefetchStats).toBeUndefined();
    } finally {
      k.mem.dump.close();
    }
  });

  it('starts it from a count of TCP sockets at or above the threshold, and only with prefetch', () => {
    const k = openKernel(path, { prefetch: true });
    const plain = openKernel(path);
    try {
      expect(startPrefetchForLargeTables(k, 1_000_000)).toBe(false);
      expect(startPrefetchForLargeTables(k, 1)).toBe(true);
      expect((k.mem.dump as BaseDump).prefetchStats).toEqual({ taken: 0, claimed: 0, decoded: 0 });
      startPrefetchForLargeTables(plain, 1);
      expect((plain.mem.dump as BaseDump).prefetchStats).toBeUndefined();
    } finally {
      k.mem.dump.close();
      plain.mem.dump.close();
    }
  });

  it('before the types: the count at offset 8 of the percpu_counter, as the BTF places it', () => {
    const k = openKernel(path, { prefetch: true });
    try {
      expect(k.off('struct percpu_counter', 'count')).toBe(8n);
      const n = Number(k.mem.s64(k.symbol('tcp_sockets_allocated') + 8n));
      expect(n).toBeGreaterThan(0);
      expect(startPrefetchBeforeTypes(k.mem, k.symbols, n + 1)).toBe(false);
      expect((k.mem.dump as BaseDump).prefetchStats).toBeUndefined();
      expect(startPrefetchBeforeTypes(k.mem, k.symbols, n)).toBe(true);
      expect((k.mem.dump as BaseDump).prefetchStats).toBeDefined();
    } finally {
      k.mem.dump.close();
    }
  });
});
