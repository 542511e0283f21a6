// Run one command line against a session: parse options the seed's way, pick the command
// (a word, or the view the options ask for), and render its output as text or JSON.

import { appendFileSync, writeFileSync } from 'node:fs';
import { builtin, now } from '../views/runtime.js';
import { text, type Output } from '../report/model.js';
import { packageVersion } from './version.js';
import { renderLines, writeRendered } from '../report/text.js';
import { renderJson, writeJson, writeJsonBytes, type ByteSink, type TextSink } from '../report/json.js';
import { parseOptionWords, requestedViews, OPTIONS, GLOBAL_OPTIONS, type OptionSpec, type ParsedLine } from './options.js';
import { parsePipeline, applyGreps, passesGreps, type Pipeline } from './line.js';
import { grepOutput } from './browse.js';
import { findCommand, viewGroup, VIEW_COMMANDS } from './registry.js';
import { UsageError, type Command } from './command.js';
import type { Session } from '../views/session.js';
import { startsFilter } from '../views/socket-filter.js';
import { withInterrupt, INTERRUPTED_TEXT } from '../views/interrupt.js';

export interface LineResult {
  /** Structured output (for the shell's selectable rows); undefined for errors. */
  output?: Output;
  /** What to show: rendered, grepped, or a one-line message. */
  lines: string[];
  error?: string;
  /** Views asked for that could not answer while others did: for stderr, not the output. */
  warnings?: string[];
  /** Written to a file instead of shown. */
  wroteTo?: string;
  quit?: boolean;
  ms: number;
}

/** Errors a user can act on print as one line; anything else is a bug and keeps its stack. */
export function userMessage(e: unknown): string {
  if (e instanceof Error) {
    // Our errors say what was read where; JS's own (TypeError, RangeError…) are bugs: name them.
    const bug = ['TypeError', 'RangeError', 'ReferenceError'].includes(e.name);
    return bug ? `internal error: ${e.name}: ${e.message}` : e.message;
  }
  return String(e);
}

/** How a line runs: `interrupt` is asked now and then whether the user pressed Ctrl-C;
 *  `write` takes the output as it is rendered (the one-shot CLI and batch runs; the shell
 *  pages lines). */
export interface RunOptions {
  interrupt?: () => boolean;
  /** The output (text or JSON, each line ended by a newline) is given here in chunks of about
   *  64 KiB as it is rendered, and `lines` is empty: a 100,000-socket JSON document is never
   *  one string (as one it cost ~250 MB of peak memory split into lines, ~30 MB whole). Not
   *  with a grep, a shell stage, a redirection or `interrupt` (their output is `lines`). */
  write?: TextSink;
  /** With `write`: JSON output is given here instead, as UTF-8 bytes in chunks of a reused
   *  buffer (no string made for a chunk, nor a new buffer to write it). */
  writeBytes?: ByteSink;
  /** The terminal's columns (stdout a TTY): tables cut their shrinkable columns to fit it.
   *  Not applied to output that goes to a file, a pipe or through grep. */
  width?: number;
}

/** A line typed at the prompt or read from a batch file. */

export function runLine(s: Session, line: string, opts: RunOptions = {}): LineResult {
  let p: Pipeline;
  try {
    p = parsePipeline(line.trim());
  } catch (e) {
    return { lines: [userMessage(e)], error: userMessage(e), ms: 0 };
  }
  return runWords(s, p.words, p, opts);
}

/** Already-split words (argv of a one-shot run), with an optional grep/redirect. */
export function runWords(s: Session, words: string[], p: Pipeline = { words, greps: [] }, opts: RunOptions = {}): LineResult {
  if (p.words.length === 0) return { lines: [], ms: 0 };
  if (p.words[0] === 'quit' || p.words[0] === 'exit' || p.words[0] === 'q') return { lines: [], quit: true, ms: 0 };
  let parsed: ParsedLine;
  try {
    parsed = parseLine(p.words);
  } catch (e) {
    return { lines: [userMessage(e)], error: userMessage(e), ms: 0 };
  }
  return runParsedLine(s, parsed, p, opts);
}

/** A command line parsed once (the CLI parses argv itself), with its greps and redirect. */
export function runParsedLine(s: Session, parsed: ParsedLine, p: Pipeline = { words: [], greps: [] }, opts: RunOptions = {}): LineResult {
  if (!opts.interrupt) return runParsedOnce(s, parsed, p, opts);
  const { value: r, interrupted } = withInterrupt(opts.interrupt, () => runParsedOnce(s, parsed, p, opts));
  if (!interrupted) return r;
  // Tables built while reads were failing are partial: forget them, the next command walks again.
  s.reload();
  const mark = '-- interrupted (Ctrl-C): the output above is incomplete --';
  if (r.error || parsed.options.json === true || r.wroteTo) return { lines: [mark], error: 'interrupted (Ctrl-C)', ms: r.ms };
  // The walks that were stopped each left a problem line: one mark says it for all of them.
  const lines = r.lines.filter((l) => !l.includes(INTERRUPTED_TEXT));
  return { lines: [...lines, mark], ms: r.ms, ...(r.warnings ? { warnings: r.warnings.filter((w) => !w.includes(INTERRUPTED_TEXT)) } : {}) };
}

