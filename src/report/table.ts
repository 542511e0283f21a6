// Rows + declared columns → a table output. The text cells, the JSON object and the drill-down
// reference all come from the one RowSpec, so no view writes its columns twice. Each row is one
// small object over the walker's plain row: its cells and its JSON are built each time they are
// asked for and never kept (the text renderer reads the cells once and keeps the lines it
// makes), so a 100,000-row table printed as JSON never formats a cell, one printed as text
// never builds a JSON object, and neither stays in memory beside the lines.

import { rowJsonOf, type ColumnSpec, type Ref, type RowSpec } from '../views/table.js';
import type { Row, TableOutput } from './model.js';

export interface TableOptions {
  title?: string;
  notes?: string[];
  headless?: boolean;
  /** Columns to leave out of the text (e.g. Netns when the dump has one namespace). */
  hide?: string[];
}

/** What the rows of one table share: the spec, the columns shown, how a row becomes JSON. */
interface TableSpec<R> {
  spec: RowSpec<R>;
  columns: readonly ColumnSpec<R>[];
  json: (r: R) => unknown;
  /** The columns of the keys cellsOf was last asked for (a renderer asks with one array). */
  asked?: { keys: readonly string[]; columns: (ColumnSpec<R> | undefined)[] };
}

/** One row of a declared table: the walker's row plus the spec that presents it. */
class SpecRow<R> implements Row {
  constructor(
    private readonly t: TableSpec<R>,
    private readonly row: R,
  ) {}

  get cells(): Record<string, string> {
    const cells: Record<string, string> = {};
    for (const c of this.t.columns) cells[c.key] = c.text(this.row);
    return cells;
  }

  cellsOf(keys: readonly string[]): string[] {
    const t = this.t;
    if (t.asked?.keys !== keys) t.asked = { keys, columns: keys.map((k) => t.columns.find((c) => c.key === k)) };
    const cols = t.asked.columns;
    const out = new Array<string>(cols.length);
    for (let i = 0; i < cols.length; i++) out[i] = cols[i]?.text(this.row) ?? '';
    return out;
  }

  get data(): unknown {
    return this.t.json(this.row);
  }

  get ref(): Ref | undefined {
    return this.t.spec.ref?.(this.row);
  }
}

export function tableOutput<R>(spec: RowSpec<R>, rows: readonly R[], opts: TableOptions = {}): TableOutput {
  const columns = spec.columns.filter((c) => !opts.hide?.includes(c.key));
  const t: TableSpec<R> = { spec, columns, json: rowJsonOf(spec) };
  return {
    kind: 'table',
    title: opts.title,
    headless: opts.headless,
    notes: opts.notes,
    columns: columns.map((c) => ({ key: c.key, title: c.title, align: c.align, ...(c.shrink ? { shrink: c.shrink } : {}) })),
    rows: rows.map((r): Row => new SpecRow(t, r)),
  };
}
