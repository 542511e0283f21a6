// Plain-text rendering: aligned columns like netstat, blocks separated by rules like the seed.

import type { Output, TableOutput } from './model.js';

export const RULE = '-'.repeat(78);

export function renderLines(out: Output): string[] {
  switch (out.kind) {
    case 'text':
      return out.lines;
    case 'table':
      return renderTable(out);
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
        lines.push(...renderLines(p));
      });
      return lines;
    }
  }
}

const rendered = new WeakMap<TableOutput, string[]>();

/** Table lines: the header (unless headless) and one line per row, columns padded to fit.
 *  A table output rendered before (a view's cached output) gives its lines again. */
export function renderTable(t: TableOutput): string[] {
  let lines = rendered.get(t);
  if (!lines) {
    lines = renderTableLines(t);
    rendered.set(t, lines);
  }
  return lines.slice();
}

function renderTableLines(t: TableOutput): string[] {
  const widths = t.columns.map((c) => (t.headless ? 0 : c.title.length));
  for (const r of t.rows) t.columns.forEach((c, i) => (widths[i] = Math.max(widths[i], (r.cells[c.key] ?? '').length)));
  const line = (get: (key: string, i: number) => string) =>
    t.columns
      .map((c, i) => {
        const v = get(c.key, i);
        const last = i === t.columns.length - 1;
        return c.align === 'right' ? v.padStart(widths[i]) : last ? v : v.padEnd(widths[i]);
      })
      .join(' ')
      .trimEnd();
  const lines: string[] = [];
  if (t.title) lines.push(t.title);
  if (!t.headless) lines.push(line((_k, i) => t.columns[i].title));
  for (const r of t.rows) lines.push(line((k) => r.cells[k] ?? ''));
  return lines.concat(t.notes ?? []);
}
