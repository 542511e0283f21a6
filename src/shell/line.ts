// A command line as typed at the prompt: words (with quotes), then any number of
// `| grep PATTERN` stages (applied in order), and `> FILE` or `>> FILE` last, all applied to
// the rendered output.

export interface Grep {
  pattern: RegExp;
  invert: boolean;
  count: boolean;
}

export interface Pipeline {
  words: string[];
  /** Every `| grep` stage, in the order typed. */
  greps: Grep[];
  redirect?: { path: string; append: boolean };
}

export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (cur || has) words.push(cur);
      cur = '';
      has = false;
    } else if (ch === '|' || ch === '>') {
      if (cur || has) words.push(cur);
      cur = '';
      has = false;
      if (ch === '>' && words[words.length - 1] === '>') words[words.length - 1] = '>>';
      else words.push(ch);
    } else cur += ch;
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (cur || has) words.push(cur);
  return words;
}

export function parsePipeline(line: string): Pipeline {
  const all = splitWords(line);
  const p: Pipeline = { words: [], greps: [] };
  let i = 0;
  while (i < all.length && all[i] !== '|' && all[i] !== '>' && all[i] !== '>>') p.words.push(all[i++]);
  while (i < all.length) {
    const op = all[i++];
    if (p.redirect) throw new Error(`'${op}' after '> ${p.redirect.path}': the redirection must come last`);
    if (op === '|') {
      const cmd = all[i++];
      if (cmd !== 'grep') throw new Error(`only '| grep PATTERN' is supported after a command (got '${cmd ?? ''}')`);
      let invert = false;
      let count = false;
      let flags = '';
      while (all[i]?.startsWith('-') && all[i].length > 1) {
        const f = all[i++];
        if (/[^vic-]/.test(f)) throw new Error(`grep: only -v, -i and -c are supported (got '${f}')`);
        if (f.includes('v')) invert = true;
        if (f.includes('i')) flags = 'i';
        if (f.includes('c')) count = true;
      }
      const pat = all[i++];
      if (pat === undefined) throw new Error('grep: missing PATTERN');
      p.greps.push({ pattern: new RegExp(pat, flags), invert, count });
    } else {
      const path = all[i++];
      if (!path) throw new Error(`${op}: missing FILE`);
      p.redirect = { path, append: op === '>>' };
    }
  }
  return p;
}

export function applyGrep(lines: string[], grep: Grep | undefined): string[] {
  if (!grep) return lines;
  const kept = lines.filter((l) => grep.pattern.test(l) !== grep.invert);
  return grep.count ? [String(kept.length)] : kept;
}

/** Every stage in order, each on what the one before it kept. */
export function applyGreps(lines: string[], greps: readonly Grep[]): string[] {
  return greps.reduce((ls, g) => applyGrep(ls, g), lines);
}

/** Whether one line gets through every stage (a counting stage passes nothing through). */
export function passesGreps(line: string, greps: readonly Grep[]): boolean {
  return greps.every((g) => !g.count && g.pattern.test(line) !== g.invert);
}
