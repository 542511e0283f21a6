// Tab completion at the prompt, as pure functions (the ink hook only keeps the state):
// which word is being completed, what could go there, and how candidates rank.
//   first word            → command words and option strings (`-a`, `--port`, …)
//   a word starting `-`   → option strings
//   the value of `--port` → whatever is registered for `port` (registerValueCompleter)
//   a command's argument  → that command's own `complete(session, index, args)`

import fuzzysort from 'fuzzysort';
import { OPTIONS, type OptionSpec } from './options.js';
import { commandWords, findCommand } from './registry.js';
import { splitWords } from './line.js';
import type { Session } from '../views/session.js';
import { TCP_STATE_NAMES } from '../views/sockets.js';
import { portWords, interfaceNames } from './commands/sockets.js';

/** At most this many candidates are kept for one Tab (the list shows a window of them). */
export const MAX_CANDIDATES = 50;

type ValueCompleter = (s: Session) => string[];
const valueCompleters = new Map<string, ValueCompleter>();

/** Candidates for an option's value (`--pid` → PIDs, …); modules that know them plug in here. */
export function registerValueCompleter(option: string, complete: ValueCompleter): void {
  valueCompleters.set(option.replace(/^-+/, ''), complete);
}

// Option values taken from the dump itself (--pid, --program, --netns fall back to their commands).
registerValueCompleter('tcpstate', () => TCP_STATE_NAMES);
registerValueCompleter('port', portWords);
registerValueCompleter('interface', interfaceNames);

/**
 * Candidates for an option's value: the registered completer, else the first-argument
 * completion of the command with the option's name (`--pid` → `pid`'s, `--netns` → `netns`'s).
 */
function optionValues(s: Session, name: string): string[] {
  const registered = valueCompleters.get(name);
  if (registered) return registered(s);
  return findCommand(name)?.complete?.(s, 0, []) ?? [];
}

/** Options that make sense at the prompt (not the ones that only steer opening the dump). */
function promptOptions(): OptionSpec[] {
  return OPTIONS.filter((o) => !o.cliOnly && o.name !== 'version');
}

/** `-a`, `--all`, … for every option usable at the prompt. */
export function optionWords(): string[] {
  return promptOptions().flatMap((o) => (o.short ? [`-${o.short}`, `--${o.name}`] : [`--${o.name}`]));
}

export interface Completion {
  /** Offset in the line where the replaced text starts. */
  start: number;
  /** The partial word the candidates were ranked against. */
  word: string;
  /** Kept in front of every candidate: `--port=` when completing `--port=22`. */
  prefix: string;
  /** Best first, at most MAX_CANDIDATES. */
  candidates: string[];
  /** How many matched before the cut. */
  total: number;
  /** How many of the candidates (the first ones) begin with the word; the rest are fuzzy. */
  prefixCount: number;
}

/** The option a word names (`--po` → port when unambiguous, `-c` → command), if any. */
function optionNamed(word: string): OptionSpec | undefined {
  const opts = promptOptions();
  if (word.startsWith('--')) {
    const key = word.slice(2);
    const exact = opts.find((o) => o.name === key);
    if (exact) return exact;
    const hits = opts.filter((o) => o.name.startsWith(key));
    return key && hits.length === 1 ? hits[0] : undefined;
  }
  if (/^-[A-Za-z]+$/.test(word)) return opts.find((o) => o.short === word[word.length - 1]);
  return undefined;
}

/** Does this option word take the next word as its value? */
function takesValue(word: string): boolean {
  return !word.includes('=') && optionNamed(word)?.type === 'string';
}

/** Natural order, ignoring leading dashes (so `-a` sits next to `--all`), fewer dashes first. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
function byNatural(a: string, b: string): number {
  const sa = a.replace(/^-+/, '');
  const sb = b.replace(/^-+/, '');
  return collator.compare(sa, sb) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Rank candidates for a partial word: the words it begins (case-insensitively), in natural
 * order; only when none does, fuzzy matches by fuzzysort score (`po` → `--port`). An empty
 * word lists everything, sorted.
 */
export function rankCandidates(
  word: string,
  candidates: string[],
  limit = MAX_CANDIDATES,
): { candidates: string[]; total: number; prefixCount: number } {
  const uniq = [...new Set(candidates)];
  const lw = word.toLowerCase();
  const prefix = uniq.filter((c) => c.toLowerCase().startsWith(lw)).sort(byNatural);
  if (prefix.length || !word) {
    return { candidates: prefix.slice(0, limit), total: prefix.length, prefixCount: Math.min(limit, prefix.length) };
  }
  const fuzzy = fuzzysort.go(word, uniq, { limit, threshold: 0.3 });
  return { candidates: fuzzy.map((r) => r.target), total: fuzzy.total, prefixCount: 0 };
}

