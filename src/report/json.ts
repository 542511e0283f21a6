// JSON rendering: the data behind the rows, never the formatted text. Kernel addresses are
// hex strings; bigint values anywhere become strings so JSON.stringify never throws.
// writeJson gives the text as it is made, in chunks: rows are stringified a batch at a time
// (V8's own JSON.stringify, without a replacer while no bigint needs one: a JS replacer is
// called for every key), so a 100,000-socket document is never one string, nor one array of
// 100,000 row objects.

import type { GroupOutput, Output } from './model.js';
import { ByteText, ChunkedText, type ByteSink, type TextOut, type TextSink } from './chunked.js';

export type { ByteSink, TextSink };

/** A walk problem among JSON rows is a row `{"problem": "..."}` (never a bare string); in the
 *  text it is a note marked `!!` (problemLines), so the marked notes are the problem rows. */
export function problemRows(notes: readonly string[] | undefined): { problem: string }[] {
  return (notes ?? []).filter((n) => n.startsWith('!! ')).map((problem) => ({ problem }));
}

export function toJsonValue(out: Output): unknown {
  switch (out.kind) {
    case 'text':
      return out.data ?? out.lines;
    case 'table':
      return [...out.rows.map((r) => r.data), ...problemRows(out.notes)];
    case 'blocks':
      return [...out.blocks.map((b) => b.data), ...problemRows(out.notes)];
    case 'group':
      if (out.flatRows) return out.parts.flatMap((p) => (p.kind === 'table' ? p.rows.map((r) => r.data) : p.kind === 'text' ? p.lines.map((l) => ({ problem: l })) : []));
      return out.data ?? out.parts.map(toJsonValue);
  }
}

/** The JSON text of an output, byte for byte JSON.stringify(toJsonValue(out), …, 2), given to
 *  `sink` in chunks of about 64 KiB (`newline`: with a final newline, as a file ends). */
export function writeJson(out: Output, sink: TextSink, opts: { newline?: boolean } = {}): void {
  writeTo(out, new ChunkedText(sink), opts);
}

/** writeJson's text as UTF-8 bytes, in chunks of about 64 KiB (the one-shot CLI's stdout). */
export function writeJsonBytes(out: Output, sink: ByteSink, opts: { newline?: boolean } = {}): void {
  writeTo(out, new ByteText(sink), opts);
}

function writeTo(out: Output, w: TextOut, opts: { newline?: boolean }): void {
  emit(out, '', w);
  if (opts.newline) w.push('\n');
  w.end();
}

const renderedTables = new WeakMap<Output, string>();

/** The JSON text of an output as one string; a table output rendered before (a view's cached
 *  output) gives the same text again. */
export function renderJson(out: Output): string {
  if (out.kind !== 'table') return whole(out);
  let text = renderedTables.get(out);
  if (text === undefined) {
    text = whole(out);
    renderedTables.set(out, text);
  }
  return text;
}

function whole(out: Output): string {
  const parts: string[] = [];
  writeJson(out, (c) => parts.push(c));
  return parts.join('');
}

function bigintHex(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? '0x' + v.toString(16) : v;
}

/** JSON.stringify(v, bigintHex, 2), at native speed while `v` holds no bigint. */
function stringify(v: unknown): string | undefined {
  try {
    return JSON.stringify(v, null, 2) as string | undefined;
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(v, bigintHex, 2) as string | undefined;
  }
}

/** `v` as it is written nested at `indent`: the lines after the first indented that much more
 *  (JSON never holds a raw newline inside a string, so this is exact). */
function nested(text: string, indent: string): string {
  return indent === '' ? text : text.replace(/\n/g, '\n' + indent);
}

/** Rows per JSON.stringify call: a few hundred kilobytes of text at most. */
const BATCH = 256;

/** An array written element by element, as JSON.stringify(…, 2) lays it out nested at
 *  `indent`: the elements are stringified BATCH at a time as one array, whose brackets are cut
 *  off and whose elements are joined by commas to the other batches'. */
class ArrayText {
  /** One array for every batch, emptied after each: a new `[]` is, to V8, an array of small
   *  integers until a row goes in, and its first push would throw away the optimized add. */
  private readonly batch: unknown[] = [];
  private any = false;
  constructor(private readonly w: TextOut, private readonly indent: string) {}

  add(v: unknown): void {
    this.batch.push(v);
    if (this.batch.length === BATCH) this.flush();
  }

  /** An element written by `write` (at `indent` + 2) after the ones added before it. */
  addWritten(write: (inner: string) => void): void {
    this.flush();
    this.w.push((this.any ? ',\n' : '[\n') + this.indent + '  ');
    this.any = true;
    write(this.indent + '  ');
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    // "[\n  a,\n  b\n]" → "  a,\n  b"
    const t = stringify(this.batch)!;
    this.batch.length = 0;
    const sep = this.any ? ',\n' : '[\n';
    if (this.indent === '') this.w.pushItems(t, sep);
    else this.w.push(sep + this.indent + nested(t.slice(2, -2), this.indent));
    this.any = true;
  }

  end(): void {
    this.flush();
    this.w.push(this.any ? '\n' + this.indent + ']' : '[]');
  }
}

/** The items' data, then the problems, as one JSON array at `indent`, a batch at a time. */
function emitArray(items: readonly { data: unknown }[], problems: Iterable<unknown>, indent: string, w: TextOut): void {
  const a = new ArrayText(w, indent);
  for (let i = 0; i < items.length; i++) a.add(items[i]!.data);
  for (const p of problems) a.add(p);
  a.end();
}

/** toJsonValue(out) written at `indent`, rows a batch at a time. */
function emit(out: Output, indent: string, w: TextOut): void {
  switch (out.kind) {
    case 'text':
      w.push(nested(stringify(out.data ?? out.lines)!, indent));
      return;
    case 'table':
      emitArray(out.rows, problemRows(out.notes), indent, w);
      return;
    case 'blocks':
      emitArray(out.blocks, problemRows(out.notes), indent, w);
      return;
    case 'group': {
      if (!out.flatRows && out.rowsIn) {
        emitRowsIn(out.rowsIn, indent, w);
        return;
      }
      if (!out.flatRows && out.data != null) {
        w.push(nested(stringify(out.data)!, indent));
        return;
      }
      const a = new ArrayText(w, indent);
      if (out.flatRows) {
        for (const p of out.parts) {
          if (p.kind === 'table') for (const r of p.rows) a.add(r.data);
          else if (p.kind === 'text') for (const l of p.lines) a.add({ problem: l });
        }
      } else {
        for (const p of out.parts) a.addWritten((inner) => emit(p, inner, w));
      }
      a.end();
    }
  }
}

/** `{...head, [key]: rows' data}` as JSON.stringify(…, 2) lays it out nested at `indent`
 *  (members whose value is undefined left out, as it leaves them out), the rows streamed. */
function emitRowsIn(g: NonNullable<GroupOutput['rowsIn']>, indent: string, w: TextOut): void {
  const inner = indent + '  ';
  let sep = '{\n';
  const rows = (): void => {
    w.push(sep + inner + JSON.stringify(g.key) + ': ');
    emitArray(g.rows, [], inner, w);
  };
  let done = false;
  for (const [k, v] of Object.entries(g.head)) {
    if (k === g.key) {
      rows(); // a spread keeps the key where head had it
      done = true;
    } else {
      const t = stringify(v);
      if (t === undefined) continue;
      w.push(sep + inner + JSON.stringify(k) + ': ' + nested(t, inner));
    }
    sep = ',\n';
  }
  if (!done) rows();
  w.push('\n' + indent + '}');
}
