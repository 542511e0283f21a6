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

/** Small reads are served from 64 KiB blocks of the file: a socket walk reads thousands of
 *  compressed pages that sit next to each other in the file, one syscall per block, not per
 *  page. At most 256 blocks (16 MiB) are kept, oldest dropped first. */
const BLOCK = 64 * 1024;
const MAX_BLOCKS = 256;
const SMALL_READ = 16 * 1024;

export class FileReader implements PositionalReader {
  readonly size: number;
  bytesRead = 0;
  private fd: number;
  private readonly blocks = new Map<number, Buffer>();
  private readonly useBlocks: boolean;

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
    // Not for live sources: /proc/kcore must be read exactly where asked (holes give EIO).
    this.useBlocks = !opts.unbounded;
  }

  read(offset: number, length: number): Buffer {
    const want = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.allocUnsafe(want);
    const got = this.readInto(buf, 0, want, offset);
    return got === want ? buf : buf.subarray(0, got);
  }

  readInto(buf: Buffer, bufOffset: number, length: number, offset: number): number {
    if (this.useBlocks && length <= SMALL_READ) return this.readFromBlocks(buf, bufOffset, length, offset);
    return this.readDirect(buf, bufOffset, length, offset);
  }

  private readFromBlocks(buf: Buffer, bufOffset: number, length: number, offset: number): number {
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const b = Math.floor(at / BLOCK);
      let block = this.blocks.get(b);
      if (block === undefined) {
        const start = b * BLOCK;
        const want = Math.max(0, Math.min(BLOCK, this.size - start));
        block = Buffer.allocUnsafe(want);
        const got = this.readDirect(block, 0, want, start);
        if (got < want) block = block.subarray(0, got);
        if (this.blocks.size >= MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
        this.blocks.set(b, block);
      }
      const from = at - b * BLOCK;
      if (from >= block.length) break; // end of file
      const n = Math.min(length - done, block.length - from);
      block.copy(buf, bufOffset + done, from, from + n);
      done += n;
    }
    return done;
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
