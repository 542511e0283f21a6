// Plain-text rendering: aligned columns like netstat, blocks separated by rules like the seed.

import type { Output, Row, TableOutput } from './model.js';
import { ChunkedText, type TextSink } from './chunked.js';

export const RULE = '-'.repeat(78);

/** `width`: the terminal's columns; tables then cut their shrinkable columns to fit it. */
export function renderLines(out: Output, width?: number): string[] {
  switch (out.kind) {
    case 'text':
      return out.lines;
    case 'table':
      return renderTable(out, width);
    case 'blocks': {
      const lines: string[] = [];
      for (const b of out.blocks) lines.push(RULE, ...b.lines);
      if (out.blocks.length) lines.push(RULE);
      return lines.concat(out.notes ?? []);
    }
    case 'group': {
      const lines: string[] = [];
      out.parts.forEach((p, i) => {
        if (i > 0) lines.push('');
        lines.push(...renderLines(p, width));
      });
      return lines;
    }
  }
}

/** Lines as a file holds them (each ended by a newline), given to `sink` in chunks of about
 *  64 KiB: never the whole text as one string. No lines, nothing written. */
export function writeLines(lines: readonly string[], sink: TextSink): void {
  const w = new ChunkedText(sink);
  for (const l of lines) w.push(l + '\n');
  w.end();
}

const rendered = new WeakMap<TableOutput, Map<number, string[]>>();

/** Table lines: the header (unless headless) and one line per row, columns padded to fit
 *  (`width`: shrinkable columns cut so the line fits). A table output rendered before at the
 *  same width (a view's cached output) gives its lines again. */
export function renderTable(t: TableOutput, width?: number): string[] {
  let byWidth = rendered.get(t);
  if (!byWidth) rendered.set(t, (byWidth = new Map()));
  let lines = byWidth.get(width ?? 0);
  if (!lines) {
    lines = renderTableLines(t, width);
    byWidth.set(width ?? 0, lines);
  }
  return lines.slice();
}

/** renderLines(out, width) written to `sink` as writeLines writes them, a table's lines as
 *  they are made (its lines rendered before, if any, reused): never the lines of 100,000 rows
 *  kept at once — outliving the young generation, they grew the old one by ~15 MB (peak RSS).
 *  The one-shot CLI's way: its table is written once. */
export function writeRendered(out: Output, sink: TextSink, width?: number): void {
  const w = new ChunkedText(sink);
  eachLine(out, width, (l) => w.push(l + '\n'));
  w.end();
}

function eachLine(out: Output, width: number | undefined, emit: (line: string) => void): void {
  if (out.kind === 'group') {
    out.parts.forEach((p, i) => {
      if (i > 0) emit('');
      eachLine(p, width, emit);
    });
  } else if (out.kind === 'table' && !rendered.get(out)?.has(width ?? 0)) {
    tableLines(out, width, emit);
  } else {
    for (const l of renderLines(out, width)) emit(l);
  }
}

function renderTableLines(t: TableOutput, width?: number): string[] {
  const lines: string[] = [];
  tableLines(t, width, (l) => lines.push(l));
  return lines;
}

/** Rows whose cells the text renderer keeps between measuring and writing (see tableLines). */
const KEEP_CELLS = 16_384;

function tableLines(t: TableOutput, width: number | undefined, emit: (line: string) => void): void {
  const cols = t.columns;
  const n = cols.length;
  const keys = cols.map((c) => c.key);
  const widths = cols.map((c) => (t.headless ? 0 : c.title.length));
  // The cells the widths are measured on are kept for the lines of the first KEEP_CELLS rows
  // only; a later row's are made again for its line. Kept for the whole table (a string per
  // cell, 1,000,000 of them for 100,000 sockets) they outlived the young generation and grew
  // the old one by ~15 MB before a full GC (peak RSS).
  const cellsOf = (r: Row): string[] => {
    const list = r.cellsOf?.(keys);
    if (list) return list;
    const rc = r.cells;
    return keys.map((k) => rc[k] ?? '');
  };
  const rows = t.rows;
  const kept: (string[] | undefined)[] = [];
  for (let j = 0; j < rows.length; j++) {
    const list = cellsOf(rows[j]);
    if (j < KEEP_CELLS) kept.push(list);
    for (let i = 0; i < n; i++) if (list[i].length > widths[i]) widths[i] = list[i].length;
  }
  if (width) fit(t, widths, width);
  const pad = spaces(Math.max(0, ...widths));
  // head: the titles, which keep their start when cut (cells keep their end)
  const line = (list: readonly string[] | undefined): string => {
    const head = list === undefined;
    let s = '';
    for (let i = 0; i < n; i++) {
      const c = cols[i];
      const w = widths[i];
      let v = head ? c.title : list[i];
      if (c.shrink && v.length > w) v = head ? v.slice(0, w) : cut(v, w);
      if (i > 0) s += ' ';
      if (c.align === 'right') s += v.length < w ? pad[w - v.length] + v : v;
      else s += i === n - 1 || v.length >= w ? v : v + pad[w - v.length];
    }
    return s.trimEnd();
  };
  if (t.title) emit(t.title);
  if (!t.headless) emit(line(undefined));
  for (let j = 0; j < rows.length; j++) {
    const list = j < kept.length ? kept[j]! : cellsOf(rows[j]);
    if (j < kept.length) kept[j] = undefined;
    emit(line(list));
  }
  for (const l of t.notes ?? []) emit(l);
}

/** Runs of spaces by length, 0 to `max`: padding without a new string per cell. */
function spaces(max: number): string[] {
  return Array.from({ length: max + 1 }, (_, k) => ' '.repeat(k));
}

/** A cell longer than its column keeps its end ("…:8443"); titles keep their start (above). */
function cut(v: string, w: number): string {
  return v.length <= w ? v : '…' + v.slice(v.length - (w - 1));
}

/** Narrow the shrinkable columns, widest slack first, until the line fits `width` (or they are
 *  all at their minimum). The last column is not padded, so it counts only up to what fits. */
function fit(t: TableOutput, widths: number[], width: number): void {
  const total = () => widths.reduce((a, w) => a + w, 0) + widths.length - 1;
  const shrinkable = t.columns.map((c, i) => (c.shrink ? i : -1)).filter((i) => i >= 0);
  let excess = total() - width;
  while (excess > 0) {
    let best = -1;
    for (const i of shrinkable) if (widths[i] > t.columns[i].shrink! && (best < 0 || widths[i] - t.columns[i].shrink! > widths[best] - t.columns[best].shrink!)) best = i;
    if (best < 0) return;
    widths[best]--;
    excess--;
  }
}
