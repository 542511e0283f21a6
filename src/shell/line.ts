// A command line as typed at the prompt: words (with quotes), then `| grep PATTERN`,
// `> FILE` or `>> FILE` applied to the rendered output.

export interface Pipeline {
  words: string[];
  grep?: { pattern: RegExp; invert: boolean; count: boolean };
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
  const p: Pipeline = { words: [] };
  let i = 0;
  while (i < all.length && all[i] !== '|' && all[i] !== '>' && all[i] !== '>>') p.words.push(all[i++]);
  while (i < all.length) {
    const op = all[i++];
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
      p.grep = { pattern: new RegExp(pat, flags), invert, count };
    } else {
      const path = all[i++];
      if (!path) throw new Error(`${op}: missing FILE`);
      p.redirect = { path, append: op === '>>' };
    }
  }
  return p;
}

export function applyGrep(lines: string[], grep: Pipeline['grep']): string[] {
  if (!grep) return lines;
  const kept = lines.filter((l) => grep.pattern.test(l) !== grep.invert);
  return grep.count ? [String(kept.length)] : kept;
}
