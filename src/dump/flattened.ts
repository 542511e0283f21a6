// makedumpfile's flattened format (makedumpfile -F, QEMU dump-guest-memory -z/-l/-s): the
// kdump-compressed file cut into records written in stream order. Layout (makedumpfile.h,
// libkdumpfile diskdump.c): a 4096-byte makedumpfile_header, then records
// {makedumpfile_data_header; buf_size bytes} whose bytes belong at `offset` of the
// rearranged file, ending with offset = buf_size = -1.
//
// At open we skip through the record headers once (never reading payloads) and build a map
// from rearranged offsets to flattened-file offsets; reads are then served through it, so the
// kdump parser sees an ordinary positional file.

import type { FileReader, PositionalReader } from './file.js';
import {
  MDF_HEADER_SIZE,
  MDF_SIGNATURE,
  MDF_TYPE_FLAT_HEADER,
  makedumpfile_data_header,
  makedumpfile_header,
} from './kdump-layout.js';
import { DumpFormatError } from './types.js';

// Record headers are read through a 4 KiB window: several small records per read, and for
// large records (typically ~32 KiB) little more than the 16-byte header itself.
const SCAN_CHUNK = 4096;

interface Rec {
  dest: number;
  len: number;
  src: number;
  seq: number;
}

export class FlattenedReader implements PositionalReader {
  /** Size of the rearranged file: the end of the furthest record. */
  readonly size: number;
  /** Records in the file (including ones later records overwrote). */
  readonly records: number;
  /** Whether the end marker was found (otherwise the file was cut short). */
  readonly complete: boolean;
  // Pieces of the rearranged file, sorted by destination and non-overlapping.
  private readonly dest: Float64Array;
  private readonly len: Float64Array;
  private readonly src: Float64Array;

  constructor(
    readonly path: string,
    private readonly file: FileReader,
  ) {
    const head = file.read(0, MDF_HEADER_SIZE);
    if (head.length < makedumpfile_header.size) throw new DumpFormatError(path, 'truncated flattened-format header');
    const h = makedumpfile_header.read(head);
    if (h.signature !== MDF_SIGNATURE) throw new DumpFormatError(path, 'no makedumpfile signature');
    if (h.type !== MDF_TYPE_FLAT_HEADER) {
      throw new DumpFormatError(path, `flattened header type ${h.type}, expected ${MDF_TYPE_FLAT_HEADER}`);
    }

    const recs: Rec[] = [];
    let pos = MDF_HEADER_SIZE;
    let win: Buffer = Buffer.alloc(0);
    let winStart = 0;
    let complete = false;
    const H = makedumpfile_data_header.size;
    for (;;) {
      if (pos < winStart || pos + H > winStart + win.length) {
        win = file.read(pos, SCAN_CHUNK);
        winStart = pos;
        if (win.length < H) break; // cut short: no end marker
      }
      const r = makedumpfile_data_header.read(win, pos - winStart);
      if (r.offset === -1 && r.buf_size === -1) {
        complete = true;
        break;
      }
      if (r.offset < 0 || r.buf_size < 0 || !Number.isSafeInteger(r.offset + r.buf_size)) {
        throw new DumpFormatError(path, `corrupt flattened record header at offset ${pos}: offset ${r.offset}, size ${r.buf_size}`);
      }
      const avail = Math.min(r.buf_size, file.size - (pos + H));
      if (avail > 0) recs.push({ dest: r.offset, len: avail, src: pos + H, seq: recs.length });
      if (avail < r.buf_size) break; // payload cut short
      pos += H + r.buf_size;
    }
    this.records = recs.length;
    this.complete = complete;

    const pieces = resolve(recs);
    this.dest = Float64Array.from(pieces, (p) => p.dest);
    this.len = Float64Array.from(pieces, (p) => p.len);
    this.src = Float64Array.from(pieces, (p) => p.src);
    const last = pieces[pieces.length - 1];
    this.size = last ? last.dest + last.len : 0;
  }

