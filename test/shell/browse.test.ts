import { describe, expect, it } from 'vitest';
import {
  browseDoc,
  matchingItems,
  moveSelection,
  newLevel,
  openableCount,
  selectEnd,
  selectedRef,
  visibleLines,
  withFilter,
} from '../../src/shell/browse.js';
import { registerOpener } from '../../src/shell/drill.js';
import type { Output, TableOutput } from '../../src/report/model.js';

registerOpener('skb', () => ({ title: 'skb', output: { kind: 'text', lines: [] } }));

function table(n: number): TableOutput {
  return {
    kind: 'table',
    title: 'queue:',
    columns: [
      { key: 'a', title: 'ADDR' },
      { key: 'len', title: 'LEN', align: 'right' },
    ],
    rows: Array.from({ length: n }, (_, i) => ({
      cells: { a: `skb${i}`, len: String(60 + i) },
      data: {},
      // Every third row has nothing to open (no opener for netns here).
      ref: i % 3 === 2 ? { kind: 'netns' as const, inode: 4026531840 + i } : { kind: 'skb' as const, address: 0xffff888000000000n + BigInt(i) },
    })),
    notes: ['(end of queue)'],
  };
}

describe('browseDoc', () => {
  it('lays a table out as the text renderer does, rows with an opener selectable', () => {
    const doc = browseDoc(table(4));
    expect(doc.lines.map((l) => l.text)).toEqual(['queue:', 'ADDR LEN', 'skb0  60', 'skb1  61', 'skb2  62', 'skb3  63', '(end of queue)']);
    expect(doc.lines[1].header).toBe(true);
    expect(doc.items.map((i) => i.first)).toEqual([2, 3, 5]); // skb2's netns ref cannot be opened
    expect(doc.items[0].headerLine).toBe(1);
    expect(openableCount(table(4))).toBe(3);
  });

  it('ties every line of a block to its item, and groups parts with a blank line', () => {
    const out: Output = {
      kind: 'group',
      parts: [
        { kind: 'text', lines: ['sockets:'] },
        {
          kind: 'blocks',
          blocks: [
            { lines: ['sock A', '  state LISTEN'], data: {}, ref: { kind: 'skb', address: 1n } },
            { lines: ['sock B'], data: {} },
          ],
        },
      ],
    };
    const doc = browseDoc(out);
    expect(doc.lines.map((l) => l.text.slice(0, 6))).toEqual(['socket', '', '------', 'sock A', '  stat', '------', 'sock B', '------']);
    expect(doc.items).toEqual([{ ref: { kind: 'skb', address: 1n }, first: 3, last: 4 }]);
    expect(doc.lines[4].item).toBe(0);
    expect(doc.lines[6].item).toBeUndefined();
  });
});

describe('levels', () => {
  it('moves among the selectable rows only and stops at the ends', () => {
    let l = newLevel('q', table(6)); // items: skb0 skb1 skb3 skb4
    expect(l.selected).toBe(0);
    l = moveSelection(l, 1, 10);
    l = moveSelection(l, 1, 10);
    expect(l.doc.lines[l.doc.items[l.selected].first].text).toBe('skb3  63');
    l = moveSelection(l, 10, 10);
    expect(selectedRef(l)).toEqual({ kind: 'skb', address: 0xffff888000000004n });
    l = selectEnd(l, 'first', 10);
    expect(l.selected).toBe(0);
  });

  it('scrolls a window so the selected row stays in it', () => {
    let l = newLevel('q', table(60));
    l = selectEnd(l, 'last', 5);
    const vis = visibleLines(l.doc, '');
    const sel = vis.findIndex((v) => v.index === l.doc.items[l.selected].first);
    expect(sel).toBeGreaterThanOrEqual(l.top);
    expect(sel).toBeLessThan(l.top + 5);
    l = moveSelection(l, -100, 5);
    expect(l.top).toBe(0);
  });

  it('filters rows by substring, keeping the header, and moves the selection into the matches', () => {
    let l = newLevel('q', table(30));
    l = withFilter(l, 'skb1', 10);
    expect(matchingItems(l.doc, 'skb1').length).toBe(l.doc.items.filter((it) => l.doc.lines[it.first].text.startsWith('skb1')).length);
    const shown = visibleLines(l.doc, l.filter).map((v) => v.line.text);
    expect(shown[0]).toMatch(/^ADDR +LEN$/);
    expect(shown.slice(1).every((t) => t.startsWith('skb1'))).toBe(true);
    expect(l.doc.lines[l.doc.items[l.selected].first].text).toMatch(/^skb1 +61$/);
    expect(selectedRef(withFilter(l, 'nothing-like-this', 10))).toBeUndefined();
  });
});
