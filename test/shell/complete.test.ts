import { describe, expect, it } from 'vitest';
import {
  applyCandidate,
  completeLine,
  menuWindow,
  optionWords,
  pressTab,
  rankCandidates,
  registerValueCompleter,
  wordStart,
} from '../../src/shell/complete.js';
import type { Session } from '../../src/views/session.js';
import { TCP_STATE_NAMES as TCP_STATES } from '../../src/net/constants.js';
import { COMMANDS } from '../../src/shell/registry.js';

// Completion of command words and options never reads the dump.
const session = {} as Session;

describe('completeLine', () => {
  it('offers short options first for "-", every option usable at the prompt', () => {
    const c = completeLine(session, '-');
    expect(c.start).toBe(0);
    expect(c.candidates[0]).toBe('-a');
    expect(c.candidates).toContain('--port');
    expect(c.candidates).toContain('-t');
    // Opening-only options are not offered at the prompt.
    expect(c.candidates).not.toContain('--vmlinux');
    expect(c.candidates).not.toContain('--command');
    expect(c.total).toBe(optionWords().length);
  });

  it('puts the prefix match first for "--po"', () => {
    const c = completeLine(session, '--po');
    expect(c.candidates[0]).toBe('--port');
    expect(c.word).toBe('--po');
  });

  it('completes "he" to help first', () => {
    const c = completeLine(session, 'he');
    expect(c.candidates[0]).toBe('help');
  });

  it('lists commands and options on an empty line, sorted', () => {
    const c = completeLine(session, '');
    expect(c.candidates).toContain('help');
    expect(c.candidates).toContain('info');
    const sorted = [...c.candidates].sort((a, b) =>
      a.replace(/^-+/, '').localeCompare(b.replace(/^-+/, ''), 'en', { numeric: true, sensitivity: 'base' }) || a.length - b.length,
    );
    expect(c.candidates).toEqual(sorted);
  });

  it("uses the command's own completer for its arguments", () => {
    const c = completeLine(session, 'help str');
    expect(c.start).toBe(5);
    expect(c.candidates[0]).toBe('struct');
  });

  it('completes --tcpstate values, also after "=" and for an abbreviated option', () => {
    expect(completeLine(session, '-at --tcpstate EST').candidates[0]).toBe('ESTABLISHED');
    expect(completeLine(session, '-at --tcps L').candidates.slice(0, 2)).toEqual(['LAST_ACK', 'LISTEN']);
    const eq = completeLine(session, '--tcpstate=clo');
    expect(eq.prefix).toBe('--tcpstate=');
    expect(eq.candidates.slice(0, 3)).toEqual(['CLOSE', 'CLOSE_WAIT', 'CLOSING']);
    expect(completeLine(session, '--tcpstate ').total).toBe(TCP_STATES.length);
  });

  it('asks a registered value completer, and survives one that throws', () => {
    registerValueCompleter('--pid', () => ['1', '812', '5827', '10']);
    expect(completeLine(session, '--pid ').candidates).toEqual(['1', '10', '812', '5827']);
    expect(completeLine(session, '--pid 58').candidates).toEqual(['5827']);
    registerValueCompleter('program', () => {
      throw new Error('task list not readable');
    });
    expect(completeLine(session, '--program ss').candidates).toEqual([]);
  });

  it("falls back to the completion of the command named like the option (--pid → pid's)", () => {
    const cmd = COMMANDS.find((c) => c.name === 'skbuffhead')!;
    const saved = cmd.complete;
    cmd.complete = (_s, i) => (i === 0 ? ['0xffff888001234000', '0xffff888001235000'] : []);
    try {
      expect(completeLine(session, '--skbuffhead 0xffff8880012350').candidates).toEqual(['0xffff888001235000']);
      expect(completeLine(session, '--skbuffhead=').candidates).toHaveLength(2);
    } finally {
      cmd.complete = saved;
    }
  });

  it('offers nothing after a pipe or inside an open quote', () => {
    expect(completeLine(session, 'help | gr').candidates).toEqual([]);
    expect(completeLine(session, 'help "st').candidates).toEqual([]);
  });
});

describe('rankCandidates', () => {
  const symbols = ['udp_table', 'raw_v4_hashinfo', 'xtcp_x', 'tcp_prot', 'tcp_hashinfo'];
  it('keeps only the words the prefix begins when there are any, sorted', () => {
    const r = rankCandidates('tcp', symbols);
    expect(r.candidates).toEqual(['tcp_hashinfo', 'tcp_prot']);
    expect(r.total).toBe(2);
    expect(r.prefixCount).toBe(2);
  });

  it('falls back to fuzzy matches when no word begins with it', () => {
    const r = rankCandidates('thash', symbols);
    expect(r.candidates[0]).toBe('tcp_hashinfo');
    expect(r.prefixCount).toBe(0);
    expect(rankCandidates('po', optionWords()).candidates[0]).toBe('--port');
  });
});

describe('pressTab', () => {
  it('finishes a unique word with a space, the cursor at the end', () => {
    const r = pressTab(session, 'hel', undefined)!;
    expect(r.value).toBe('help ');
    expect(r.cursor).toBe(r.value.length);
    expect(r.menu).toBeUndefined();
  });

  it('keeps the words before the one completed', () => {
    const r = pressTab(session, 'xpo -at --po', undefined)!;
    expect(r.value).toBe('xpo -at --port ');
    expect(r.cursor).toBe('xpo -at --port '.length);
  });

  it('cycles through several candidates with Tab and back with Shift-Tab, wrapping', () => {
    const first = pressTab(session, '--p', undefined)!;
    const cands = first.menu!.completion.candidates;
    expect(cands.slice(0, 4)).toEqual(['--packet', '--pid', '--port', '--program']);
    expect(first.value).toBe('--packet');
    expect(first.cursor).toBe('--packet'.length);
    const second = pressTab(session, first.value, first.menu)!;
    expect(second.value).toBe('--pid');
    expect(second.menu!.index).toBe(1);
    const back = pressTab(session, second.value, second.menu, -1)!;
    expect(back.value).toBe('--packet');
    const wrapped = pressTab(session, back.value, back.menu, -1)!;
    expect(wrapped.value).toBe(cands[cands.length - 1]);
    expect(wrapped.menu!.original).toBe('--p');
  });

  it('returns undefined when nothing matches', () => {
    expect(pressTab(session, 'zzzzqqq', undefined)).toBeUndefined();
  });
});

describe('helpers', () => {
  it('finds the start of the last word', () => {
    expect(wordStart('help st')).toBe(5);
    expect(wordStart('help ')).toBe(5);
    expect(wordStart('"a b" c')).toBe(6);
    expect(wordStart('-at|gr')).toBe(4);
  });

  it('applyCandidate replaces only the last word and puts the cursor at the end', () => {
    const c = completeLine(session, 'help str');
    expect(applyCandidate('help st', c, 'struct')).toEqual({ value: 'help struct', cursor: 11 });
  });

  it('menuWindow keeps the selected candidate inside a window of 8', () => {
    const candidates = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const menu = { original: 'c', completion: { start: 0, word: 'c', prefix: '', candidates, total: 20, prefixCount: 20 }, index: 15 };
    const w = menuWindow(menu, 8);
    expect(w.items).toHaveLength(8);
    expect(w.items).toContain('c15');
    expect(menuWindow({ ...menu, index: 19 }, 8).items[7]).toBe('c19');
  });
});
