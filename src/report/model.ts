// What a command returns: typed rows, not text. The renderers (text.ts, json.ts) decide the
// format, and the shell makes the rows selectable; a command never prints.

export interface Column {
  key: string;
  title: string;
  align?: 'left' | 'right';
  /** May be cut to this width (keeping its end) when the table must fit a narrower terminal. */
  shrink?: number;
}

import type { Ref } from '../views/table.js';
export type { Ref };

export interface Row {
  /** Cell text by column key. */
  cells: Record<string, string>;
  /** The cells of the columns `keys`, in that order ('' for a column the row does not have),
   *  made without the keyed record `cells` builds: the text renderer's way (optional). */
  cellsOf?(keys: readonly string[]): string[];
  /** The row as data for --json. */
  data: unknown;
  ref?: Ref;
}

/** A netstat-style table. */
export interface TableOutput {
  kind: 'table';
  title?: string;
  columns: Column[];
  rows: Row[];
  /** Printed under the table: walk problems, "N more", hints. */
  notes?: string[];
  /** Omit the header line (netstat -a style listings have none in the seed). */
  headless?: boolean;
}

/** Free text (info banners, struct dumps, help). */
export interface TextOutput {
  kind: 'text';
  lines: string[];
  data?: unknown;
}

/** Per-object blocks as the seed's verbose views print them, separated by rules. */
export interface BlocksOutput {
  kind: 'blocks';
  blocks: { lines: string[]; data: unknown; ref?: Ref }[];
  notes?: string[];
}

export interface GroupOutput {
  kind: 'group';
  parts: Output[];
  /** The group as one JSON value (else the array of its parts'). */
  data?: unknown;
  /** Its JSON is one flat array of the parts' rows: a table's rows (not its notes), a text
   *  part's lines as `{"problem": …}` rows. Written row by row when asked for, never built
   *  beforehand (a listing shown as text builds no JSON at all). */
  flatRows?: boolean;
  /** `data` is `head` with one more member, `key`: these rows' data as an array. Written a
   *  batch of rows at a time, so a process holding 100,000 sockets is never one string. */
  rowsIn?: { head: Record<string, unknown>; key: string; rows: readonly { data: unknown }[] };
}

export type Output = TableOutput | TextOutput | BlocksOutput | GroupOutput;

export function text(...lines: string[]): TextOutput {
  return { kind: 'text', lines };
}

export function group(parts: Output[]): Output {
  return parts.length === 1 ? parts[0] : { kind: 'group', parts };
}

import { hex } from '../views/table.js';
export { hex };

type Problem = { where: string; kind: string; detail: string; address: bigint };

/** The marked line a walk problem prints as: which table, what went wrong, where. */
export function problemLine(p: Problem): string {
  return `!! ${p.where}: ${p.kind}${p.detail ? ` (${p.detail})` : ''} at ${hex(p.address)}`;
}

/** Marked lines for many problems: a run of buckets that failed for the same reason (a page
 *  of the table missing) is one line, "udp_table buckets 0-511: …", not 512. */
export function problemLines(problems: readonly Problem[], suffix = ''): string[] {
  const out: string[] = [];
  for (let i = 0; i < problems.length; ) {
    const p = problems[i];
    const m = /^(.*) (\d+)$/.exec(p.where);
    let j = i + 1;
    if (m) {
      while (j < problems.length) {
        const q = problems[j];
        const n = /^(.*) (\d+)$/.exec(q.where);
        if (!n || n[1] !== m[1] || Number(n[2]) !== Number(m[2]) + (j - i) || q.kind !== p.kind || q.detail !== p.detail) break;
        j++;
      }
    }
    out.push(j - i > 1 ? `!! ${m![1]}s ${m![2]}-${Number(m![2]) + j - i - 1}: ${p.kind}${p.detail ? ` (${p.detail})` : ''}${suffix}` : problemLine(p) + suffix);
    i = j;
  }
  return out;
}
