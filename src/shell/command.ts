// What every command declares: its words, help, argument completion and handler.
// One table (registry.ts) serves the shell and the one-shot CLI.

import type { Output } from '../report/model.js';
import type { ParsedLine } from './options.js';
import type { Session } from './session.js';

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

/** Parse an address typed by a user: hex with or without 0x; symbols are resolved by the caller. */
export function parseAddress(s: Session, word: string | undefined, what = 'ADDR'): bigint {
  if (!word) throw new UsageError(`missing ${what}`);
  const w = word.trim();
  if (/^(0x)?[0-9a-f]+$/i.test(w) && (w.startsWith('0x') || /[a-f]/i.test(w) || w.length >= 12)) {
    return BigInt(w.startsWith('0x') ? w : '0x' + w);
  }
  if (/^\d+$/.test(w)) return BigInt(w);
  const m = /^([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-f]+|\d+))?$/i.exec(w);
  if (m) {
    const a = s.kernel.trySymbol(m[1]);
    if (a === undefined) throw new UsageError(`${what}: no symbol '${m[1]}' (and not a hex address)`);
    return a + (m[2] ? BigInt(m[2]) : 0n);
  }
  throw new UsageError(`${what}: '${word}' is neither an address nor a symbol`);
}
