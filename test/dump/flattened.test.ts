import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileReader } from '../../src/dump/file.js';
import { FlattenedReader } from '../../src/dump/flattened.js';
import { tmpFile } from './build.js';

/** A flattened file from explicit records [destination offset, bytes]. */
function flat(records: [number, Buffer][], end = true): string {
  const head = Buffer.alloc(4096);
  head.write('makedumpfile', 0, 'latin1');
  head.writeBigInt64BE(1n, 16);
  head.writeBigInt64BE(1n, 24);
  const parts: Buffer[] = [head];
  for (const [off, bytes] of records) {
    const h = Buffer.alloc(16);
    h.writeBigInt64BE(BigInt(off), 0);
    h.writeBigInt64BE(BigInt(bytes.length), 8);
    parts.push(h, bytes);
  }
  if (end) parts.push(Buffer.alloc(16, 0xff));
  return tmpFile('f.flat', Buffer.concat(parts));
}
const open = (p: string): FlattenedReader => new FlattenedReader(p, new FileReader(p));

describe('FlattenedReader', () => {
  it('places records at their offsets, zero-fills gaps, clips at the end', () => {
    const r = open(flat([[10, Buffer.from('world')], [0, Buffer.from('hello')]]));
    expect(r.records).toBe(2);
    expect(r.complete).toBe(true);
    expect(r.size).toBe(15);
    expect(r.read(0, 15).toString('latin1')).toBe('hello\0\0\0\0\0world');
    expect(r.read(3, 9).toString('latin1')).toBe('lo\0\0\0\0\0wo');
    expect(r.read(12, 100).toString('latin1')).toBe('rld'); // short at the end
    expect(r.read(20, 4).length).toBe(0);
    r.close();
  });

  it('later records win where records overlap', () => {
    const r = open(
      flat([
        [0, Buffer.from('AAAAAAAAAA')],
        [2, Buffer.from('bbb')],
        [4, Buffer.from('CC')],
        [8, Buffer.from('dddd')],
      ]),
    );
    expect(r.read(0, 12).toString('latin1')).toBe('AAbbCCAAdddd');
    r.close();
  });

  it('an earlier record is not hidden by a later record that ends inside it', () => {
    const r = open(flat([[4, Buffer.from('xyz')], [0, Buffer.from('0123456')], [5, Buffer.from('Q')]]));
    expect(r.read(0, 7).toString('latin1')).toBe('01234Q6');
    r.close();
  });

  it('a file cut inside a record keeps what is there and reports no end marker', () => {
    const p = flat([[0, Buffer.from('abcdef')], [6, Buffer.alloc(5000, 0x41)]], false);
    const cut = tmpFile('cut.flat', fs.readFileSync(p).subarray(0, 4096 + 16 + 6 + 16 + 100));
    const r = open(cut);
    expect(r.complete).toBe(false);
    expect(r.size).toBe(106);
    expect(r.read(0, 8).toString('latin1')).toBe('abcdefAA');
    r.close();
  });

  it('many tiny records (read through the header window)', () => {
    const recs: [number, Buffer][] = [];
    for (let i = 0; i < 3000; i++) recs.push([i * 3, Buffer.from([i & 255, (i >> 8) & 255, 7])]);
    const r = open(flat(recs));
    expect(r.records).toBe(3000);
    const all = r.read(0, 9000);
    expect(all[2999 * 3]).toBe(2999 & 255);
    expect(all[2999 * 3 + 1]).toBe(2999 >> 8);
    expect(all[1500 * 3 + 2]).toBe(7);
    r.close();
  });

  it('rejects a corrupt record header', () => {
    const p = flat([[-5, Buffer.from('x')]]);
    expect(() => open(p)).toThrow(/corrupt flattened record header at offset 4096/);
  });
});
