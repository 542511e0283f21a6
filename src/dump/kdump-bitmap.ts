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
