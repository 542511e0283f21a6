// Find vmlinux's BTF blob in a dump's memory: between __start_BTF and __stop_BTF when the
// symbols are known, else by scanning the kernel image for the btf_header.
// Layout: struct btf_header (include/uapi/linux/btf.h): u16 magic 0xeB9F, u8 version 1,
// u8 flags, u32 hdr_len (24), u32 type_off, type_len, str_off, str_len (relative to the header's end).
import { Btf } from './btf.js';
import type { VirtualReader } from './types.js';

export interface FindBtfOptions {
  /** __start_BTF, or (scan) the first address to search, e.g. _stext. */
  start: bigint;
  /** __stop_BTF, or (scan) the end of the range to search, e.g. _stext + 64 MiB. */
  end: bigint;
  /** Search [start, end) for the header instead of expecting it at `start`. */
  scan?: boolean;
  /** Where to read a blob found at `start` (btfArena: the memory Btf.parse scans it in), and
   *  how to read into it; else the blob is what `read` returns. */
  into?: { room: (length: number) => Buffer | undefined; read: (address: bigint, out: Buffer) => void };
}

const PAGE = 4096;
const CHUNK = 1 << 20; // reads of 1 MiB: few reader calls, cheap Buffer.indexOf
const MAX_BTF = 128 << 20;
// magic 0xeB9F (LE), version 1, flags 0, hdr_len 24 (LE)
const HEADER_PATTERN = Buffer.from([0x9f, 0xeb, 0x01, 0x00, 0x18, 0x00, 0x00, 0x00]);
const HEADER_LEN = 24;

const hex = (a: bigint) => '0x' + a.toString(16);

/** The raw BTF blob of the running kernel, read from its memory. Throws saying what was tried. */
export function findBtfInMemory(read: VirtualReader, opts: FindBtfOptions): Buffer {
  if (opts.end <= opts.start) throw new Error(`BTF search range ${hex(opts.start)}..${hex(opts.end)} is empty`);
  if (!opts.scan) return readBtfAt(read, opts.start, opts.end, opts.into);
  return scanForBtf(read, opts.start, opts.end);
}

/** Total blob length if `hdr` (24 bytes) is a plausible btf_header, else why not. */
function plausibleHeader(hdr: Buffer): number | string {
  if (hdr.readUInt16LE(0) !== 0xeb9f) return `bad magic 0x${hdr.readUInt16LE(0).toString(16)}`;
  if (hdr[2] !== 1) return `version ${hdr[2]}`;
  const hdrLen = hdr.readUInt32LE(4);
  const typeOff = hdr.readUInt32LE(8), typeLen = hdr.readUInt32LE(12);
  const strOff = hdr.readUInt32LE(16), strLen = hdr.readUInt32LE(20);
  if (hdrLen < HEADER_LEN || hdrLen > 4096) return `header length ${hdrLen}`;
  if (typeOff % 4 || typeLen % 4 || typeLen < 12) return `type section ${typeOff}+${typeLen}`;
  if (strLen === 0 || strLen > 0x1000000) return `string section length ${strLen}`;
  if (typeOff < strOff + strLen && strOff < typeOff + typeLen) return 'type and string sections overlap';
  const total = hdrLen + Math.max(typeOff + typeLen, strOff + strLen);
  if (total > MAX_BTF) return `total length ${total}`;
  return total;
}

/** Read `length` bytes at `addr`: in one read (each page copied once, into one buffer); when
 *  that fails, again in 1 MiB pieces to name the address that failed. */
function readBlob(read: VirtualReader, addr: bigint, length: number, into?: FindBtfOptions['into']): Buffer {
  try {
    const out = into?.room(length);
    if (!out) return read(addr, length);
    into!.read(addr, out);
    return out;
  } catch {
    // find the piece that fails, for the message
  }
  for (let o = 0; o < length; o += CHUNK) {
    const n = Math.min(CHUNK, length - o);
    try {
      read(addr + BigInt(o), n);
    } catch (e) {
      throw new Error(`BTF at ${hex(addr)} (${length} bytes): cannot read ${hex(addr + BigInt(o))}: ${(e as Error).message}`);
    }
  }
  return read(addr, length); // every piece read: a failure of the whole read again is the reader's own
}

/** Header, string-section start and first type look right, and the whole blob parses. */
function validBlobAt(read: VirtualReader, addr: bigint, hdr: Buffer): Buffer | string {
  const total = plausibleHeader(hdr);
  if (typeof total === 'string') return total;
  const hdrLen = hdr.readUInt32LE(4);
  try {
    const strStart = addr + BigInt(hdrLen + hdr.readUInt32LE(16));
    if (read(strStart, 1)[0] !== 0) return 'string section does not start with NUL';
    const first = read(addr + BigInt(hdrLen + hdr.readUInt32LE(8)), 12); // struct btf_type of type 1
    const kind = (first.readUInt32LE(4) >>> 24) & 0x1f;
    if (kind < 1 || kind > 19) return `first type has kind ${kind}`;
  } catch (e) {
    return (e as Error).message;
  }
  let blob: Buffer;
  try {
    blob = readBlob(read, addr, total);
    Btf.parse(blob);
  } catch (e) {
    return (e as Error).message;
  }
  return blob;
}

