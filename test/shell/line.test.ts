// The prompt's own pipeline: quotes, `| grep [-v] [-i] [-c] PATTERN`, `> FILE`, `>> FILE`.

import { describe, expect, it } from 'vitest';
import { parsePipeline, applyGrep, splitWords } from '../../src/shell/line.js';

describe('command lines', () => {
  it('splits words with quotes and operators', () => {
    expect(splitWords(`struct "struct sock" 0x10|grep 'a b'>>out`)).toEqual(['struct', 'struct sock', '0x10', '|', 'grep', 'a b', '>>', 'out']);
  });

  it('applies grep, -v, -i and -c', () => {
    const lines = ['tcp LISTEN', 'tcp ESTABLISHED', 'udp'];
    expect(applyGrep(lines, parsePipeline('-at | grep tcp').greps[0])).toEqual(['tcp LISTEN', 'tcp ESTABLISHED']);
    expect(applyGrep(lines, parsePipeline('-at | grep -v tcp').greps[0])).toEqual(['udp']);
    expect(applyGrep(lines, parsePipeline('-at | grep -i listen').greps[0])).toEqual(['tcp LISTEN']);
    expect(applyGrep(lines, parsePipeline('-at | grep -vc listen').greps[0])).toEqual(['3']);
  });

  it('redirects, and refuses what it does not do', () => {
    expect(parsePipeline('-at > /tmp/x').redirect).toEqual({ path: '/tmp/x', append: false });
    expect(parsePipeline('-at >> /tmp/x').redirect).toEqual({ path: '/tmp/x', append: true });
    // any other stage goes to /bin/sh as typed, from the first stage that is not a leading grep
    expect(parsePipeline("-at | grep 127 | sort -k5n | awk '{print $4}' | head").shell).toBe("sort -k5n | awk '{print $4}' | head");
    expect(parsePipeline('-at | grep -x a | wc -l')).toMatchObject({ greps: [], shell: 'grep -x a | wc -l' });
    expect(parsePipeline("-t sport '>' :80 | wc -l")).toMatchObject({ words: ['-t', 'sport', '>', ':80'], shell: 'wc -l' });
    expect(() => parsePipeline('-at |')).toThrow(/needs a command/);
    expect(() => parsePipeline('sym "unterminated')).toThrow(/unterminated/);
  });
});
