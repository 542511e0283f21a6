// Finding the BTF blob in kernel memory: via __start_BTF/__stop_BTF and by scanning.
import { describe, expect, it } from 'vitest';
import { findBtfInMemory } from '../../src/debuginfo/btf-in-memory.js';
import { Btf } from '../../src/debuginfo/btf.js';
import type { VirtualReader } from '../../src/debuginfo/types.js';
import { BtfBuilder } from './btf-builder.js';

const PAGE = 4096;
const MiB = 1 << 20;
const BASE = 0xffffffff81000000n; // _stext-like, 1 MiB aligned

/** Memory of `image` at BASE; pages listed in `missing` (page numbers from BASE) throw, like a dump without them. */
function fakeMemory(image: Buffer, missing: Set<number> = new Set()) {
  const stats = { calls: 0 };
  const read: VirtualReader = (addr, length) => {
    stats.calls++;
    const off = Number(addr - BASE);
    if (off < 0 || off + length > image.length) throw new Error(`address 0x${addr.toString(16)} not in the dump`);
    for (let p = Math.floor(off / PAGE); p <= Math.floor((off + length - 1) / PAGE); p++) {
      if (missing.has(p)) throw new Error(`page 0x${(BASE + BigInt(p * PAGE)).toString(16)} missing from the dump`);
    }
    return Buffer.from(image.subarray(off, off + length));
  };
  return { read, stats };
}

function smallBlob(): Buffer {
  const b = new BtfBuilder();
  const int = b.int('int', 4, { signed: true });
  b.struct('inet_hashinfo', 16, [{ name: 'lhash2_mask', type: int, bitOffset: 0 }, { name: 'lhash2', type: b.ptr(int), bitOffset: 64 }]);
  return b.build();
}

/** A blob over 1 MiB, so that reading it takes several chunks. */
function bigBlob(): Buffer {
  const b = new BtfBuilder();
  const int = b.int('int', 4, { signed: true });
  for (let i = 0; i < 60000; i++) b.struct(`s${i}`, 4, [{ name: 'x', type: int, bitOffset: 0 }]);
  return b.build();
}

/** A decoy: the header pattern followed by implausible section lengths. */
function decoy(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt16LE(0xeb9f, 0);
  h[2] = 1;
  h.writeUInt32LE(24, 4);
  h.writeUInt32LE(0, 8);
  h.writeUInt32LE(7, 12); // type_len not a multiple of 4
  return h;
}

describe('findBtfInMemory with __start_BTF/__stop_BTF', () => {
  it('reads the header, then the blob in one read (each page copied once)', () => {
    const blob = bigBlob();
    expect(blob.length).toBeGreaterThan(MiB);
    const image = Buffer.alloc(4 * MiB);
    blob.copy(image, 8192);
    const { read, stats } = fakeMemory(image);
    const start = BASE + 8192n;
    const got = findBtfInMemory(read, { start, end: start + BigInt(blob.length) });
    expect(got.equals(blob)).toBe(true);
    expect(stats.calls).toBe(2);
    expect(Btf.parse(got).findType('struct s59999')).toBe(60001);
  });

  it('says what it found when there is no header at __start_BTF', () => {
    const { read } = fakeMemory(Buffer.alloc(MiB, 0x41));
    expect(() => findBtfInMemory(read, { start: BASE + 16n, end: BASE + 4096n })).toThrow(
      /no BTF header at __start_BTF 0xffffffff81000010 \(bad magic 0x4141; bytes 4141414141414141\)/,
    );
  });

  it('refuses a blob longer than __stop_BTF - __start_BTF', () => {
    const blob = smallBlob();
    const image = Buffer.alloc(MiB);
    blob.copy(image, 0);
    const { read } = fakeMemory(image);
    expect(() => findBtfInMemory(read, { start: BASE, end: BASE + 10n })).toThrow(/claims \d+ bytes but __stop_BTF - __start_BTF is 10/);
  });

  it('names the address of a missing page inside the blob', () => {
    const blob = bigBlob();
    const image = Buffer.alloc(4 * MiB);
    blob.copy(image, 0);
    const { read } = fakeMemory(image, new Set([300]));
    expect(() => findBtfInMemory(read, { start: BASE, end: BASE + BigInt(blob.length) })).toThrow(
      /BTF at 0xffffffff81000000 \(\d+ bytes\): cannot read 0xffffffff81100000: page 0xffffffff8112c000 missing from the dump/,
    );
  });
});

describe('findBtfInMemory scanning the kernel image', () => {
  it('finds a header that straddles two 1 MiB reads, past a decoy and missing pages', () => {
    const blob = smallBlob();
    const image = Buffer.alloc(8 * MiB, 0xcc);
    decoy().copy(image, MiB + 100);
    const at = 3 * MiB - 5; // the 8-byte pattern crosses the 3 MiB read boundary
    blob.copy(image, at);
    const missing = new Set([260, 261, 262, 600]); // pages inside the 2nd and 3rd MiB
    const { read, stats } = fakeMemory(image, missing);
    const got = findBtfInMemory(read, { start: BASE, end: BASE + BigInt(image.length), scan: true });
    expect(got.equals(blob)).toBe(true);
    expect(Btf.parse(got).hasMember('struct inet_hashinfo', 'lhash2')).toBe(true);
    // 1 MiB reads, with page-by-page reads only in the two chunks holding missing pages
    expect(stats.calls).toBeLessThan(2 * 256 + 20);
  });

  it('finds a blob that is not page aligned deep in the range', () => {
    const blob = bigBlob();
    const image = Buffer.alloc(16 * MiB);
    const at = 11 * MiB + 0xb88; // like 6.1's __start_BTF = ...4c1b88
    blob.copy(image, at);
    const { read } = fakeMemory(image);
    expect(findBtfInMemory(read, { start: BASE, end: BASE + BigInt(image.length), scan: true }).equals(blob)).toBe(true);
  });

  it('explains a failed search: range, readable pages and rejected candidates', () => {
    const image = Buffer.alloc(2 * MiB);
    decoy().copy(image, 3 * 4096 + 8);
    const { read } = fakeMemory(image, new Set([0, 1]));
    expect(() => findBtfInMemory(read, { start: BASE, end: BASE + BigInt(image.length), scan: true })).toThrow(
      /no BTF header \(9f eb 01 00 18 00 00 00\) in 0xffffffff81000000\.\.0xffffffff81200000 \(510 of 512 pages readable\); candidates rejected: 0xffffffff81003008: type section 0\+7/,
    );
  });

  it('rejects a candidate whose blob has an unreadable page, and keeps looking', () => {
    const blob = smallBlob();
    const image = Buffer.alloc(4 * MiB);
    const big = bigBlob();
    big.copy(image, 0); // first candidate: page 100 of it is missing
    blob.copy(image, 3 * MiB);
    const { read } = fakeMemory(image, new Set([100]));
    expect(findBtfInMemory(read, { start: BASE, end: BASE + BigInt(image.length), scan: true }).equals(blob)).toBe(true);
  });

  it('rejects an empty range', () => {
    const { read } = fakeMemory(Buffer.alloc(PAGE));
    expect(() => findBtfInMemory(read, { start: BASE, end: BASE, scan: true })).toThrow(/is empty/);
  });
});
