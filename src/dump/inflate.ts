// zlib pages (makedumpfile compress2(): a zlib-wrapped deflate stream) through one reused
// inflate context. zlib.inflateSync() builds a new Zlib handle (and its 7 KiB + 32 KiB of
// state) for every call: for a 4 KiB page that costs more than the inflate itself (measured
// on 3,000 pages of the 6.1 fixture: 14.3 µs of CPU a page, 6.5 µs with one reused handle).
// Node has no public reusable synchronous inflate, so this drives the handle of one
// zlib.Inflate object the way zlib.inflateSync() does internally (writeSync into our buffer,
// then reset()); where those internals are missing or the page is damaged, inflateSync()
// decodes it instead and gives the error message.

import zlib from 'node:zlib';

interface ZlibHandle {
  reset(): void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
}
interface InflateInternals {
  _handle: ZlibHandle | null;
  _writeState: Uint32Array; // [avail_out, avail_in] after writeSync
  destroyed: boolean;
}

let ctx: InflateInternals | undefined;
let usable = true;

function context(): InflateInternals | undefined {
  if (!usable) return undefined;
  if (ctx && !ctx.destroyed && ctx._handle) return ctx;
  const z = zlib.createInflate() as unknown as InflateInternals & zlib.Inflate;
  // A damaged stream destroys the object and emits 'error' on the next tick: keep it quiet,
  // the fallback below throws the same error synchronously.
  z.on('error', () => {});
  if (!z._handle || typeof z._handle.writeSync !== 'function' || !(z._writeState instanceof Uint32Array)) {
    usable = false;
    return undefined;
  }
  ctx = z;
  return ctx;
}

/** Inflate one zlib stream of exactly `out.length` bytes into `out`; throws on anything else. */
export function inflatePageInto(data: Uint8Array, out: Buffer): void {
  const z = context();
  if (z) {
    const h = z._handle!;
    h.reset();
    h.writeSync(zlib.constants.Z_FINISH, data, 0, data.length, out, 0, out.length);
    // Clean: the output filled exactly and all input consumed (the Adler-32 trailer included).
    if (!z.destroyed && z._writeState[0] === 0 && z._writeState[1] === 0) return;
  }
  const page = zlib.inflateSync(data, { chunkSize: out.length, maxOutputLength: out.length });
  if (page.length !== out.length) throw new Error(`zlib gave ${page.length} bytes, expected a ${out.length}-byte page`);
  page.copy(out);
}
