// LZO1X decompressor (the "safe" kind: every read, write and back-reference is bounds-checked
// and bad input throws LzoError). Written from the stream description in the kernel's
// Documentation/staging/lzo.rst; the checks mirror the error cases of the kernel's
// lib/lzo/lzo1x_decompress_safe.c (input overrun, output overrun, lookbehind overrun, bad
// end marker, input not consumed). makedumpfile compresses pages with liblzo2's
// lzo1x_1_compress, i.e. bitstream version 0; the lzo-rle zero runs (version 1) are decoded
// too since they cost a few lines.

export class LzoError extends Error {
  override name = 'LzoError';
}

/** Decompress one LZO1X stream into at most `maxOut` bytes; returns the decoded bytes. */
export function lzo1xDecompress(src: Uint8Array, maxOut: number): Buffer {
  const out = Buffer.allocUnsafe(maxOut);
  return out.subarray(0, lzo1xDecompressInto(src, out));
}

function fail(what: string, ip: number, inLen: number, op: number, maxOut: number): never {
  throw new LzoError(`${what} (input byte ${ip} of ${inLen}, output byte ${op} of ${maxOut})`);
}

/** Where extendedLength() left the input. */
let extEnd = 0;

/** "length = 255 * (number of zero bytes) + first non-zero byte" (lzo.rst, variable lengths),
 *  from src[ip]; the input position after it in extEnd. */
function extendedLength(src: Uint8Array, ip: number, inLen: number, op: number, maxOut: number): number {
  let n = 0;
  for (;;) {
    if (ip >= inLen) fail('input overrun in a length', ip, inLen, op, maxOut);
    const b = src[ip++]!;
    if (b !== 0) {
      extEnd = ip;
      return n + b;
    }
    n += 255;
  }
}

/**
 * Decompress one LZO1X stream into `out` (at most out.length bytes); returns how many bytes it
 * decoded. One loop over locals: the input and output positions were variables of closures
 * (fail, literals, match) made for each page, kept in a heap context and read and written
 * there at every byte (bullseye's opening decodes ~2,650 lzo pages).
 */
