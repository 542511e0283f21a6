// Rows + declared columns → a table output. The text cells, the JSON object (built only when
// asked: a 20,000-row table printed as text never needs them) and the drill-down reference
// all come from the one RowSpec, so no view writes its columns twice.

import { rowJson, type RowSpec } from '../views/table.js';
import type { Row, TableOutput } from './model.js';

export interface TableOptions {
  title?: string;
  notes?: string[];
  headless?: boolean;
  /** Columns to leave out of the text (e.g. Netns when the dump has one namespace). */
  hide?: string[];
}

export function tableOutput<R>(spec: RowSpec<R>, rows: readonly R[], opts: TableOptions = {}): TableOutput {
  const columns = spec.columns.filter((c) => !opts.hide?.includes(c.key));
  return {
    kind: 'table',
    title: opts.title,
    headless: opts.headless,
    notes: opts.notes,
    columns: columns.map((c) => ({ key: c.key, title: c.title, align: c.align })),
    rows: rows.map((r): Row => {
      const cells: Record<string, string> = {};
      for (const c of columns) cells[c.key] = c.text(r);
      return {
        cells,
        get data() {
          return rowJson(spec, r);
        },
        ref: spec.ref?.(r),
      };
    }),
  };
}