/** What could replace the word at the end of `line` (the cursor is at the end). */
export function completeLine(s: Session, line: string, limit = MAX_CANDIDATES): Completion {
  const start = wordStart(line);
  const typed = line.slice(start);
  const none: Completion = { start, word: typed, prefix: '', candidates: [], total: 0, prefixCount: 0 };
  let before: string[];
  try {
    before = splitWords(line.slice(0, start));
  } catch {
    return none; // inside an open quote
  }
  // Nothing to offer after `| grep` or `> FILE`.
  if (before.some((w) => w === '|' || w === '>' || w === '>>')) return none;

  const ranked = (word: string, prefix: string, all: () => string[]): Completion => {
    let pool: string[];
    try {
      pool = all();
    } catch {
      pool = []; // a completer that cannot read the dump offers nothing rather than failing the prompt
    }
    const r = rankCandidates(word, pool, limit);
    return { start, word, prefix, ...r };
  };

  // `--port=22`: the value after '='.
  const eq = typed.indexOf('=');
  if (typed.startsWith('--') && eq > 2) {
    const opt = optionNamed(typed.slice(0, eq));
    if (!opt || opt.type !== 'string') return none;
    return ranked(typed.slice(eq + 1), typed.slice(0, eq + 1), () => optionValues(s, opt.name));
  }
  // The value of the option just before: `--tcpstate E`.
  const prev = before[before.length - 1];
  if (prev !== undefined && prev.startsWith('-') && takesValue(prev)) {
    const opt = optionNamed(prev)!;
    return ranked(typed, '', () => optionValues(s, opt.name));
  }
  if (typed.startsWith('-')) return ranked(typed, '', optionWords);

  // Positional words so far (options and their values skipped): the command, then its args.
  const positionals: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const w = before[i];
    if (w.startsWith('-') && w.length > 1) {
      if (takesValue(w)) i++;
      continue;
    }
    positionals.push(w);
  }
  if (positionals.length === 0) {
    const first = before.length === 0;
    return ranked(typed, '', () => (first ? [...commandWords(), ...optionWords()] : commandWords()));
  }
  const cmd = findCommand(positionals[0]);
  if (!cmd?.complete) return none;
  const args = positionals.slice(1);
  return ranked(typed, '', () => cmd.complete!(s, args.length, args));
}

/** Start of the last word: after the last unquoted blank (or `|`, `>`). */
export function wordStart(line: string): number {
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (/\s/.test(ch) || ch === '|' || ch === '>') start = i + 1;
  }
  return start;
}

/** The line with the completed word put in; the cursor goes to the end of it. */
export function applyCandidate(line: string, c: Completion, candidate: string, finished = false): { value: string; cursor: number } {
  const value = line.slice(0, c.start) + c.prefix + candidate + (finished ? ' ' : '');
  return { value, cursor: value.length };
}

/** An open completion list: what was typed before Tab, and which candidate is in the line
 *  (-1: none, the menu was narrowed by typing). */
export interface CompletionMenu {
  original: string;
  completion: Completion;
  index: number;
}

export interface TabResult {
  value: string;
  cursor: number;
  /** Still choosing (several candidates): show the list. */
  menu?: CompletionMenu;
}

/**
 * One press of Tab (dir 1) or Shift-Tab (dir -1). Without an open menu: complete the word,
 * finishing it with a space when only one candidate fits (or only one begins with what was
 * typed: fuzzy matches are a fallback), or open a menu with the first candidate put in. With a menu: put in the next (previous) candidate, wrapping around.
 * Undefined when nothing matches.
 */
export function pressTab(s: Session, line: string, menu: CompletionMenu | undefined, dir: 1 | -1 = 1): TabResult | undefined {
  if (menu) {
    const n = menu.completion.candidates.length;
    // narrowed to one by typing: Tab puts it in, finished
    if (menu.index < 0 && n === 1) return applyCandidate(menu.original, menu.completion, menu.completion.candidates[0], true);
    const index = menu.index < 0 ? (dir === 1 ? 0 : n - 1) : (menu.index + dir + n) % n;
    const { value, cursor } = applyCandidate(menu.original, menu.completion, menu.completion.candidates[index]);
    return { value, cursor, menu: { ...menu, index } };
  }
  const completion = completeLine(s, line);
  const n = completion.candidates.length;
  if (n === 0) return undefined;
  if (n === 1 || (completion.word && completion.prefixCount === 1)) {
    return applyCandidate(line, completion, completion.candidates[0], true);
  }
  const index = dir === 1 ? 0 : n - 1;
  const { value, cursor } = applyCandidate(line, completion, completion.candidates[index]);
  return { value, cursor, menu: { original: line, completion, index } };
}

/** The menu after typing with it open: the candidates for the line as now typed, none of
 *  them put in yet (index -1); undefined when nothing fits any more. */
export function narrowMenu(s: Session, line: string): CompletionMenu | undefined {
  const completion = completeLine(s, line);
  return completion.candidates.length ? { original: line, completion, index: -1 } : undefined;
}

/** The slice of candidates to show (`size` around the selected one) and where it starts. */
export function menuWindow(menu: CompletionMenu, size = 8): { first: number; items: string[] } {
  const all = menu.completion.candidates;
  const first = Math.max(0, Math.min(menu.index - Math.floor(size / 2), all.length - size));
  return { first, items: all.slice(first, first + size) };
}
