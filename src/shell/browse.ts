// Browse mode as data: an Output laid out as the text renderer prints it, with the lines of
// each openable row (a table row, a block) tied to the row, and the stack of opened views.
// Pure functions; components/Browser.tsx draws it and maps keys onto these.

import type { KeyAction } from './drill.js';
import type { Output, Ref } from '../report/model.js';
import { renderTable, RULE } from '../report/text.js';
import { canOpen } from './drill.js';

export interface BrowseLine {
  text: string;
  /** Index in BrowseDoc.items of the row this line shows. */
  item?: number;
  /** A table's column header line (kept on screen when filtering). */
  header?: boolean;
}

export interface BrowseItem {
  ref: Ref;
  /** First and last line of the row in BrowseDoc.lines. */
  first: number;
  last: number;
  /** Line index of its table's column header, to pin it when scrolled away. */
  headerLine?: number;
}

export interface BrowseDoc {
  lines: BrowseLine[];
  items: BrowseItem[];
}

/** Lay an Output out for browsing; rows whose ref has an opener become selectable items. */
export function browseDoc(out: Output): BrowseDoc {
  const doc: BrowseDoc = { lines: [], items: [] };
  addOutput(doc, out);
  return doc;
}

function addOutput(doc: BrowseDoc, out: Output): void {
  switch (out.kind) {
    case 'text':
      for (const t of out.lines) doc.lines.push({ text: t });
      return;
    case 'table': {
      const lines = renderTable(out);
      let i = 0;
      if (out.title) doc.lines.push({ text: lines[i++] });
      let headerLine: number | undefined;
      if (!out.headless) {
        headerLine = doc.lines.length;
        doc.lines.push({ text: lines[i++], header: true });
      }
      for (const row of out.rows) {
        const at = doc.lines.length;
        if (canOpen(row.ref)) {
          doc.items.push({ ref: row.ref!, first: at, last: at, headerLine });
          doc.lines.push({ text: lines[i++], item: doc.items.length - 1 });
        } else doc.lines.push({ text: lines[i++] });
      }
      for (; i < lines.length; i++) doc.lines.push({ text: lines[i] });
      return;
    }
    case 'blocks': {
      for (const b of out.blocks) {
        doc.lines.push({ text: RULE });
        const first = doc.lines.length;
        const item = canOpen(b.ref) ? doc.items.length : undefined;
        for (const t of b.lines) doc.lines.push({ text: t, item });
        if (item !== undefined) doc.items.push({ ref: b.ref!, first, last: doc.lines.length - 1 });
      }
      if (out.blocks.length) doc.lines.push({ text: RULE });
      for (const t of out.notes ?? []) doc.lines.push({ text: t });
      return;
    }
    case 'group':
      out.parts.forEach((p, i) => {
        if (i > 0) doc.lines.push({ text: '' });
        addOutput(doc, p);
      });
      return;
  }
}

/** The rows of an Output whose printed line(s) got through `| grep` (a block: any of its
 *  lines), so browsing after `CMD | grep X` walks what was shown. Text lines are filtered alike. */
export function grepOutput(out: Output, keep: (line: string) => boolean): Output {
  switch (out.kind) {
    case 'text':
      return { ...out, lines: out.lines.filter(keep) };
    case 'table': {
      const lines = renderTable(out);
      const first = (out.title ? 1 : 0) + (out.headless ? 0 : 1);
      return { ...out, rows: out.rows.filter((_r, i) => keep(lines[first + i])), notes: (out.notes ?? []).filter(keep) };
    }
    case 'blocks':
      return { ...out, blocks: out.blocks.filter((b) => b.lines.some(keep)), notes: (out.notes ?? []).filter(keep) };
    case 'group':
      return { ...out, parts: out.parts.map((p) => grepOutput(p, keep)) };
  }
}

/** How many rows of an Output can be opened (0: nothing to browse). */
export function openableCount(out: Output | undefined): number {
  if (!out) return 0;
  switch (out.kind) {
    case 'text':
      return 0;
    case 'table':
      return out.rows.filter((r) => canOpen(r.ref)).length;
    case 'blocks':
      return out.blocks.filter((b) => canOpen(b.ref)).length;
    case 'group':
      return out.parts.reduce((n, p) => n + openableCount(p), 0);
  }
}

