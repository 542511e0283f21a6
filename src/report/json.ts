// JSON rendering: the data behind the rows, never the formatted text. Kernel addresses are
// hex strings; bigint values anywhere become strings so JSON.stringify never throws.

import type { Output } from './model.js';

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
      return out.data ?? out.parts.map(toJsonValue);
  }
}

const renderedTables = new WeakMap<Output, string>();

/** The JSON text of an output; a table output rendered before (a view's cached output) gives
 *  the same text again. */
export function renderJson(out: Output): string {
  if (out.kind !== 'table') return stringify(out);
  let text = renderedTables.get(out);
  if (text === undefined) {
    text = stringify(out);
    renderedTables.set(out, text);
  }
  return text;
}

function stringify(out: Output): string {
  return JSON.stringify(toJsonValue(out), (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v), 2);
}
