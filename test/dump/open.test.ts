import { describe, expect, it } from 'vitest';
import { openDump } from '../../src/dump/open.js';
import { PageCache } from '../../src/dump/page-cache.js';
import { DumpFormatError } from '../../src/dump/types.js';
import { tmpFile } from './build.js';

describe('openDump sniffing', () => {
  it('names the first bytes of an unknown file', () => {
    const f = tmpFile('junk', Buffer.from('hello, this is not a dump\n'));
    expect(() => openDump(f)).toThrow(DumpFormatError);
    expect(() => openDump(f)).toThrow(
      'not an ELF core or kdump-compressed file (first bytes: 68 65 6c 6c 6f 2c 20 74 68 69 73 20 69 73 20 6e "hello, this is n")',
    );
  });
  it('gives advice for compressed dumps', () => {
    expect(() => openDump(tmpFile('x.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3])))).toThrow(/zstd -d/);
    expect(() => openDump(tmpFile('x.gz', Buffer.from([0x1f, 0x8b, 8, 0])))).toThrow(/gunzip/);
  });
  it('rejects the old diskdump format, empty files, directories and missing files', () => {
    expect(() => openDump(tmpFile('dd', Buffer.from('DISKDUMP' + '\0'.repeat(600))))).toThrow(/DISKDUMP/);
    expect(() => openDump(tmpFile('empty', Buffer.alloc(0)))).toThrow(/empty/);
    expect(() => openDump('/tmp')).toThrow(/directory/);
    expect(() => openDump('/nonexistent/vmcore')).toThrow(/cannot open/);
  });
  it('error messages start with the path', () => {
    const f = tmpFile('junk2', Buffer.from('xyz'));
    try {
      openDump(f);
    } catch (e) {
      expect((e as DumpFormatError).path).toBe(f);
      expect((e as Error).message.startsWith(f + ': ')).toBe(true);
    }
  });
});

describe('PageCache', () => {
  it('evicts the least recently used page and counts hits and misses', () => {
    const c = new PageCache(2);
    const a = Buffer.from('a');
    c.set(1, a);
    c.set(2, Buffer.from('b'));
    expect(c.get(1)).toBe(a); // 1 becomes most recent
    c.set(3, Buffer.from('c')); // evicts 2
    expect(c.get(2)).toBeUndefined();
    expect(c.get(3)!.toString()).toBe('c');
    expect(c.get(1)).toBe(a);
    expect(c.size).toBe(2);
    expect([c.hits, c.misses]).toEqual([3, 1]);
  });

  it('starts small and grows when a page evicted lately is read again', () => {
    const c = new PageCache(64, 2);
    for (let pfn = 0; pfn < 4; pfn++) c.set(pfn, Buffer.from([pfn]));
    expect(c.size).toBe(2); // 0 and 1 evicted
    expect(c.get(0)).toBeUndefined(); // a ghost hit: room for more
    c.set(0, Buffer.from([0]));
    c.set(1, Buffer.from([1]));
    expect(c.size).toBe(4);
    expect(c.get(3)![0]).toBe(3);
    expect(c.get(0)![0]).toBe(0);
  });
});
