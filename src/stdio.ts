// The CLI's output: written with fs.writeSync on descriptors 1 and 2, not through
// process.stdout and process.stderr. Node makes those on first use out of its stream modules
// (a file or /dev/null: a SyncWriteStream, a pipe: a net.Socket; ~3-4 ms at start, measured
// alone in a fresh node), and for a file, a terminal or a blocking pipe they end in the same
// synchronous write(2). A write that cannot finish at once (a non-blocking pipe whose reader is
// behind: EAGAIN, or a short write) hands what is left, and every later write to that
// descriptor, to the stream, which waits for the reader (bin/xportshow.js exits once the streams
// hold nothing unwritten). A reader that closed the pipe early (`xportshow DUMP -at | head`)
// ends the run quietly with status 0; on stderr that output is dropped.

import { fstatSync, statSync, writeSync } from 'node:fs';

type Fd = 1 | 2;

/** Descriptors whose writes go through their stream from now on (order kept). */
const viaStream = { 1: false, 2: false };
/** Where a string is encoded for writeSync: its exact byte count tells a short write. */
let scratch = Buffer.alloc(0);

export function writeOut(text: string): void {
  write(1, text);
}

export function writeErr(text: string): void {
  write(2, text);
}

/** Bytes to stdout; true when the stream kept `chunk` itself to write later (a pipe whose
 *  reader lags), so the caller must not fill that buffer again. Written at once, or copied
 *  when handed over: false. */
export function writeOutBytes(chunk: Uint8Array): boolean {
  if (viaStream[1]) {
    const out = process.stdout;
    if (out.writableLength > 0) {
      out.write(Buffer.from(chunk));
      return false;
    }
    out.write(chunk);
    return out.writableLength > 0;
  }
  writeBytes(1, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return false;
}

function stream(fd: Fd): NodeJS.WriteStream {
  return fd === 1 ? process.stdout : process.stderr;
}

function write(fd: Fd, text: string): void {
  if (viaStream[fd]) {
    stream(fd).write(text);
    return;
  }
  let data: Buffer;
  if (text.length * 3 <= 1 << 20) {
    if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafe(Math.max(text.length * 3, 1 << 16));
    data = scratch.subarray(0, scratch.write(text, 0, 'utf8'));
  } else {
    data = Buffer.from(text, 'utf8'); // a long text (a batch command's lines) is not kept
  }
  writeBytes(fd, data);
}

/** `data` written whole with writeSync, or what is left of it handed to the stream (a copy). */
function writeBytes(fd: Fd, data: Buffer): void {
  let at = 0;
  while (at < data.length) {
    try {
      at += writeSync(fd, data, at, data.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        handOver(fd, Buffer.from(data.subarray(at))); // (a copy: scratch is reused)
        return;
      }
      if (code === 'EPIPE') {
        if (fd === 1) process.exit(0);
        return;
      }
      throw e;
    }
  }
}

/** From now on `fd`'s writes go through its stream, starting with `rest`. */
function handOver(fd: Fd, rest: Buffer): void {
  viaStream[fd] = true;
  const s = stream(fd);
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (fd === 1) process.exit(0);
  });
  s.write(rest);
}

/** Whether `fd` is a terminal. Only a character device can be, and /dev/null (where the
 *  output of a timed run goes) is not: only then is the stream made to ask (node:tty's
 *  isatty() would load node:net and the stream modules with it). */
export function isTerminal(fd: Fd): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    const devNull = statSync('/dev/null', { throwIfNoEntry: false });
    if (devNull && devNull.rdev === st.rdev) return false;
  } catch {
    // unknown: ask the stream
  }
  return stream(fd).isTTY === true;
}

/** The terminal's width when stdout is one (tables then fit it); undefined for a pipe or file. */
export function terminalWidth(): number | undefined {
  return isTerminal(1) && process.stdout.columns > 0 ? process.stdout.columns : undefined;
}
