// What every view's table is: the rows a walk found and the problems it met on the way
// (a gap in the dump is always shown, never dropped), plus the declared columns that turn
// rows into a text table, JSON objects, browse rows and grep lines alike.

import type { WalkProblem } from '../kernel/walk.js';
import { GAP, headProblem } from '../kernel/walk.js';

export type { WalkProblem };

export interface Table<R> {
  readonly rows: R[];
  readonly problems: WalkProblem[];
  /** Set when even the table's head could not be read: the view cannot answer at all. */
  readonly failed?: string;
}

/** A table whose head itself could not be read is empty with one problem, never a throw. */
export function guardedTable<R>(where: string, build: () => Table<R>): Table<R> {
  try {
    return build();
  } catch (e) {
    const p = headProblem(where, 0n, e);
    return { rows: [], problems: [p], failed: `${where}: ${p.detail}` };
  }
}

/** The table, or an error when its view cannot answer at all (its head was unreadable). */
export function answerable<R>(t: Table<R>): Table<R> {
  if (t.failed) throw new Error(t.failed);
  return t;
}

/** The one marker of a value that could not be read (defined beside WalkProblem). */
export { GAP };

/** A number that may be a gap (NaN: could not be read) as text. */
export function numText(n: number): string {
  return Number.isNaN(n) ? GAP : String(n);
}

/** Something the shell can open from a row (drill-down). */
export type Ref =
  | { kind: 'sock'; address: bigint }
  | { kind: 'task'; pid: number }
  | { kind: 'skb'; address: bigint }
  | { kind: 'netns'; inode: number }
  | { kind: 'struct'; type: string; address: bigint }
  | { kind: 'iface'; netns: number; ifindex: number }
  | { kind: 'route'; netns: number; index: number }
  | { kind: 'cpu'; cpu: number };

/** One column, declared once: its title and alignment, its text, its JSON key and value. */
export interface ColumnSpec<R> {
  /** Cell key; also the JSON key unless `jsonKey` says otherwise. */
  key: string;
  title: string;
  align?: 'left' | 'right';
  text: (r: R) => string;
  /** The JSON value (default: the text); `false` keeps the column out of JSON. */
  json?: ((r: R) => unknown) | false;
  jsonKey?: string;
  /** On a terminal too narrow for the table, this column may be cut to this width (its end
   *  kept: an address's port), so that the columns that must stay whole (PID/Program) fit. */
  shrink?: number;
}

/** How a view's rows are presented: columns, JSON-only fields, the object a row opens. */
export interface RowSpec<R> {
  columns: ColumnSpec<R>[];
  /** JSON fields beyond the columns' own: a new object each call (when no column has a JSON
   *  value it is the row's JSON object itself, not copied). */
  extra?: (r: R) => Record<string, unknown>;
  ref?: (r: R) => Ref | undefined;
}

/** The JSON object of one row: every column's value under its key, then the extras. */
export function rowJson<R>(spec: RowSpec<R>, r: R): Record<string, unknown> {
  return rowJsonOf(spec)(r);
}

/** rowJson for every row of one spec: the columns looked at once, not per row. A spec whose
 *  columns are all kept out of JSON (the socket tables') gives extra's object as it is. */
export function rowJsonOf<R>(spec: RowSpec<R>): (r: R) => Record<string, unknown> {
  const extra = spec.extra;
  if (extra && spec.columns.every((c) => c.json === false)) return extra;
  return (r) => columnsJson(spec, r);
}

function columnsJson<R>(spec: RowSpec<R>, r: R): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of spec.columns) {
    if (c.json === false) continue;
    o[c.jsonKey ?? c.key] = c.json ? c.json(r) : c.text(r);
  }
  return spec.extra ? Object.assign(o, spec.extra(r)) : o;
}

/** Hex with 0x, as kernel addresses appear in text and JSON. */
export function hex(v: bigint | number): string {
  return '0x' + v.toString(16);
}
