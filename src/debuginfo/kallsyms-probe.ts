// Where in a kernel image kallsyms_names probably is, from a page read every PROBE_STRIDE bytes:
// the shape search (kallsyms-scan.ts) then starts there instead of at the start of its range,
// so that it decodes the names' last pages and the token table after them, not the megabytes
// of .rodata before (Debian 11's 5.10: ~1,700 pages decoded to find the tables, 12 MiB below
// init_uts_ns). Only the order of the search depends on this guess: every candidate is still
// proven by its shape, and a wrong or missing guess costs the probes and nothing else.
//
// A page of kallsyms_names is a chain of records, each a length byte (ULEB128 since 6.1) and
// that many token numbers; names compress to ~10 tokens, and token numbers take every byte
// value (every unused one is a token). Text chains on its bytes too but with long steps and no
// byte above 0x7f; code and data break the chain on a 0 (no name is empty).

import type { VirtualReader } from './types.js';

const PAGE = 4096;
/** 5.10's names (1.3 MiB) hold ~5 probes; names under 256 KiB (~20k symbols) may hold none. */
export const PROBE_STRIDE = 256 * 1024;
const MIN_RECORDS = 100; // a chain through the page with steps of at most ~40 bytes on average
const MIN_HIGH = PAGE / 64; // bytes above 0x7f: token numbers, not text (late names hold ~1/12)

const failedFrom = new Uint8Array(PAGE); // offsets a chain from an earlier start went through, and failed

/** Whether a page reads as a piece of kallsyms_names (see the file comment). */
export function looksLikeNames(p: Uint8Array): boolean {
  // The page starts inside some record: a chain from one of its first bytes. Chains from two
  // starts that meet go on alike: one that meets a failed one fails (each offset walked once).
  failedFrom.fill(0);
  for (let s = 0; s < 64; s++) {
    let off = s;
    let records = 0;
    let ok = false;
    const from = off;
    for (;;) {
      if (off >= p.length) {
        ok = records >= MIN_RECORDS;
        break;
      }
      if (failedFrom[off]) break;
      let len = p[off];
      if (len === 0) break;
      if (len & 0x80) {
        if (off + 1 >= p.length) {
          ok = records >= MIN_RECORDS;
          break;
        }
        len = (len & 0x7f) | (p[off + 1] << 7);
        if (len > 0x400) break;
        len++;
      }
      off += 1 + len;
      records++;
    }
    if (ok) return tokenNumbers(p);
    // Mark this chain's offsets up to where it failed (walked again: it is short, or met a
    // marked one).
    for (let o = from; o !== off; ) {
      failedFrom[o] = 1;
      const b = p[o];
      o += b & 0x80 ? 2 + ((b & 0x7f) | (p[o + 1] << 7)) : 1 + b;
    }
  }
  return false;
}

/** Whether enough bytes are above 0x7f for token numbers, not text. */
function tokenNumbers(p: Uint8Array): boolean {
  let high = 0;
  for (let i = 0; i < p.length; i++) high += p[i] >>> 7;
  return high >= MIN_HIGH;
}

/** The page-aligned address to start the search at, or undefined: the highest probe of a run
 *  of names-like probes in [start, end) (the token table follows the names). Probed from the
 *  end down (the tables are linked last into .rodata, the range ends in .data): the first run
 *  of two found is taken; else the longest one (the highest of equals). */
export function namesGuess(read: VirtualReader, start: bigint, end: bigint): bigint | undefined {
  const first = (start + BigInt(PAGE - 1)) & ~BigInt(PAGE - 1);
  let best: bigint | undefined;
  let bestRun = 0;
  let run = 0;
  let top = 0n; // the highest probe of the current run
  const last = first + ((end - BigInt(PAGE) - first) / BigInt(PROBE_STRIDE)) * BigInt(PROBE_STRIDE);
  for (let a = last; a >= first && end - a >= BigInt(PAGE); a -= BigInt(PROBE_STRIDE)) {
    let page: Uint8Array | undefined;
    try {
      page = read(a, PAGE);
    } catch {
      page = undefined; // not in the dump: ends a run
    }
    if (page && looksLikeNames(page)) {
      if (run++ === 0) top = a;
      if (run > bestRun) {
        bestRun = run;
        best = top;
      }
      if (run === 2) return top;
    } else run = 0;
  }
  return best;
}
