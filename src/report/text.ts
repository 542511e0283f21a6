// Plain-text rendering: aligned columns like netstat, blocks separated by rules like the seed.

import type { Output, TableOutput } from './model.js';
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

function renderTableLines(t: TableOutput, width?: number): string[] {
  const widths = t.columns.map((c) => (t.headless ? 0 : c.title.length));
  for (const r of t.rows) t.columns.forEach((c, i) => (widths[i] = Math.max(widths[i], (r.cells[c.key] ?? '').length)));
  if (width) fit(t, widths, width);
  const line = (get: (key: string, i: number) => string, head = false) =>
    t.columns
      .map((c, i) => {
        const raw = get(c.key, i);
        const v = !c.shrink || raw.length <= widths[i] ? raw : head ? raw.slice(0, widths[i]) : cut(raw, widths[i]);
        const last = i === t.columns.length - 1;
        return c.align === 'right' ? v.padStart(widths[i]) : last ? v : v.padEnd(widths[i]);
      })
      .join(' ')
      .trimEnd();
  const lines: string[] = [];
  if (t.title) lines.push(t.title);
  if (!t.headless) lines.push(line((_k, i) => t.columns[i].title, true));
  for (const r of t.rows) lines.push(line((k) => r.cells[k] ?? ''));
  return lines.concat(t.notes ?? []);
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
