// Command history for the prompt: ↑/↓ recall, kept in $XDG_STATE_HOME/xportshow/history
// (~/.local/state/xportshow/history), loaded at start and appended one line per command.

import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { useCallback, useRef, useState } from 'react';

/** Lines kept from the file at start. */
export const HISTORY_KEEP = 1000;

export function defaultHistoryFile(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'xportshow', 'history');
}

/** The last HISTORY_KEEP lines of the file; none if it does not exist or cannot be read. */
export function loadHistory(file: string | null): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-HISTORY_KEEP);
  } catch {
    return [];
  }
}

/** Append one line; a read-only home only costs persistence, never the session. */
export function appendHistory(file: string | null, line: string): void {
  if (!file) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, line + '\n');
  } catch {
    // ignore: history is a convenience
  }
}

/** `!!` and `r` mean the last command; anything else is itself. Undefined: nothing to repeat. */
export function expandRepeat(line: string, history: string[]): string | undefined {
  const t = line.trim();
  if (t === '!!' || t === 'r') return history[history.length - 1];
  return line;
}

export interface InputHistory {
  entries: string[];
  /** The entries as of now (also between renders). */
  current(): string[];
  /** Remember a line that was run (not blank, not a repeat of the one before). */
  add(line: string): void;
  /** ↑: the older entry, given what is in the prompt now; undefined at the oldest. */
  older(current: string): string | undefined;
  /** ↓: the newer entry, back to what was being typed; undefined when not browsing history. */
  newer(): string | undefined;
  /** True while ↑ has been used and the prompt shows a recalled line. */
  browsing(): boolean;
}

export function useInputHistory(file: string | null): InputHistory {
  const [entries, setEntries] = useState<string[]>(() => loadHistory(file));
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  // Position while browsing: entries.length means "the line being typed".
  const pos = useRef<number | null>(null);
  const draft = useRef('');

  const add = useCallback(
    (line: string) => {
      pos.current = null;
      const t = line.trim();
      const list = entriesRef.current;
      if (!t || list[list.length - 1] === t) return;
      const next = [...list, t];
      entriesRef.current = next;
      setEntries(next);
      appendHistory(file, t);
    },
    [file],
  );

  const older = useCallback((current: string) => {
    const list = entriesRef.current;
    if (list.length === 0) return undefined;
    if (pos.current === null) {
      draft.current = current;
      pos.current = list.length;
    }
    if (pos.current === 0) return undefined;
    pos.current--;
    return list[pos.current];
  }, []);

  const newer = useCallback(() => {
    const list = entriesRef.current;
    if (pos.current === null) return undefined;
    pos.current++;
    if (pos.current >= list.length) {
      pos.current = null;
      return draft.current;
    }
    return list[pos.current];
  }, []);

  const browsing = useCallback(() => pos.current !== null, []);
  const current = useCallback(() => entriesRef.current, []);

  return { entries, current, add, older, newer, browsing };
}
