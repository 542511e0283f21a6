// Positional reads from a dump file. Dumps are multi-GiB: nothing here ever reads a whole
// file; every read is one (or a few) fs.readSync calls at an explicit position.

import fs from 'node:fs';
import { DumpFormatError } from './types.js';

/** Random-access bytes: a plain file, or the rearranged view of a flattened dump. */
export interface PositionalReader {
  /** Size of the (logical) file in bytes. */
  readonly size: number;
  /** Bytes read from the underlying file so far. */
  readonly bytesRead: number;
  /** Up to `length` bytes at `offset`; shorter only where the file ends. */
  read(offset: number, length: number): Buffer;
  /** Fill `buf[bufOffset, bufOffset+length)` from `offset`; returns bytes read (short at EOF). */
  readInto(buf: Buffer, bufOffset: number, length: number, offset: number): number;
  close(): void;
}

// Compressed pages are read one pread each, exactly their bytes. A block cache (64 KiB blocks,
// 16 MiB) once served them, but a socket walk visits pages in hash order, scattered over the
// file: it cost 16 MiB of memory and saved no time (20,000-socket dump: 1.40 s of CPU with
// it, 1.41 s without; peak RSS 310 MB with it, 290 MB without). A pread costs ~1 µs of a
// page's ~11 (perf, in a real run); an LRU of 8-64 KiB blocks in 0.5-4 MiB still misses on
// 55-87% of that dump's page reads (simulated on its read trace), and only 12% of page loads
// follow the page before them, so neither a smaller cache nor reading two pages at once pays.
// (That was a walk in hash order. The large tables are now read in address order, where 95%
// of page loads follow their neighbour in the file, upwards or downwards: kdump.ts reads those
// pages' data 64 KiB at a time, fromWindow.)

export class FileReader implements PositionalReader {
  readonly size: number;
  bytesRead = 0;
  private fd: number;

  constructor(
    readonly path: string,
    /** For files whose st_size means nothing (/proc/kcore): reads are not clipped to it. */
    opts: { unbounded?: boolean } = {},
  ) {
    try {
      this.fd = fs.openSync(path, 'r');
    } catch (e) {
      throw new DumpFormatError(path, `cannot open: ${(e as Error).message}`);
    }
    const st = fs.fstatSync(this.fd);
    if (st.isDirectory()) {
      fs.closeSync(this.fd);
      throw new DumpFormatError(path, 'is a directory, not a dump file');
    }
    this.size = opts.unbounded ? Number.MAX_SAFE_INTEGER : st.size;
  }

  read(offset: number, length: number): Buffer {
    const want = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.allocUnsafe(want);
    const got = this.readInto(buf, 0, want, offset);
    return got === want ? buf : buf.subarray(0, got);
  }

  readInto(buf: Buffer, bufOffset: number, length: number, offset: number): number {
    return this.readDirect(buf, bufOffset, length, offset);
  }

  private readDirect(buf: Buffer, bufOffset: number, length: number, offset: number): number {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, bufOffset + done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    this.bytesRead += done;
    return done;
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Read exactly `length` bytes or throw a DumpFormatError naming what was being read. */
export function readExact(r: PositionalReader, path: string, offset: number, length: number, what: string): Buffer {
  const buf = r.read(offset, length);
  if (buf.length < length) {
    throw new DumpFormatError(
      path,
      `truncated: ${what} needs ${length} bytes at offset ${offset} but the file ends at ${r.size}` +
        ' (the dump was cut short while being written or copied)',
    );
  }
  return buf;
}
