// Output written as it is rendered: pieces of text gathered into chunks for a sink (stdout, a
// file), so that no output is ever held whole as one string.

/** Where rendered text goes, chunk by chunk. */
export type TextSink = (chunk: string) => void;

/** Where rendered output goes as UTF-8 bytes, chunk by chunk. The chunk is a view of a buffer
 *  the writer fills again after the call: a sink that still holds it then (a stream that queued
 *  it instead of writing it) returns true, and the writer takes a new buffer. */
export type ByteSink = (chunk: Uint8Array) => boolean | void;

/** About this many characters per chunk: big enough that writing costs few system calls, small
 *  enough that no chunk is worth keeping. */
export const CHUNK_CHARS = 64 * 1024;

/** What the renderers write to: text, and the items of a JSON array as JSON.stringify(array, …,
 *  2) laid them out ("[\n  a,\n  b\n]"), its brackets left off, after `sep` (',\n' or '[\n'). */
export interface TextOut {
  push(s: string): void;
  pushItems(array: string, sep: string): void;
  end(): void;
}

/** Pieces of text gathered into chunks of about `size` characters for a sink. */
export class ChunkedText implements TextOut {
  private buf = '';
  constructor(private readonly sink: TextSink, private readonly size = CHUNK_CHARS) {}

  push(s: string): void {
    this.buf += s;
    if (this.buf.length >= this.size) {
      this.sink(this.buf);
      this.buf = '';
    }
  }

  pushItems(array: string, sep: string): void {
    this.push(sep + array.slice(2, -2));
  }

  end(): void {
    if (this.buf !== '') this.sink(this.buf);
    this.buf = '';
  }
}

/** A buffer a finished ByteText gave back (the next output's, not allocated again). */
let spare: Buffer | undefined;

/** The buffer's size: a chunk and a batch of JSON rows at 3 bytes a character fit. */
const SPARE_BYTES = 8 * CHUNK_CHARS;

/** UTF-8 bytes at most per UTF-16 unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Text encoded as it comes into one reused buffer, given to a byte sink about every `size`
 * bytes. A JSON batch of rows (one JSON.stringify, ~100 KB) is encoded straight from the string
 * V8 made: not cut into a new string, joined to the chunk's others and copied again to be
 * encoded into a new buffer for each write (10,041 sockets: ~7 MB less garbage).
 */
export class ByteText implements TextOut {
  private buf: Buffer;
  private len = 0;
  constructor(private readonly sink: ByteSink, private readonly size = CHUNK_CHARS) {
    // room for a chunk and a JSON batch of rows (~100 K characters, room made for 3 bytes each)
    this.buf = spare ?? Buffer.allocUnsafe(SPARE_BYTES);
    spare = undefined;
  }

  push(s: string): void {
    this.room(s.length);
    this.len += this.buf.write(s, this.len);
    if (this.len >= this.size) this.flush();
  }

  pushItems(array: string, sep: string): void {
    // the array as it is, then its "[" made `sep` and its "\n]" dropped (each one byte a char)
    if (sep.length !== 2 || sep.charCodeAt(0) > 0x7f || sep.charCodeAt(1) > 0x7f) {
      this.push(sep + array.slice(2, -2));
      return;
    }
    this.room(array.length);
    const at = this.len;
    this.len += this.buf.write(array, at) - 2;
    this.buf[at] = sep.charCodeAt(0);
    this.buf[at + 1] = sep.charCodeAt(1);
    if (this.len >= this.size) this.flush();
  }

  /** The last chunk: the writer is done. */
  end(): void {
    this.flush();
    if (this.buf.length === SPARE_BYTES) spare = this.buf;
  }

  /** Room for `chars` more UTF-16 units, whatever they encode to. */
  private room(chars: number): void {
    const need = chars * MAX_BYTES_PER_UNIT;
    if (this.len + need <= this.buf.length) return;
    this.flush();
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length));
  }

  private flush(): void {
    if (this.len === 0) return;
    if (this.sink(this.buf.subarray(0, this.len))) this.buf = Buffer.allocUnsafe(this.buf.length);
    this.len = 0;
  }
}
