// The bigint helpers the walkers' hot paths use (src/kernel/u64.ts) give what the plain bigint
// operations give: readU64 as Buffer.readBigUInt64LE, low32 as `x & 0xffffffffn`, sortedOrder
// as a stable sort of the indices by comparing the bigints (ties, descending).

import { describe, expect, it } from 'vitest';
import { low32, readU64, sortedOrder } from '../../src/kernel/u64.js';

/** The reference: a stable sort of the indices with a bigint comparator. */
function byComparator(xs: bigint[], descending = false): number[] {
  const sign = descending ? -1 : 1;
  return Array.from(xs.keys()).sort((i, j) => sign * (xs[i]! < xs[j]! ? -1 : xs[i]! > xs[j]! ? 1 : 0));
}

/** A deterministic run of pseudo-random 32-bit numbers. */
function* numbers(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    yield x;
  }
}

describe('u64 helpers', () => {
  it('readU64 reads what readBigUInt64LE reads, and throws where it throws', () => {
    const b = Buffer.alloc(64);
    const r = numbers(7);
    for (let i = 0; i < 64; i++) b[i] = r.next().value & 0xff;
    b.fill(0xff, 8, 16);
    for (let o = 0; o <= 56; o++) expect(readU64(b, o)).toBe(b.readBigUInt64LE(o));
    expect(() => readU64(b, 57)).toThrow(RangeError);
    expect(() => readU64(b, -1)).toThrow(RangeError);
  });

  it('low32 is the low word', () => {
    for (const x of [0n, 1n, 0xffffffffn, 0x1_0000_0000n, 0xffff888012345679n, 0xffffffffffffffffn]) expect(low32(x)).toBe(Number(x & 0xffffffffn));
  });

  it('sortedOrder orders kernel addresses as a stable comparator sort does, both ways', () => {
    const r = numbers(42);
    const base = 0xffff888000000000n;
    const xs: bigint[] = [];
    for (let i = 0; i < 5000; i++) xs.push(base + BigInt(r.next().value % 4096) * 0x1_0000_0000n + BigInt(r.next().value & ~7));
    // ties: the same address several times, and the lowest and highest values
    for (let i = 0; i < 200; i++) xs.push(xs[r.next().value % xs.length]!);
    xs.push(base, base, 0xffffc90000000000n);
    for (const desc of [false, true]) expect([...sortedOrder(xs, desc)]).toEqual(byComparator(xs, desc));
  });

  it('sortedOrder orders any values, and none', () => {
    const xs = [0xffff888000000010n, 5n, 0xffff888000000008n, 5n, 0x8000_0000_0000_0000n, 0n];
    for (let i = 0; i < 100; i++) xs.push(BigInt(i % 7) * 0x1000_0000_0000_0000n + BigInt(i));
    for (const desc of [false, true]) expect([...sortedOrder(xs, desc)]).toEqual(byComparator(xs, desc));
    for (const desc of [false, true]) expect([...sortedOrder(xs.slice(0, 6), desc)]).toEqual(byComparator(xs.slice(0, 6), desc));
    expect([...sortedOrder([])]).toEqual([]);
    const few = [0xffff888000000010n, 0xffff888000000008n, 0xffff888000000010n, 0xffff888000000000n, 0xffff888000000008n];
    for (const desc of [false, true]) expect([...sortedOrder(few, desc)]).toEqual(byComparator(few, desc));
    expect([...sortedOrder([7n])]).toEqual([0]);
  });
});