export function lzo1xDecompressInto(src: Uint8Array, out: Uint8Array): number {
  const inLen = src.length;
  const maxOut = out.length;
  let ip = 0;
  let op = 0;

  if (inLen < 3) fail('input too short', ip, inLen, op, maxOut);
  // Byte 17 at the start of a stream of 5+ bytes announces a bitstream version (lzo-rle).
  let version = 0;
  if (inLen >= 5 && src[0] === 17) {
    version = src[1]!;
    ip = 2;
    if (version > 1) fail(`unknown bitstream version ${version}`, ip, inLen, op, maxOut);
  }
  // state: literals copied by the previous instruction (0, 1..3, or 4 meaning "4 or more").
  let state = 0;
  // First byte 18..255: a literal run of (byte - 17); runs under 4 set state to their length.
  if (src[ip]! > 17) {
    const n = src[ip++]! - 17;
    if (ip + n > inLen) fail(`input overrun: ${n} literals`, ip, inLen, op, maxOut);
    if (op + n > maxOut) fail(`output overrun: ${n} literals`, ip, inLen, op, maxOut);
    for (let k = 0; k < n; k++) out[op++] = src[ip++]!;
    state = n < 4 ? n : 4;
  }

  for (;;) {
    if (ip >= inLen) fail('input overrun: no end marker', ip, inLen, op, maxOut);
    const t = src[ip++]!;
    let dist: number;
    let len: number;
    let next: number; // literals copied after the match = the next state

    if (t < 16) {
      if (state === 0) {
        // 0000LLLL after no literals: literal run of 3 + (L ?: 15 + extended)
        let n: number;
        if (t !== 0) n = 3 + t;
        else {
          n = 18 + extendedLength(src, ip, inLen, op, maxOut);
          ip = extEnd;
        }
        if (ip + n > inLen) fail(`input overrun: ${n} literals`, ip, inLen, op, maxOut);
        if (op + n > maxOut) fail(`output overrun: ${n} literals`, ip, inLen, op, maxOut);
        for (let k = 0; k < n; k++) out[op++] = src[ip++]!;
        state = 4;
        continue;
      }
      if (ip >= inLen) fail('input overrun in a short match', ip, inLen, op, maxOut);
      const h = src[ip++]!;
      next = t & 3;
      if (state !== 4) {
        // 0000DDSS + H after 1..3 literals: 2 bytes at distance (H << 2) + D + 1
        len = 2;
        dist = (h << 2) + (t >> 2) + 1;
      } else {
        // 0000DDSS + H after 4+ literals: 3 bytes at distance (H << 2) + D + 2049
        len = 3;
        dist = (h << 2) + (t >> 2) + 2049;
      }
    } else if (t >= 64) {
      // 01LDDDSS / 1LLDDDSS + H: 3..8 bytes within 2 KiB, distance (H << 3) + D + 1
      if (ip >= inLen) fail('input overrun in a match', ip, inLen, op, maxOut);
      const h = src[ip++]!;
      len = (t >> 5) + 1;
      dist = (h << 3) + ((t >> 2) & 7) + 1;
      next = t & 3;
    } else if (t >= 32) {
      // 001LLLLL + LE16(D:14 S:2): 2 + (L ?: 31 + extended) bytes at distance D + 1
      if ((t & 31) !== 0) len = 2 + (t & 31);
      else {
        len = 33 + extendedLength(src, ip, inLen, op, maxOut);
        ip = extEnd;
      }
      if (ip + 2 > inLen) fail('input overrun in a match distance', ip, inLen, op, maxOut);
      const v = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
      dist = (v >> 2) + 1;
      next = v & 3;
    } else {
      // 0001HLLL + LE16(D:14 S:2): distance 16384 + (H << 14) + D; 16384 means end of stream
      if (version >= 1 && (t & 0xf8) === 0x18 && ip + 2 <= inLen && ((src[ip]! | (src[ip + 1]! << 8)) & 0xfffc) === 0xfffc) {
        // lzo-rle (version 1): zero run of ((X << 3) | L) + 4 bytes, X the byte after LE16
        if (ip + 3 > inLen) fail('input overrun in a zero run', ip, inLen, op, maxOut);
        const n = ((src[ip + 2]! << 3) | (t & 7)) + 4;
        next = src[ip]! & 3;
        ip += 3;
        if (op + n > maxOut) fail(`output overrun: zero run of ${n}`, ip, inLen, op, maxOut);
        out.fill(0, op, op + n);
        op += n;
        if (ip + next > inLen) fail(`input overrun: ${next} literals`, ip, inLen, op, maxOut);
        if (op + next > maxOut) fail(`output overrun: ${next} literals`, ip, inLen, op, maxOut);
        for (let k = 0; k < next; k++) out[op++] = src[ip++]!;
        state = next;
        continue;
      }
      if ((t & 7) !== 0) len = 2 + (t & 7);
      else {
        len = 9 + extendedLength(src, ip, inLen, op, maxOut);
        ip = extEnd;
      }
      if (ip + 2 > inLen) fail('input overrun in a match distance', ip, inLen, op, maxOut);
      const v = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
      dist = 16384 + ((t & 8) << 11) + (v >> 2);
      next = v & 3;
      if (dist === 16384) {
        if (len !== 3) fail('bad end-of-stream marker', ip, inLen, op, maxOut);
        if (ip !== inLen) fail(`input not consumed: ${inLen - ip} bytes after the end marker`, ip, inLen, op, maxOut);
        return op;
      }
    }
    if (dist > op) fail(`lookbehind overrun: distance ${dist}`, ip, inLen, op, maxOut);
    if (op + len > maxOut) fail(`output overrun: match of ${len}`, ip, inLen, op, maxOut);
    for (let m = op - dist, k = 0; k < len; k++) out[op++] = out[m++]!; // byte by byte: matches may overlap
    if (ip + next > inLen) fail(`input overrun: ${next} literals`, ip, inLen, op, maxOut);
    if (op + next > maxOut) fail(`output overrun: ${next} literals`, ip, inLen, op, maxOut);
    for (let k = 0; k < next; k++) out[op++] = src[ip++]!;
    state = next;
  }
}
