// The page bitmaps of a kdump-compressed file (kdump.ts) as 32-bit words: bit n is bit (n % 8)
// of byte n / 8, so on a little-endian machine the words are the file's bytes.

export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Whether this machine stores a Uint32Array's words little-endian, as the bitmaps are. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A page bitmap as words, restricted to pfns [lo, hi); bits outside read as clear. */
export function bitmapWords(buf: Buffer, lo: number, hi: number): Uint32Array {
  const n = Math.ceil(hi / 32);
  const w = new Uint32Array(n);
  const full = Math.min(n, buf.length >>> 2);
  // One copy where the words are the bytes (a readUInt32LE a word cost the prefetch worker,
  // whose code is cold, ~1.5 ms of its start on a 768 MiB machine's dump)
  if (LITTLE_ENDIAN) new Uint8Array(w.buffer, 0, full * 4).set(buf.subarray(0, full * 4));
  else for (let i = 0; i < full; i++) w[i] = buf.readUInt32LE(i * 4);
  if (full < n) {
    // A tail of fewer than 4 bytes.
    let v = 0;
    for (let b = full * 4, k = 0; b < buf.length && k < 4; b++, k++) v |= buf[b]! << (8 * k);
    w[full] = v >>> 0;
  }
  if (hi & 31) w[n - 1]! &= 0xffffffff >>> (32 - (hi & 31));
  for (let i = 0; i < lo >>> 5; i++) w[i] = 0;
  if (lo & 31) w[lo >>> 5]! &= ~(0xffffffff >>> (32 - (lo & 31))) >>> 0;
  return w;
}

/**
 * Set bits before each superblock of 16 words, then in all of them (rank[last]): a page's rank
 * is its superblock's plus at most 15 popcounts. One pass over the whole bitmap, at opening
 * (a 64 GiB machine: 16M pages, 512K words, ~3 ms; the 768 MiB VM's 6,144 words ~0.5 ms).
 * A local loop, not one through `this` and a call per word (cold code pays for each), and
 * words all clear or all set (holes, excluded or fully present ranges) add without a popcount.
 */
export function superblockRanks(words: Uint32Array): Uint32Array {
  const w = new Int32Array(words.buffer, words.byteOffset, words.length); // small ints, no heap numbers
  const n = w.length;
  const sbCount = (n >>> 4) + 1;
  const rank = new Uint32Array(sbCount + 1);
  let total = 0;
  for (let sb = 0, k = 0; sb < sbCount; sb++) {
    rank[sb] = total;
    for (const end = Math.min(k + 16, n); k < end; k++) {
      let v = w[k]!;
      if (v === 0) continue;
      if (v === -1) {
        total += 32;
        continue;
      }
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      total += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
  }
  rank[sbCount] = total;
  return rank;
}