function runParsedOnce(s: Session, parsed: ParsedLine, p: Pipeline, opts: RunOptions): LineResult {
  const r = runParsedPlain(s, parsed, p, opts);
  const d = r.error || typeof s.damageDiagnosis !== 'function' ? undefined : s.damageDiagnosis();
  return d ? { ...r, warnings: [...(r.warnings ?? []), d] } : r;
}

function runParsedPlain(s: Session, parsed: ParsedLine, p: Pipeline, opts: RunOptions): LineResult {
  const t0 = now();
  const done = (r: Omit<LineResult, 'ms'>): LineResult => ({ ...r, ms: now() - t0 });
  try {
    const warnings: string[] = [];
    const shown = runParsed(s, parsed, warnings);
    let output: Output | undefined = shown;
    // What the shell browses and completes from is what was shown: the rows the greps kept
    // (a count shows no rows; JSON lines are not rows).
    if (p.greps.length) output = p.greps.some((g) => g.count) || parsed.options.json ? undefined : grepOutput(shown, (l) => passesGreps(l, p.greps));
    if (output) rememberSockets(s, output);
    const json = parsed.options.json === true;
    if (opts.write && !opts.interrupt && !p.greps.length && p.shell === undefined && !p.redirect) {
      if (json && opts.writeBytes) writeJsonBytes(shown, opts.writeBytes, { newline: true });
      else if (json) writeJson(shown, opts.write, { newline: true });
      else writeRendered(shown, opts.write, opts.width);
      return done({ output, lines: [], ...(warnings.length ? { warnings } : {}) });
    }
    let lines = json ? renderJson(shown).split('\n') : renderLines(shown, p.greps.length || p.shell !== undefined || p.redirect ? undefined : opts.width);
    lines = applyGreps(lines, p.greps);
    if (p.shell !== undefined) {
      // crash's `CMD | sort | head`: the shell has the rows now; the shell cannot browse them
      const r = runShellStage(p.shell, lines);
      return done({ lines: r.lines, ...(r.warnings.length || warnings.length ? { warnings: [...warnings, ...r.warnings] } : {}) });
    }
    if (p.redirect) {
      const body = lines.join('\n') + '\n';
      if (p.redirect.append) appendFileSync(p.redirect.path, body);
      else writeFileSync(p.redirect.path, body);
      return done({ output, lines: [], wroteTo: p.redirect.path, ...(warnings.length ? { warnings } : {}) });
    }
    return done({ output, lines, ...(warnings.length ? { warnings } : {}) });
  } catch (e) {
    const msg = userMessage(e);
    return done({ lines: [msg], error: msg });
  }
}

/**
 * Parse a command line once. A command word first (`struct -o …`, `sym -q X`, `bind --port 80`)
 * is followed by that command's own options and the seed options it uses; anything else is
 * refused by name. Without a command word the seed's options select the views (`-at`), as in
 * the seed; a command word after them (`--json info`) must accept what was given.
 */
export function parseLine(words: string[]): ParsedLine {
  const first = words[0];
  const cmd = first !== undefined && !first.startsWith('-') ? findCommand(first) : undefined;
  // `help --port`: the words after help name what to explain; they are not options to parse.
  if (cmd?.name === 'help') return { options: {}, positionals: words, verbose: 0 };
  if (cmd?.options) {
    const table = optionTable(cmd);
    let p: ParsedLine;
    try {
      p = parseOptionWords(cmd.preparse ? cmd.preparse(words.slice(1)) : words.slice(1), table);
    } catch (e) {
      throw refusedOption(cmd, e as Error);
    }
    return { ...p, positionals: [first!, ...p.positionals] };
  }
  const p = parseOptionWords(words);
  const later = p.positionals[0] !== undefined ? findCommand(p.positionals[0]) : undefined;
  if (later?.options) {
    const allowed = new Set([...GLOBAL_OPTIONS, ...later.options]);
    const extra = Object.keys(p.options).filter((k) => p.options[k] !== undefined && !allowed.has(k));
    if (extra.length) throw refused(later, `--${extra[0]}`);
  }
  return p;
}

/** The options a command word takes: the global ones, the seed options it uses, its own. */
export function optionTable(cmd: Command): OptionSpec[] {
  if (!cmd.options) return OPTIONS;
  const names = new Set([...GLOBAL_OPTIONS, ...cmd.options]);
  return [...OPTIONS.filter((o) => names.has(o.name)), ...(cmd.ownOptions ?? [])];
}

function refused(cmd: Command, what: string): UsageError {
  const takes = optionTable(cmd).filter((o) => !GLOBAL_OPTIONS.includes(o.name)).map((o) => `--${o.name}`);
  return new UsageError(`${cmd.name} does not take ${what} (${takes.length ? `its options: ${takes.join(' ')}` : 'it takes no options'}; -v and --json always apply)`);
}

/** parseArgs' "unknown option -x" for a command word: say the command does not take it. */
function refusedOption(cmd: Command, e: Error): Error {
  const m = /unknown option (\S+)/.exec(e.message);
  return m ? refused(cmd, m[1]) : e;
}

