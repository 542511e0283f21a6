// Browse mode: the last command's rows as a selectable list; Enter opens a row (a socket,
// a task, an skb) as a new level, whose own rows can be opened again. Esc goes back a level.
//   ↑/↓ (k/j) move · PgUp/PgDn · Home/End (g/G) · / filter · Enter (→) open · Esc (⌫, ←) back
//   p prints the current view into the transcript · q back to the prompt

import { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { Output, Ref } from '../../report/model.js';
import type { DrillView } from '../drill.js';
import {
  matchingItems,
  moveSelection,
  newLevel,
  scrolled,
  selectEnd,
  selectedRef,
  withFilter,
  type Level,
} from '../browse.js';
import { Breadcrumb, CRUMB_SEPARATOR } from './Breadcrumb.js';
import { DetailView } from './DetailView.js';

export interface BrowserProps {
  /** Breadcrumb text for the first level: the command line that produced it. */
  title: string;
  output: Output;
  open: (ref: Ref) => DrillView;
  /** Terminal size the browser must fit in. */
  rows: number;
  columns: number;
  /** Leave browse mode (back to the prompt). */
  onExit: () => void;
  /** `p`: keep the current view in the transcript above (breadcrumb, then its lines). */
  onPrint?: (trail: string, lines: string[]) => void;
}

/** Lines taken by the breadcrumb and the status line. */
const CHROME = 2;

export function Browser({ title, output, open, rows, columns, onExit, onPrint }: BrowserProps) {
  const [levels, setLevelsState] = useState<Level[]>(() => [newLevel(title, output)]);
  // Keys can come faster than re-renders: each applies to the levels the previous key left.
  const levelsRef = useRef(levels);
  const setLevels = (f: (ls: Level[]) => Level[]) => {
    levelsRef.current = f(levelsRef.current);
    setLevelsState(levelsRef.current);
  };
  const current = () => levelsRef.current[levelsRef.current.length - 1];
  const [editing, setEditingState] = useState(false);
  const editingRef = useRef(false);
  const setEditing = (on: boolean) => {
    editingRef.current = on;
    setEditingState(on);
  };
  const [error, setError] = useState<string | undefined>(undefined);
  // Keep the live area below the terminal height: ink redraws everything when it is not.
  const height = Math.max(3, rows - CHROME - 1);
  const body = height - 1; // DetailView keeps one line for the pinned header
  const level = levels[levels.length - 1];

  const update = (f: (l: Level) => Level) => setLevels((ls) => [...ls.slice(0, -1), f(ls[ls.length - 1])]);

  const back = () => {
    const level = current();
    if (level.filter) {
      update((l) => withFilter(l, '', body));
      return;
    }
    if (levelsRef.current.length === 1) onExit();
    else setLevels((ls) => ls.slice(0, -1));
  };

  const openSelected = () => {
    const ref = selectedRef(current());
    if (!ref) return;
    try {
      const view = open(ref);
      setLevels((ls) => [...ls, newLevel(view.title, view.output, view.keys)]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  useInput((input, key) => {
    setError(undefined);
    if (key.upArrow) return update((l) => moveSelection(l, -1, body));
    if (key.downArrow) return update((l) => moveSelection(l, 1, body));
    if (key.pageUp) return update((l) => moveSelection(l, -body, body));
    if (key.pageDown) return update((l) => moveSelection(l, body, body));
    if (key.home) return update((l) => selectEnd(l, 'first', body));
    if (key.end) return update((l) => selectEnd(l, 'last', body));
    if (editingRef.current) {
      if (key.return) return setEditing(false);
      if (key.escape) {
        setEditing(false);
        return update((l) => withFilter(l, '', body));
      }
      if (key.backspace || key.delete) {
        if (!current().filter) return setEditing(false);
        return update((l) => withFilter(l, l.filter.slice(0, -1), body));
      }
      if (input && !key.ctrl && !key.meta && !key.tab) {
        const text = input.replace(/[\r\n]+$/, '');
        if (text !== input) setEditing(false);
        return update((l) => withFilter(l, l.filter + text, body));
      }
      return;
    }
    if (key.return || key.rightArrow) return openSelected();
    if (key.escape || key.backspace || key.delete || key.leftArrow) return back();
    if (key.ctrl && (input === 'c' || input === 'd')) return onExit();
    if (input === 'q') return onExit();
    if (input === 'p' && onPrint) {
      onPrint(levelsRef.current.map((l) => l.title).join(CRUMB_SEPARATOR), current().doc.lines.map((l) => l.text));
      return setError(undefined);
    }
    const action = current().keys?.find((a) => a.key === input);
    if (action && !key.ctrl && !key.meta) {
      try {
        setError(action.run());
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
      return;
    }
    if (input.startsWith('/') && !key.ctrl && !key.meta) {
      // '/' then the filter; typed fast, ink hands them over as one string ('/8080').
      setEditing(true);
      const rest = input.slice(1).replace(/[\r\n]+$/, '');
      if (rest) update((l) => withFilter(l, l.filter + rest, body));
      if (/[\r\n]$/.test(input)) setEditing(false);
      return;
    }
    if (input === 'j') return update((l) => moveSelection(l, 1, body));
    if (input === 'k') return update((l) => moveSelection(l, -1, body));
    if (input === 'g') return update((l) => selectEnd(l, 'first', body));
    if (input === 'G') return update((l) => selectEnd(l, 'last', body));
    if (input === ' ') return update((l) => moveSelection(l, body, body));
  });

  return (
    <Box flexDirection="column">
      <Breadcrumb parts={levels.map((l) => l.title)} width={columns} />
      <DetailView level={scrolled(level, body)} height={height} width={columns} />
      <StatusLine level={level} editing={editing} error={error} depth={levels.length} />
    </Box>
  );
}

function StatusLine({ level, editing, error, depth }: { level: Level; editing: boolean; error?: string; depth: number }) {
  if (error) return <Text color="red" wrap="truncate-end">{error}</Text>;
  if (editing) {
    return (
      <Text wrap="truncate-end">
        <Text color="yellow">/</Text>
        {level.filter}
        <Text inverse> </Text>
        <Text dimColor>  Enter keep · Esc clear</Text>
      </Text>
    );
  }
  const n = level.doc.items.length;
  const m = level.filter ? matchingItems(level.doc, level.filter) : undefined;
  const where =
    n === 0
      ? ''
      : `row ${(m ?? [...level.doc.items.keys()]).indexOf(level.selected) + 1}/${m ? m.length : n}` +
        (m ? ` matching '${level.filter}'` : '') +
        ' · ';
  const keys = (n === 0 ? '↑↓ scroll · ' : '↑↓ move · Enter open · / filter · ') + 'p print · ' + (level.keys ?? []).map((a) => `${a.key} ${a.help} · `).join('');
  return (
    <Text dimColor wrap="truncate-end">
      {where}
      {keys}
      {depth > 1 ? 'Esc back · q prompt' : 'Esc/q prompt'}
    </Text>
  );
}
