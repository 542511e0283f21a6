// JSON rendering: the data behind the rows, never the formatted text. Kernel addresses are
// hex strings; bigint values anywhere become strings so JSON.stringify never throws.

import type { Output } from './model.js';

export function toJsonValue(out: Output): unknown {
  switch (out.kind) {
    case 'text':
      return out.data ?? out.lines;
    case 'table':
      return out.rows.map((r) => r.data);
    case 'blocks':
      return out.blocks.map((b) => b.data);
    case 'group':
      return out.data ?? out.parts.map(toJsonValue);
  }
}

export function renderJson(out: Output): string {
  return JSON.stringify(toJsonValue(out), (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v), 2);
}
