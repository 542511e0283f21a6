// What every command declares: its words, help, argument completion and handler.
// One table (registry.ts) serves the shell and the one-shot CLI.

import type { Output } from '../report/model.js';
import type { OptionSpec, ParsedLine } from './options.js';
import type { Session } from '../views/session.js';

export interface Invocation {
  /** Words after the command name (options removed). */
  args: string[];
  line: ParsedLine;
  verbose: number;
}

export interface Command {
  name: string;
  aliases?: string[];
  synopsis: string;
  summary: string;
  details?: string[];
  examples?: string[];
  /** The seed options this command uses (`['port', 'netns']`); any other is refused by name.
   *  Undefined: it takes every option (help, everything). */
  options?: readonly string[];
  /** Options of this command alone, parsed after its word (`sym -q STRING`): they may reuse
   *  letters of the seed's view options. */
  ownOptions?: readonly OptionSpec[];
  /** Rewrite the words after the command before parsing (rd's `-32` → `--size=32`). */
  preparse?: (words: string[]) => string[];
  /** Candidates for argument `index` (0-based) given the words typed so far. */
  complete?: (s: Session, index: number, args: string[]) => string[];
  run(s: Session, inv: Invocation): Output;
}

/** A user mistake in a command's arguments: printed as one line, the session goes on. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parse an address typed by a user: hex with or without 0x, a decimal, or SYMBOL[+OFF]. */
export function parseAddress(s: Session, word: string | undefined, what = 'ADDR'): bigint {
  return s.inspect.address(word, what);
}
