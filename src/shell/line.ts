// A command line as typed at the prompt: words (with quotes), then any number of
// `| grep PATTERN` stages (applied in order, inside the tool: browsing follows the rows they
// keep), then, as crash does, any shell pipeline (`| sort -k5n | head`, run by /bin/sh on the
// rendered output), and `> FILE` or `>> FILE` last.

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
  /** The rest of the line from the first stage that is not a leading grep: `/bin/sh -c` runs
   *  it (with any redirection after it) on the output. */
  shell?: string;
}

export function splitWords(line: string): string[] {
  return splitPositioned(line).map((w) => w.word);
}

/** Words with where each starts in the line (a shell stage is passed on as typed). */
function splitPositioned(line: string): { word: string; at: number; op?: boolean }[] {
  const words: { word: string; at: number; op?: boolean }[] = [];
  let start = 0;
  let cur = '';
  let quote: string | null = null;
  let has = false;
  const flush = () => {
    if (cur || has) words.push({ word: cur, at: start });
    cur = '';
    has = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (!cur && !has && !quote) start = i;
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      flush();
    } else if (ch === '|' || ch === '>') {
      flush();
      const last = words[words.length - 1];
      if (ch === '>' && last?.op && last.word === '>' && last.at === i - 1) last.word = '>>';
      else words.push({ word: ch, at: i, op: true });
    } else cur += ch;
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  flush();
  return words;
}

export function parsePipeline(line: string): Pipeline {
  const pos = splitPositioned(line);
  const all = pos.map((w) => w.word);
  const p: Pipeline = { words: [], greps: [] };
  let i = 0;
  // a quoted '>' or '|' is a word (ss's `sport '>' :1024`), not an operator
  while (i < all.length && !pos[i].op) p.words.push(all[i++]);
  while (i < all.length) {
    if (!pos[i].op) throw new Error(`'${all[i]}' after '${p.redirect ? '> ' + p.redirect.path : all[i - 1]}': the redirection must come last`);
    const op = all[i++];
    if (p.redirect) throw new Error(`'${op}' after '> ${p.redirect.path}': the redirection must come last`);
    if (op === '|') {
      const cmd = all[i];
      if (cmd === undefined) throw new Error("'|' needs a command after it");
      if (cmd !== 'grep') {
        // from here on the shell runs it, exactly as typed (quotes, its own redirections)
        p.shell = line.slice(pos[i].at).trim();
        return p;
      }
      i++;
      let invert = false;
      let count = false;
      let flags = '';
      const start = i;
      while (all[i]?.startsWith('-') && all[i].length > 1) {
        const f = all[i++];
        if (/[^vic-]/.test(f)) {
          // a grep the tool does not do itself: the shell's grep does it, and the rest
          p.shell = line.slice(pos[start - 1].at).trim();
          return p;
        }
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
