// Tab completion state for the prompt: the open menu (if any) over the pure functions of
// complete.ts. The prompt owns the line; this hook only says what the line becomes.

import { useCallback, useRef, useState } from 'react';
import { pressTab, narrowMenu, type CompletionMenu } from '../complete.js';
import type { Session } from '../../views/session.js';

export interface CompletionControl {
  menu: CompletionMenu | undefined;
  /** Tab / Shift-Tab: the new line, or undefined when nothing completes. */
  tab(line: string, dir?: 1 | -1): string | undefined;
  /** Esc: close the menu; returns the line as typed before Tab (undefined if no menu). */
  cancel(): string | undefined;
  /** Typing or running a line closes the menu, keeping what is in the line. */
  close(): void;
  /** Typing with the menu open: the menu for the line as now typed (closed when none fit). */
  narrow(line: string): void;
  /** The open menu as the last key left it (state may not have re-rendered yet). */
  current(): CompletionMenu | undefined;
}

export function useCompletion(session: Session): CompletionControl {
  const [menu, setMenu] = useState<CompletionMenu | undefined>(undefined);
  // A ref too: several keys can arrive before React re-renders (pasted or fast input).
  const menuRef = useRef<CompletionMenu | undefined>(undefined);
  const set = (m: CompletionMenu | undefined) => {
    menuRef.current = m;
    setMenu(m);
  };

  const tab = useCallback(
    (line: string, dir: 1 | -1 = 1) => {
      const r = pressTab(session, line, menuRef.current, dir);
      set(r?.menu);
      return r?.value;
    },
    [session],
  );

  const cancel = useCallback(() => {
    const m = menuRef.current;
    set(undefined);
    return m?.original;
  }, []);

  const close = useCallback(() => {
    if (menuRef.current) set(undefined);
  }, []);

  const narrow = useCallback((line: string) => set(narrowMenu(session, line)), [session]);

  return { menu, tab, cancel, close, narrow, current: () => menuRef.current };
}
