// expectRowsMatchTruth itself: it passes on equal multisets and names the differing rows.

import { describe, expect, it } from 'vitest';
import { expectRowsMatchTruth } from './support/match.js';

const truth = [{ inode: 1, path: '/a' }, { inode: 2, path: '' }, { inode: 2, path: '' }];

describe('expectRowsMatchTruth', () => {
  it('passes on the same rows in any order and returns their count', () => {
    const ours = [{ inode: 2, path: undefined }, { inode: 1, path: '/a' }, { inode: 2, path: undefined }];
    expect(expectRowsMatchTruth(ours, truth, { inode: 'inode', path: [(r) => r.path ?? '', 'path'] })).toBe(3);
    expect(expectRowsMatchTruth([{ inode: 1n }], [{ inode: 1n }], ['inode'])).toBe(1);
  });

  it('fails naming the rows only on one side, duplicates counted', () => {
    const ours = [{ inode: 1, path: '/a' }, { inode: 2, path: '' }, { inode: 3, path: '/c' }];
    let msg = '';
    try {
      expectRowsMatchTruth(ours, truth, ['inode', 'path'], 'unix of init');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('unix of init: 2 row(s) differ from the truth (3 ours, 3 in the truth)');
    expect(msg).toContain('inode=3 path=/c');
    expect(msg).toContain('inode=2 path=');
  });

  it('compares only the fields named', () => {
    expect(() => expectRowsMatchTruth([{ inode: 1, x: 1 }], [{ inode: 1, x: 2 }], ['inode'])).not.toThrow();
    expect(() => expectRowsMatchTruth([{ inode: 1, x: 1 }], [{ inode: 1, x: 2 }], ['inode', 'x'])).toThrow(/inode=1 x=1/);
  });
});