/** The flags of an option as help shows them: `-r/--route`, `--arp`. */
export function optionFlags(view: string): string {
  const opt = OPTIONS.find((o) => o.view === view)!;
  return `${opt.short ? '-' + opt.short + '/' : ''}--${opt.name}`;
}

/** Run a parsed line. A view this version cannot show is an error when it is all that was
 *  asked for; next to views that answer, it is a line in `warnings`. */
export function runParsed(s: Session, parsed: ParsedLine, warnings: string[] = []): Output {
  // -h / --help (`tcp -h`: that command's help) and --version, as on the command line.
  if (parsed.options.help) return findCommand('help')!.run(s, { args: parsed.positionals.slice(0, 1), line: parsed, verbose: 0 });
  if (parsed.options.version) return text(`xportshow ${packageVersion()}`);
  const [word, ...args] = parsed.positionals;
  let cmd: Command | undefined;
  if (word !== undefined && parsed.options.sysctl === true && word !== 'sysctl') {
    // `--sysctl PATTERN`: the words after a boolean view option are its pattern
    return findCommand('sysctl')!.run(s, { args: parsed.positionals, line: parsed, verbose: parsed.verbose });
  }
  if (word !== undefined) {
    cmd = findCommand(word);
    // `-t state established '( dport = :80 )'`: ss's filter words after the socket options
    if (!cmd && startsFilter(word) && requestedViews(parsed).every((v) => v === 'sockets')) {
      return findCommand('sockets')!.run(s, { args: parsed.positionals, line: parsed, verbose: parsed.verbose });
    }
    if (!cmd) throw new UsageError(`unknown command '${word}' (try: help)`);
  } else {
    const views = requestedViews(parsed);
    if (views.length === 0) {
      const used = Object.keys(parsed.options).filter((k) => parsed.options[k] !== undefined);
      throw new UsageError(used.length ? `--${used[0]} needs a view option (e.g. -a, -t)` : 'nothing to do (try: help)');
    }
    const missing = views.filter((v) => !VIEW_COMMANDS[v]);
    const notYet = missing.length ? `${missing.map(optionFlags).join(', ')}: not available yet in this version of xportshow` : '';
    if (missing.length === views.length) throw new UsageError(notYet);
    if (notYet) warnings.push(notYet);
    const run = (v: string) => () => findCommand(VIEW_COMMANDS[v])!.run(s, { args: [], line: parsed, verbose: parsed.verbose });
    const built = views.filter((v) => VIEW_COMMANDS[v]);
    // several views (-at -r): text one after another, JSON one object keyed by view name
    return built.length === 1 ? run(built[0])() : viewGroup(built.map((v) => [v, run(v)]));
  }
  return cmd.run(s, { args, line: parsed, verbose: parsed.verbose });
}

/** Longest a shell stage may run: no command can hang the session. */
const SHELL_TIMEOUT_MS = 60_000;

/** Run the shell part of a pipeline on the rendered lines; a failure is one clear line. */
export function runShellStage(cmd: string, lines: string[]): { lines: string[]; warnings: string[] } {
  // loaded here, not at start: node:child_process costs every run ~5 ms to load, and only a
  // `| shell` stage needs it (src/dump/builtin.ts)
  const { spawnSync } = builtin<typeof import('node:child_process')>('node:child_process');
  const r = spawnSync('/bin/sh', ['-c', cmd], { input: lines.length ? lines.join('\n') + '\n' : '', encoding: 'utf8', timeout: SHELL_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 });
  const err = (r.stderr ?? '').split('\n').filter(Boolean);
  // a reader that stops early (`| head`) closes its input: that is not a failure
  const epipe = (r.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
  if ((r.error && !epipe) || r.signal || r.status !== 0) {
    const why = r.error && !epipe ? ((r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `stopped after ${SHELL_TIMEOUT_MS / 1000} s` : r.error.message)
      : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    throw new UsageError(`pipeline '| ${cmd}' failed (${why})${err.length ? ': ' + err.slice(0, 3).join('; ') : ''}`);
  }
  const out = (r.stdout ?? '').split('\n');
  if (out[out.length - 1] === '') out.pop();
  return { lines: out, warnings: err.map((l) => `| ${cmd}: ${l}`) };
}

/** Socket addresses the last output showed: `sock ADDR` completes from them (listed when asked). */
function rememberSockets(s: Session, out: Output): void {
  const each = (o: Output, f: (address: bigint) => boolean | void): boolean => {
    if (o.kind === 'group') return o.parts.some((p) => each(p, f));
    if (o.kind === 'table' || o.kind === 'blocks') {
      for (const r of o.kind === 'table' ? o.rows : o.blocks) if (r.ref?.kind === 'sock' && f(r.ref.address)) return true;
    }
    return false;
  };
  // an output without sockets leaves the last ones (the search stops at the first socket)
  if (!each(out, () => true)) return;
  s.recent.socketsFrom(() => {
    const found: string[] = [];
    each(out, (a) => void found.push('0x' + a.toString(16)));
    return found;
  });
}
