// The line being edited at the prompt, kept in a ref as well as in state: keys can arrive
// faster than React re-renders (a paste, a script, fast typing), and each must apply to the
// line the previous key left, never to the one last drawn. (ink-text-input read its value
// from the last render, so `info` then Enter as two events submitted an empty line.)

import { useRef, useState } from 'react';
import type { Key } from 'ink';

export interface LineState {
  value: string;
  /** Cursor offset in value (0..value.length). */
  cursor: number;
}

/** One editing key applied to a line; undefined when the key is not an editing key. */
export function editLine(st: LineState, input: string, key: Key): LineState | undefined {
  const { value, cursor } = st;
  if (key.leftArrow) return { value, cursor: Math.max(0, cursor - 1) };
  if (key.rightArrow) return { value, cursor: Math.min(value.length, cursor + 1) };
  if (key.home) return { value, cursor: 0 };
  if (key.end) return { value, cursor: value.length };
  // Most terminals send DEL (0x7f) for Backspace, which ink names `delete`: both erase backwards.
  if (key.backspace || key.delete) {
    return cursor > 0 ? { value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1 } : st;
  }
  if (key.ctrl || key.meta || key.tab || key.return || key.escape || key.upArrow || key.downArrow || key.pageUp || key.pageDown || !input) return undefined;
  return { value: value.slice(0, cursor) + input + value.slice(cursor), cursor: cursor + input.length };
}

export interface LineEditor {
  /** The line as the last key left it (read this, not `shown`, in key handlers). */
  current(): LineState;
  /** What to draw. */
  shown: LineState;
  /** Replace the line; the cursor goes to the end unless given. */
  set(value: string, cursor?: number): void;
}

export function useLineEditor(): LineEditor {
  const ref = useRef<LineState>({ value: '', cursor: 0 });
  const [shown, setShown] = useState<LineState>(ref.current);
  return {
    current: () => ref.current,
    shown,
    set(value, cursor = value.length) {
      ref.current = { value, cursor: Math.max(0, Math.min(value.length, cursor)) };
      setShown(ref.current);
    },
  };
}