function readBtfAt(read: VirtualReader, start: bigint, stop: bigint, into?: FindBtfOptions['into']): Buffer {
  let hdr: Buffer;
  try {
    hdr = read(start, HEADER_LEN);
  } catch (e) {
    throw new Error(`cannot read the BTF header at __start_BTF ${hex(start)}: ${(e as Error).message}`);
  }
  const total = plausibleHeader(hdr);
  if (typeof total === 'string') {
    throw new Error(`no BTF header at __start_BTF ${hex(start)} (${total}; bytes ${hdr.toString('hex', 0, 8)})`);
  }
  if (BigInt(total) > stop - start) {
    throw new Error(`BTF header at ${hex(start)} claims ${total} bytes but __stop_BTF - __start_BTF is ${stop - start}`);
  }
  return readBlob(read, start, total, into);
}

/**
 * Readable stretches of [start, end): 1 MiB reads, falling back to page-by-page reads in a
 * chunk the reader refuses (pages missing from the dump). Adjacent pages are merged.
 */
function* readableRuns(read: VirtualReader, start: bigint, end: bigint): Generator<{ addr: bigint; buf: Buffer }> {
  const P = BigInt(PAGE), C = BigInt(CHUNK);
  for (let a = start; a < end; ) {
    const chunkEnd = (a / C + 1n) * C < end ? (a / C + 1n) * C : end; // chunk-aligned after the first
    try {
      yield { addr: a, buf: read(a, Number(chunkEnd - a)) };
    } catch {
      let runStart = a;
      let pieces: Buffer[] = [];
      for (let p = a; p < chunkEnd; ) {
        const pEnd = (p / P + 1n) * P < chunkEnd ? (p / P + 1n) * P : chunkEnd;
        try {
          pieces.push(read(p, Number(pEnd - p)));
        } catch {
          if (pieces.length) yield { addr: runStart, buf: Buffer.concat(pieces) };
          pieces = [];
          runStart = pEnd;
        }
        p = pEnd;
      }
      if (pieces.length) yield { addr: runStart, buf: Buffer.concat(pieces) };
    }
    a = chunkEnd;
  }
}

function scanForBtf(read: VirtualReader, start: bigint, end: bigint): Buffer {
  const rejected: string[] = [];
  let readable = 0;
  let tail: { addr: bigint; buf: Buffer } | undefined; // last bytes of the previous run, for headers across reads
  const tryAt = (addr: bigint, hdr: Buffer): Buffer | undefined => {
    const r = validBlobAt(read, addr, hdr);
    if (typeof r !== 'string') return r;
    if (rejected.length < 5) rejected.push(`${hex(addr)}: ${r}`);
    return undefined;
  };
  const headerAt = (buf: Buffer, i: number, addr: bigint): Buffer => {
    if (i + HEADER_LEN <= buf.length) return buf.subarray(i, i + HEADER_LEN);
    return read(addr, HEADER_LEN);
  };
  for (const run of readableRuns(read, start, end)) {
    readable += run.buf.length;
    // A header straddling the previous read and this one.
    if (tail && tail.addr + BigInt(tail.buf.length) === run.addr) {
      const joint = Buffer.concat([tail.buf, run.buf.subarray(0, HEADER_PATTERN.length - 1)]);
      const i = joint.indexOf(HEADER_PATTERN);
      if (i >= 0) {
        const addr = tail.addr + BigInt(i);
        const blob = safe(() => tryAt(addr, read(addr, HEADER_LEN)));
        if (blob) return blob;
      }
    }
    for (let i = run.buf.indexOf(HEADER_PATTERN); i >= 0; i = run.buf.indexOf(HEADER_PATTERN, i + 1)) {
      const addr = run.addr + BigInt(i);
      const blob = safe(() => tryAt(addr, headerAt(run.buf, i, addr)));
      if (blob) return blob;
    }
    const keep = Math.min(HEADER_PATTERN.length - 1, run.buf.length);
    tail = { addr: run.addr + BigInt(run.buf.length - keep), buf: Buffer.from(run.buf.subarray(run.buf.length - keep)) };
  }
  const why = rejected.length ? `; candidates rejected: ${rejected.join('; ')}` : '';
  throw new Error(
    `no BTF header (9f eb 01 00 18 00 00 00) in ${hex(start)}..${hex(end)} ` +
      `(${Math.round(readable / PAGE)} of ${Number((end - start) / BigInt(PAGE))} pages readable)${why}`,
  );
}

function safe<T>(f: () => T | undefined): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
