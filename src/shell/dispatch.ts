// Run one command line against a session: parse options the seed's way, pick the command
// (a word, or the view the options ask for), and render its output as text or JSON.

import { appendFileSync, writeFileSync } from 'node:fs';
import type { Output } from '../report/model.js';
import { renderLines } from '../report/text.js';
import { renderJson } from '../report/json.js';
import { parseOptionWords, requestedViews, OPTIONS, type ParsedLine } from './options.js';
import { parsePipeline, applyGrep, type Pipeline } from './line.js';
import { findCommand, VIEW_COMMANDS } from './registry.js';
import { UsageError, type Command } from './command.js';
import type { Session } from '../views/session.js';

export interface LineResult {
  /** Structured output (for the shell's selectable rows); undefined for errors. */
  output?: Output;
  /** What to show: rendered, grepped, or a one-line message. */
  lines: string[];
  error?: string;
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

/** A line typed at the prompt or read from a batch file. */
export function runLine(s: Session, line: string): LineResult {
  let p: Pipeline;
  try {
    p = parsePipeline(line.trim());
  } catch (e) {
    return { lines: [userMessage(e)], error: userMessage(e), ms: 0 };
  }
  return runWords(s, p.words, p);
}

/** Already-split words (argv of a one-shot run), with an optional grep/redirect. */
export function runWords(s: Session, words: string[], p: Pipeline = { words }): LineResult {
  const t0 = performance.now();
  const done = (r: Omit<LineResult, 'ms'>): LineResult => ({ ...r, ms: performance.now() - t0 });
  try {
    if (p.words.length === 0) return done({ lines: [] });
    if (p.words[0] === 'quit' || p.words[0] === 'exit' || p.words[0] === 'q') return done({ lines: [], quit: true });
    const parsed = parseOptionWords(p.words);
    const output = runParsed(s, parsed);
    rememberSockets(s, output);
    const json = parsed.options.json === true;
    let lines = json ? renderJson(output).split('\n') : renderLines(output);
    lines = applyGrep(lines, p.grep);
    if (p.redirect) {
      const body = lines.join('\n') + '\n';
      if (p.redirect.append) appendFileSync(p.redirect.path, body);
      else writeFileSync(p.redirect.path, body);
      return done({ output, lines: [], wroteTo: p.redirect.path });
    }
    return done({ output, lines });
  } catch (e) {
    const msg = userMessage(e);
    return done({ lines: [msg], error: msg });
  }
}

export function runParsed(s: Session, parsed: ParsedLine): Output {
  const [word, ...args] = parsed.positionals;
  let cmd: Command | undefined;
  if (word !== undefined && parsed.options.sysctl === true && word !== 'sysctl') {
    // `--sysctl PATTERN`: the words after a boolean view option are its pattern
    return findCommand('sysctl')!.run(s, { args: parsed.positionals, line: parsed, verbose: parsed.verbose });
  }
  if (word !== undefined) {
    cmd = findCommand(word);
    if (!cmd) throw new UsageError(`unknown command '${word}' (try: help)`);
  } else {
    const views = requestedViews(parsed);
    if (views.length === 0) {
      const used = Object.keys(parsed.options).filter((k) => parsed.options[k] !== undefined);
      throw new UsageError(used.length ? `--${used[0]} needs a view option (e.g. -a, -t)` : 'nothing to do (try: help)');
    }
    const parts: Output[] = [];
    for (const v of views) {
      const name = VIEW_COMMANDS[v];
      if (!name) {
        const opt = OPTIONS.find((o) => o.view === v)!;
        parts.push({ kind: 'text', lines: [`${opt.short ? '-' + opt.short + '/' : ''}--${opt.name}: not available yet in this version of xportshow`] });
        continue;
      }
      parts.push(findCommand(name)!.run(s, { args: [], line: parsed, verbose: parsed.verbose }));
    }
    return parts.length === 1 ? parts[0] : { kind: 'group', parts };
  }
  return cmd.run(s, { args, line: parsed, verbose: parsed.verbose });
}

/** Socket addresses the last output showed: `sock ADDR` completes from them. */
function rememberSockets(s: Session, out: Output): void {
  const found: string[] = [];
  const walk = (o: Output): void => {
    if (o.kind === 'group') o.parts.forEach(walk);
    else if (o.kind === 'table' || o.kind === 'blocks') {
      for (const r of o.kind === 'table' ? o.rows : o.blocks) if (r.ref?.kind === 'sock') found.push('0x' + r.ref.address.toString(16));
    }
  };
  walk(out);
  if (found.length) s.recent.sockets = found;
}
