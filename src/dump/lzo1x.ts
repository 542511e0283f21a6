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
  const inLen = src.length;
  const out = Buffer.allocUnsafe(maxOut);
  let ip = 0;
  let op = 0;

  const fail = (what: string): never => {
    throw new LzoError(`${what} (input byte ${ip} of ${inLen}, output byte ${op} of ${maxOut})`);
  };
  // "length = 255 * (number of zero bytes) + first non-zero byte" (lzo.rst, variable lengths)
  const extendedLength = (): number => {
    let n = 0;
    for (;;) {
      if (ip >= inLen) fail('input overrun in a length');
      const b = src[ip++]!;
      if (b !== 0) return n + b;
      n += 255;
    }
  };
  const literals = (n: number): void => {
    if (ip + n > inLen) fail(`input overrun: ${n} literals`);
    if (op + n > maxOut) fail(`output overrun: ${n} literals`);
    for (let k = 0; k < n; k++) out[op++] = src[ip++]!;
  };
  const match = (dist: number, len: number): void => {
    if (dist > op) fail(`lookbehind overrun: distance ${dist}`);
    if (op + len > maxOut) fail(`output overrun: match of ${len}`);
    let m = op - dist;
    for (let k = 0; k < len; k++) out[op++] = out[m++]!; // byte by byte: matches may overlap
  };

  if (inLen < 3) fail('input too short');
  // Byte 17 at the start of a stream of 5+ bytes announces a bitstream version (lzo-rle).
  let version = 0;
  if (inLen >= 5 && src[0] === 17) {
    version = src[1]!;
    ip = 2;
    if (version > 1) fail(`unknown bitstream version ${version}`);
  }
  // state: literals copied by the previous instruction (0, 1..3, or 4 meaning "4 or more").
  let state = 0;
  // First byte 18..255: a literal run of (byte - 17); runs under 4 set state to their length.
  if (src[ip]! > 17) {
    const n = src[ip++]! - 17;
    literals(n);
    state = n < 4 ? n : 4;
  }

  for (;;) {
    if (ip >= inLen) fail('input overrun: no end marker');
    const t = src[ip++]!;
    let dist: number;
    let len: number;
    let next: number; // literals copied after the match = the next state

    if (t < 16) {
      if (state === 0) {
        // 0000LLLL after no literals: literal run of 3 + (L ?: 15 + extended)
        const n = 3 + (t !== 0 ? t : 15 + extendedLength());
        literals(n);
        state = 4;
        continue;
      }
      if (ip >= inLen) fail('input overrun in a short match');
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
      if (ip >= inLen) fail('input overrun in a match');
      const h = src[ip++]!;
      len = (t >> 5) + 1;
      dist = (h << 3) + ((t >> 2) & 7) + 1;
      next = t & 3;
    } else if (t >= 32) {
      // 001LLLLL + LE16(D:14 S:2): 2 + (L ?: 31 + extended) bytes at distance D + 1
      len = 2 + ((t & 31) !== 0 ? t & 31 : 31 + extendedLength());
      if (ip + 2 > inLen) fail('input overrun in a match distance');
      const v = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
      dist = (v >> 2) + 1;
      next = v & 3;
    } else {
      // 0001HLLL + LE16(D:14 S:2): distance 16384 + (H << 14) + D; 16384 means end of stream
      if (version >= 1 && (t & 0xf8) === 0x18 && ip + 2 <= inLen && ((src[ip]! | (src[ip + 1]! << 8)) & 0xfffc) === 0xfffc) {
        // lzo-rle (version 1): zero run of ((X << 3) | L) + 4 bytes, X the byte after LE16
        if (ip + 3 > inLen) fail('input overrun in a zero run');
        const n = ((src[ip + 2]! << 3) | (t & 7)) + 4;
        next = src[ip]! & 3;
        ip += 3;
        if (op + n > maxOut) fail(`output overrun: zero run of ${n}`);
        out.fill(0, op, op + n);
        op += n;
        literals(next);
        state = next;
        continue;
      }
      len = 2 + ((t & 7) !== 0 ? t & 7 : 7 + extendedLength());
      if (ip + 2 > inLen) fail('input overrun in a match distance');
      const v = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
      dist = 16384 + ((t & 8) << 11) + (v >> 2);
      next = v & 3;
      if (dist === 16384) {
        if (len !== 3) fail('bad end-of-stream marker');
        if (ip !== inLen) fail(`input not consumed: ${inLen - ip} bytes after the end marker`);
        return out.subarray(0, op);
      }
    }
    match(dist, len);
    literals(next);
    state = next;
  }
}
