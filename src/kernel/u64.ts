// A little-endian u64 out of a Buffer as one bigint. Buffer.readBigUInt64LE makes four
// (BigInt(lo) + (BigInt(hi) << 32n)): every pointer a walker follows is read this way, so on a
// 10,000-socket table that is ~400,000 short-lived bigints, and young-generation collections.
// Here the two halves are stored into an 8-byte scratch array and read back as one BigUint64.

const scratch = new BigUint64Array(1);
const halves = new Uint32Array(scratch.buffer);

/** b.readBigUInt64LE(o), making one bigint (out of range: the same RangeError). */
export function readU64(b: Uint8Array, o: number): bigint {
  if (o < 0 || o + 8 > b.length) return Buffer.prototype.readBigUInt64LE.call(b, o);
  halves[0] = b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
  halves[1] = b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16) | (b[o + 7]! << 24);
  return scratch[0]!;
}

/** The low 32 bits of a bigint (≥ 0) as a number, without making a bigint (`x & 0xffffffffn`
 *  would). */
export function low32(x: bigint): number {
  scratch[0] = x;
  return halves[0]!;
}

/** Past this spread of high halves, hi * 2^32 + lo is no longer exact in a double. */
const EXACT_HI_SPREAD = 2 ** 21;
/** Up to this many values the comparator is cheaper than the arrays (a process's few files). */
const SMALL = 64;

/**
 * The indices of `xs` (bigints ≥ 0) in ascending order of value — descending with
 * `descending` — equal values in the order they come: what a stable sort by comparing the
 * bigints gives, without calling a comparator per comparison (~130,000 calls for a
 * 10,000-socket table). Kernel addresses lie within 2^53 of each other: then each is a double
 * relative to the lowest high half, the doubles sorted natively, and each index placed by a
 * binary search for its value; otherwise (and for a few values) the comparator.
 */
export function sortedOrder(xs: readonly bigint[], descending = false): Int32Array {
  const n = xs.length;
  if (n <= SMALL) return byComparator(xs, descending);
  const order = new Int32Array(n);
  const his = new Uint32Array(n);
  const los = new Uint32Array(n);
  let minHi = 0xffff_ffff;
  let maxHi = 0;
  for (let i = 0; i < n; i++) {
    scratch[0] = xs[i]!;
    const hi = halves[1]!;
    his[i] = hi;
    los[i] = halves[0]!;
    if (hi < minHi) minHi = hi;
    if (hi > maxHi) maxHi = hi;
  }
  if (maxHi - minHi >= EXACT_HI_SPREAD) return byComparator(xs, descending);
  const sign = descending ? -1 : 1;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = sign * ((his[i]! - minHi) * 0x1_0000_0000 + los[i]!);
  const sorted = keys.slice().sort();
  const taken = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    while (taken[lo]) lo++; // an equal value placed before: the next place
    taken[lo] = 1;
    order[lo] = i;
  }
  return order;
}

/** sortedOrder by comparing the bigints: a stable sort of the indices. */
function byComparator(xs: readonly bigint[], descending: boolean): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < xs.length; i++) idx.push(i);
  const sign = descending ? -1 : 1;
  idx.sort((i, j) => sign * (xs[i]! < xs[j]! ? -1 : xs[i]! > xs[j]! ? 1 : 0));
  return Int32Array.from(idx);
}
