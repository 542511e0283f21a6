// Output written as it is rendered: pieces of text gathered into chunks for a sink (stdout, a
// file), so that no output is ever held whole as one string.

/** Where rendered text goes, chunk by chunk. */
export type TextSink = (chunk: string) => void;

/** About this many characters per chunk: big enough that writing costs few system calls, small
 *  enough that no chunk is worth keeping. */
export const CHUNK_CHARS = 64 * 1024;

/** Pieces of text gathered into chunks of about `size` characters for a sink. */
export class ChunkedText {
  private buf = '';
  constructor(private readonly sink: TextSink, private readonly size = CHUNK_CHARS) {}

  push(s: string): void {
    this.buf += s;
    if (this.buf.length >= this.size) {
      this.sink(this.buf);
      this.buf = '';
    }
  }

  end(): void {
    if (this.buf !== '') this.sink(this.buf);
    this.buf = '';
  }
}