/** Items whose text contains the filter (case-insensitive), in order. */
export function matchingItems(doc: BrowseDoc, filter: string): number[] {
  const f = filter.toLowerCase();
  const out: number[] = [];
  doc.items.forEach((it, i) => {
    if (!f) return out.push(i);
    for (let l = it.first; l <= it.last; l++) {
      if (doc.lines[l].text.toLowerCase().includes(f)) return out.push(i);
    }
  });
  return out;
}

/** Lines shown for a filter: everything without one; headers and matching rows with one. */
export function visibleLines(doc: BrowseDoc, filter: string): { line: BrowseLine; index: number }[] {
  const all = doc.lines.map((line, index) => ({ line, index }));
  if (!filter) return all;
  const keep = new Set(matchingItems(doc, filter));
  return all.filter(({ line }) => line.header || (line.item !== undefined && keep.has(line.item)));
}

/** One level of browsing: the first is the command's output, then each opened row. */
export interface Level {
  title: string;
  doc: BrowseDoc;
  /** Selected item (index into doc.items), or -1 when the view has nothing to open. */
  selected: number;
  /** First visible line (index into the visible lines). */
  top: number;
  filter: string;
  /** The view's own keys (DrillView.keys). */
  keys?: KeyAction[];
}

export function newLevel(title: string, out: Output, keys?: KeyAction[]): Level {
  const doc = browseDoc(out);
  return { title, doc, selected: doc.items.length ? 0 : -1, top: 0, filter: '', ...(keys ? { keys } : {}) };
}

/** Keep the selected row (all its lines, if they fit) inside a window of `height` lines. */
export function scrolled(level: Level, height: number): Level {
  const vis = visibleLines(level.doc, level.filter);
  const max = Math.max(0, vis.length - height);
  let top = Math.min(Math.max(0, level.top), max);
  if (level.selected >= 0) {
    const it = level.doc.items[level.selected];
    const first = vis.findIndex((v) => v.index === it.first);
    const lastIdx = vis.findIndex((v) => v.index === it.last);
    if (first >= 0) {
      const last = lastIdx >= 0 ? lastIdx : first;
      if (last >= top + height) top = last - height + 1;
      if (first < top) top = first;
      // A header right above the first row comes into view with it; the first row of all
      // brings back everything above it (titles) when that fits.
      if (top === first && first > 0 && vis[first - 1].line.header) top = first - 1;
      if (last < height && !vis.slice(0, first).some((v) => v.line.item !== undefined)) top = 0;
      top = Math.min(Math.max(0, top), max);
    }
  }
  return top === level.top ? level : { ...level, top };
}

/** Move the selection by `delta` rows among the matching ones (or scroll when nothing to select). */
export function moveSelection(level: Level, delta: number, height: number): Level {
  if (level.selected < 0 || level.doc.items.length === 0) {
    return scrolled({ ...level, top: level.top + delta }, height);
  }
  const m = matchingItems(level.doc, level.filter);
  if (m.length === 0) return level;
  let at = m.indexOf(level.selected);
  if (at < 0) at = 0;
  const next = m[Math.min(m.length - 1, Math.max(0, at + delta))];
  return scrolled({ ...level, selected: next }, height);
}

/** Home/End: the first or last matching row (or the top/bottom of a plain view). */
export function selectEnd(level: Level, end: 'first' | 'last', height: number): Level {
  if (level.selected < 0) return scrolled({ ...level, top: end === 'first' ? 0 : Number.MAX_SAFE_INTEGER }, height);
  const m = matchingItems(level.doc, level.filter);
  if (m.length === 0) return level;
  return scrolled({ ...level, selected: end === 'first' ? m[0] : m[m.length - 1] }, height);
}

/** A new filter: the selection moves to the first matching row if it no longer matches. */
export function withFilter(level: Level, filter: string, height: number): Level {
  const next = { ...level, filter, top: 0 };
  if (level.selected < 0) return scrolled(next, height);
  const m = matchingItems(level.doc, filter);
  if (m.length && !m.includes(level.selected)) next.selected = m[0];
  return scrolled(next, height);
}

/** The selected row's ref, if a row is selected and still shown. */
export function selectedRef(level: Level): Ref | undefined {
  if (level.selected < 0) return undefined;
  if (level.filter && !matchingItems(level.doc, level.filter).includes(level.selected)) return undefined;
  return level.doc.items[level.selected]?.ref;
}