  get bytesRead(): number {
    return this.file.bytesRead;
  }

  read(offset: number, length: number): Buffer {
    const want = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.alloc(want);
    const got = this.readInto(buf, 0, want, offset);
    return got === want ? buf : buf.subarray(0, got);
  }

  /** Bytes no record covers read as zeros (as in libkdumpfile's flattened_pread()). */
  readInto(buf: Buffer, bufOffset: number, length: number, offset: number): number {
    const end = Math.min(offset + length, this.size);
    if (end <= offset) return 0;
    let pos = offset;
    while (pos < end) {
      const i = this.find(pos);
      if (i >= 0 && pos < this.dest[i]! + this.len[i]!) {
        const d = this.dest[i]!;
        const n = Math.min(end, d + this.len[i]!) - pos;
        const got = this.file.readInto(buf, bufOffset + (pos - offset), n, this.src[i]! + (pos - d));
        if (got < n) return pos - offset + got;
        pos += n;
      } else {
        const stop = i + 1 < this.dest.length ? Math.min(end, this.dest[i + 1]!) : end;
        buf.fill(0, bufOffset + (pos - offset), bufOffset + (stop - offset));
        pos = stop;
      }
    }
    return end - offset;
  }

  /** Index of the last piece starting at or below `offset`, or -1. */
  private find(offset: number): number {
    const d = this.dest;
    let lo = 0;
    let hi = d.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (d[mid]! <= offset) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  close(): void {
    this.file.close();
  }
}

/** Turn records (in file order) into sorted, non-overlapping pieces; where records overlap,
 *  the later one wins (makedumpfile rewrites its header at the end). */
function resolve(recs: Rec[]): Rec[] {
  const sorted = recs.slice().sort((a, b) => a.dest - b.dest || a.seq - b.seq);
  let overlaps = false;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.dest < sorted[i - 1]!.dest + sorted[i - 1]!.len) {
      overlaps = true;
      break;
    }
  }
  if (!overlaps) return mergeAdjacent(sorted);

  // Sweep over start/end events keeping the active records in a max-heap by seq.
  const events: { at: number; rec: Rec; start: boolean }[] = [];
  for (const r of sorted) {
    events.push({ at: r.dest, rec: r, start: true }, { at: r.dest + r.len, rec: r, start: false });
  }
  events.sort((a, b) => a.at - b.at);
  const heap: Rec[] = [];
  const ended = new Set<number>();
  const out: Rec[] = [];
  let i = 0;
  while (i < events.length) {
    const at = events[i]!.at;
    for (; i < events.length && events[i]!.at === at; i++) {
      const e = events[i]!;
      if (e.start) heapPush(heap, e.rec);
      else ended.add(e.rec.seq);
    }
    while (heap.length && ended.has(heap[0]!.seq)) heapPop(heap);
    const top = heap[0];
    if (top && i < events.length) {
      const next = events[i]!.at;
      if (next > at) out.push({ dest: at, len: next - at, src: top.src + (at - top.dest), seq: top.seq });
    }
  }
  return mergeAdjacent(out);
}

function mergeAdjacent(pieces: Rec[]): Rec[] {
  const out: Rec[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (prev && prev.dest + prev.len === p.dest && prev.src + prev.len === p.src) prev.len += p.len;
    else out.push({ ...p });
  }
  return out;
}

function heapPush(h: Rec[], r: Rec): void {
  h.push(r);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p]!.seq >= h[i]!.seq) break;
    [h[p], h[i]] = [h[i]!, h[p]!];
    i = p;
  }
}

function heapPop(h: Rec[]): void {
  const last = h.pop()!;
  if (!h.length) return;
  h[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && h[l]!.seq > h[m]!.seq) m = l;
    if (r < h.length && h[r]!.seq > h[m]!.seq) m = r;
    if (m === i) break;
    [h[m], h[i]] = [h[i]!, h[m]!];
    i = m;
  }
}
