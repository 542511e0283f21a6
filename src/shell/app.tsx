// The interactive shell (ink): a prompt whose finished output goes into <Static> above it,
// history (↑/↓, `!!`, `r`), Tab completion, and browse mode over the last command's rows.
// Only mounted when stdin is a terminal (cli.ts checks); batch and one-shot runs never get here.

import { useRef, useState } from 'react';
import { Box, Static, Text, render, useApp, useInput, useStdout } from 'ink';
import type { Output, Ref } from '../report/model.js';
import { runLine, type LineResult } from './dispatch.js';
import { ttyInterrupt } from './tty-interrupt.js';
import { openRef, type DrillView } from './drill.js';
import { openableCount } from './browse.js';
import { dumpInfo, banner } from './commands/info.js';
import { useInputHistory, defaultHistoryFile, expandRepeat } from './hooks/useInputHistory.js';
import { useCompletion } from './hooks/useCompletion.js';
import { useLineEditor, editLine } from './hooks/useLineEditor.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { Prompt, PROMPT } from './components/Prompt.js';
import { Browser } from './components/Browser.js';
import type { Session } from '../views/session.js';
import { packageVersion } from './version.js';

export { packageVersion };

/** One finished piece of the transcript, printed once by <Static>. */
interface Printed {
  id: number;
  lines: string[];
  style?: 'error' | 'dim' | 'echo';
}

export interface AppProps {
  session: Session;
  /** Where history is kept; null keeps none. Default: $XDG_STATE_HOME/xportshow/history. */
  historyFile?: string | null;
  /** Runs one line (default: dispatch's runLine); tests pass a fake runner. */
  run?: (line: string) => LineResult;
  /** Opens a row's ref (default: drill's openRef). */
  open?: (ref: Ref) => DrillView;
  /** Lines printed at start (default: version, dump path and the dump's one-line banner). */
  banner?: string[];
  version?: string;
  /** Asked now and then while a command runs: has the user pressed Ctrl-C? (default: none) */
  interrupt?: () => boolean;
  /** Called after each command: keys typed while it ran, to feed back to the input. */
  afterCommand?: () => void;
}

function startLines(session: Session, version: string): string[] {
  const lines = [`xportshow ${version} — ${session.path}`];
  try {
    lines.push(banner(dumpInfo(session)));
  } catch (e) {
    lines.push(`(could not read the dump's banner: ${e instanceof Error ? e.message : String(e)})`);
  }
  lines.push("Type 'help' for commands. Tab completes, ↑/↓ recall history, 'quit' or Ctrl-D leaves.");
  return lines;
}

/** Output longer than this is written to the terminal directly rather than through <Static>. */
export const DIRECT_OUTPUT_LINES = 300;

/** `** Execution took 0.03s (real)`, as the seed prints after each command. */
export function timingLine(ms: number): string {
  return `** Execution took ${(ms / 1000).toFixed(2)}s (real)`;
}

