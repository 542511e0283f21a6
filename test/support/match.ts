// One comparison for "our rows equal the rows the guest printed": both sides are reduced to
// the named fields, and compared as multisets (order does not matter, duplicates do).  A
// mismatch names the rows found only on one side, each as "field=value field=value".

import { expect } from 'vitest';

/** How to read one field: a property name, or a function of the row. */
export type Getter<R> = (keyof R & string) | ((r: R) => unknown);

/**
 * The fields to compare: property names both rows share (`['inode', 'state']`), or by name, a
 * getter for each side (`{ path: [(r) => r.path ?? '', 'path'] }`) or one name for both.
 */
export type Fields<O, T> =
  | readonly (keyof O & keyof T & string)[]
  | Record<string, (keyof O & keyof T & string) | readonly [Getter<O>, Getter<T>]>;

function read<R>(row: R, g: Getter<R>): unknown {
  return typeof g === 'function' ? g(row) : row[g];
}

function text(v: unknown): string {
  return typeof v === 'bigint' ? `0x${v.toString(16)}` : String(v);
}

/** The rows as "field=value ..." lines, sorted. */
export function rowKeys<O, T>(rows: readonly O[], fields: Fields<O, T>, side: 0): string[];
export function rowKeys<O, T>(rows: readonly T[], fields: Fields<O, T>, side: 1): string[];
export function rowKeys(rows: readonly unknown[], fields: Fields<unknown, unknown>, side: 0 | 1): string[] {
  const getters: [string, Getter<unknown>][] = Array.isArray(fields)
    ? fields.map((f: string) => [f, f as Getter<unknown>])
    : Object.entries(fields).map(([name, g]) => [name, (Array.isArray(g) ? g[side] : g) as Getter<unknown>]);
  return rows.map((r) => getters.map(([name, g]) => `${name}=${text(read(r, g))}`).join(' ')).sort();
}

/**
 * Expect `ours` and `truth` to hold the same rows on `fields`.  Returns how many rows matched,
 * so that a caller can also require the truth to be non-empty where it should be.
 */
export function expectRowsMatchTruth<O, T>(ours: readonly O[], truth: readonly T[], fields: Fields<O, T>, label = 'rows'): number {
  const a = rowKeys<O, T>(ours, fields, 0);
  const b = rowKeys<O, T>(truth, fields, 1);
  const left = new Map<string, number>();
  for (const k of b) left.set(k, (left.get(k) ?? 0) + 1);
  const onlyInOurs: string[] = [];
  for (const k of a) {
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else onlyInOurs.push(k);
  }
  const onlyInTruth = [...left].flatMap(([k, n]) => Array<string>(n).fill(k));
  const list = (title: string, rows: string[]): string =>
    rows.length ? `\n  ${title}:\n${rows.slice(0, 30).map((r) => `    ${r}`).join('\n')}${rows.length > 30 ? `\n    … ${rows.length - 30} more` : ''}` : '';
  const message = `${label}: ${onlyInOurs.length + onlyInTruth.length} row(s) differ from the truth (${a.length} ours, ${b.length} in the truth)`
    + list('only in ours', onlyInOurs) + list('only in the truth', onlyInTruth) + '\n';
  expect({ onlyInOurs, onlyInTruth }, message).toEqual({ onlyInOurs: [], onlyInTruth: [] });
  return a.length;
}