export function App({ session, historyFile, run, open, banner: bannerLines, version, interrupt, afterCommand }: AppProps) {
  const { exit } = useApp();
  const { write } = useStdout();
  const { rows, columns } = useTerminalSize();
  const runner = run ?? ((line: string) => runLine(session, line, { interrupt, width: process.stdout.isTTY ? process.stdout.columns : undefined }));
  const opener = open ?? ((ref: Ref) => openRef(session, ref));

  const nextId = useRef(0);
  const [printed, setPrinted] = useState<Printed[]>(() => [
    { id: nextId.current++, lines: bannerLines ?? startLines(session, version ?? packageVersion()), style: 'dim' },
  ]);
  const print = (items: Omit<Printed, 'id'>[]) =>
    setPrinted((p) => [...p, ...items.filter((i) => i.lines.length).map((i) => ({ ...i, id: nextId.current++ }))]);

  const history = useInputHistory(historyFile === undefined ? defaultHistoryFile() : historyFile);
  const completion = useCompletion(session);
  const line = useLineEditor();
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [browsing, setBrowsing] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  // The last command's output when it has rows that can be opened.
  const [last, setLast] = useState<{ line: string; output: Output; count: number } | undefined>(undefined);
  /** Put a line in the prompt, cursor at the end. */
  const setLine = (v: string) => line.set(v);

  // Lines waiting to run (a paste of several lines, or keys typed ahead of a slow command).
  const queue = useRef<string[]>([]);
  const running = useRef(false);

  const execute = (line: string) => {
    let r: LineResult;
    try {
      r = runner(line);
      afterCommand?.();
    } catch (e) {
      // runLine catches command errors itself; this is the last guard so the session survives.
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      r = { lines: [msg], error: msg, ms: 0 };
    }
    if (r.quit) {
      queue.current = [];
      setBusy(undefined);
      exit();
      return false;
    }
    const out: Omit<Printed, 'id'>[] = [];
    if (r.error) out.push({ lines: [r.error.split('\n')[0]], style: 'error' });
    else {
      // ink lays out <Static> text char by char (20,000 lines take seconds): long output goes
      // straight to the terminal above the live area; the echo before it is already printed.
      if (r.lines.length > DIRECT_OUTPUT_LINES) write(r.lines.join('\n') + '\n');
      else out.push({ lines: r.lines });
      if (r.wroteTo) out.push({ lines: [`(written to ${r.wroteTo})`], style: 'dim' });
      if (r.warnings?.length) out.push({ lines: r.warnings, style: 'error' });
    }
    out.push({ lines: [timingLine(r.ms)], style: 'dim' });
    print(out);
    const count = r.error || !r.output ? 0 : openableCount(r.output);
    setLast(count ? { line, output: r.output!, count } : undefined);
    return true;
  };

  /** Run the queued lines one by one, letting the echo render before each (it may be slow). */
  const runQueue = () => {
    if (running.current) return;
    const raw = queue.current.shift();
    if (raw === undefined) {
      setBusy(undefined);
      return;
    }
    const line = expandRepeat(raw, history.current());
    if (line === undefined) {
      print([{ lines: [PROMPT + raw], style: 'echo' }, { lines: ['no command to repeat yet'], style: 'error' }]);
      return runQueue();
    }
    print([{ lines: [PROMPT + line], style: 'echo' }]);
    if (!line.trim()) return runQueue();
    history.add(line);
    running.current = true;
    setBusy(line);
    setTimeout(() => {
      const goOn = execute(line);
      running.current = false;
      if (goOn) runQueue();
    }, 0);
  };

  const submit = (lines: string[]) => {
    completion.close();
    queue.current.push(...lines);
    runQueue();
  };

  /**
   * ink hands over a burst of input as one string ("help\r" when typed fast or pasted): put it
   * in at the cursor, run each finished line, and treat a Tab as Tab.
   */
  const onBurst = (input: string) => {
    completion.close();
    const { value, cursor } = line.current();
    const parts = (value.slice(0, cursor) + input + value.slice(cursor)).split(/\r\n|\r|\n/);
    const rest = parts.pop()!;
    const lines = parts.map((l) => l.replace(/\t/g, ' '));
    let next = rest.replace(/\t/g, '');
    if (rest.includes('\t') && lines.length === 0) next = completion.tab(next) ?? next;
    setLine(next);
    if (lines.length) submit(lines);
  };

  /** An editing key. With the completion menu open, typing narrows it: the text goes after
   *  what was typed before Tab (not after the candidate shown), and the menu is recomputed. */
  const onEdit = (input: string, key: Parameters<typeof editLine>[2]) => {
    const menu = completion.current();
    const narrowing = menu && (key.backspace || key.delete || (input !== '' && !/\s/.test(input) && !key.leftArrow && !key.rightArrow && !key.home && !key.end));
    if (menu && narrowing) {
      const next = editLine({ value: menu.original, cursor: menu.original.length }, input, key);
      if (!next) return;
      setLine(next.value);
      completion.narrow(next.value);
      return;
    }
    const next = editLine(line.current(), input, key);
    if (!next) return;
    completion.close();
    line.set(next.value, next.cursor);
  };

  useInput(
    (input, key) => {
      setNotice(undefined);
      const value = line.current().value;
      // While a command runs, keys still edit the line and Enter queues it (type-ahead);
      // only keys that leave, browse or recall wait for the prompt.
      const waiting = running.current || queue.current.length > 0;
      if (key.return || input === '\n') {
        completion.close();
        setLine('');
        return submit([value]);
      }
      if (/[\r\n\t]/.test(input) && input.length > 1) return onBurst(input);
      if (waiting && !key.tab && !key.ctrl && !key.upArrow && !key.downArrow && !key.escape) return onEdit(input, key);
      if (waiting) return;
      if (key.ctrl && input.length === 1 && /[a-z]/.test(input)) {
        if (input === 'd' && value === '') return exit();
        if (input === 'c') {
          // Never leave on Ctrl-C: one pressed in impatience during a slow command arrives
          // after it, at an empty prompt.
          if (value === '') return setNotice("(to leave: 'quit' or Ctrl-D)");
          completion.close();
          return setLine('');
        }
        if (input === 'u') return setLine('');
        if (input === 'w') return setLine(value.replace(/\S+\s*$/, ''));
        if (input === 'a') return line.set(value, 0);
        if (input === 'e') return line.set(value);
        return; // other Ctrl keys: no change
      }
      if (key.tab) {
        const v = completion.tab(value, key.shift ? -1 : 1);
        if (v !== undefined) setLine(v);
        return;
      }
      if (key.escape) {
        const v = completion.cancel();
        if (v !== undefined) setLine(v);
        return;
      }
      if (key.upArrow) {
        if (completion.menu) {
          const v = completion.tab(value, -1);
          if (v !== undefined) setLine(v);
          return;
        }
        const v = history.older(value);
        if (v !== undefined) setLine(v);
        return;
      }
      if (key.downArrow) {
        if (completion.menu) {
          const v = completion.tab(value, 1);
          if (v !== undefined) setLine(v);
          return;
        }
        if (history.browsing()) {
          const v = history.newer();
          if (v !== undefined) setLine(v);
          return;
        }
        if (value === '' && last) setBrowsing(true);
        return;
      }
      onEdit(input, key);
    },
    // Active while busy too: with no active input hook ink leaves raw mode and the terminal
    // would echo keys typed during a slow command.
    { isActive: !browsing },
  );

  const hint =
    notice ?? (last && line.shown.value === '' ? `↓ to browse ${last.count} row${last.count === 1 ? '' : 's'}` : undefined);

  return (
    <Box flexDirection="column">
      <Static items={printed}>
        {(p) => (
          <Text
            key={p.id}
            color={p.style === 'error' ? 'red' : undefined}
            dimColor={p.style === 'dim'}
            bold={p.style === 'echo'}
          >
            {p.lines.join('\n')}
          </Text>
        )}
      </Static>
      {busy !== undefined ? (
        <Text dimColor>running {busy} …</Text>
      ) : browsing && last ? (
        <Browser
          title={last.line}
          output={last.output}
          open={opener}
          rows={rows}
          columns={columns}
          onExit={() => setBrowsing(false)}
          onPrint={(trail, lines) =>
            lines.length > DIRECT_OUTPUT_LINES
              ? write([trail, ...lines].join('\n') + '\n')
              : print([{ lines: [trail], style: 'echo' }, { lines }])
          }
        />
      ) : (
        <Prompt
          value={line.shown.value}
          cursor={line.shown.cursor}
          menu={completion.menu}
          hint={hint}
          width={columns}
        />
      )}
    </Box>
  );
}

/** Run the shell until the user quits (`quit`, `exit`, `q`, Ctrl-D on an empty line). */
export async function runShell(session: Session, opts: { historyFile?: string | null } = {}): Promise<void> {
  const tty = process.stdin.isTTY ? ttyInterrupt() : undefined;
  const giveBack = () => {
    const keys = tty?.takeTypeAhead();
    if (keys?.length) setImmediate(() => process.stdin.unshift(keys));
  };
  const instance = render(<App session={session} historyFile={opts.historyFile} interrupt={tty?.poll} afterCommand={giveBack} />, {
    exitOnCtrlC: false,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    tty?.close();
  }
}
