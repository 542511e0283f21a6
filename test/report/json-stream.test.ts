// The JSON and text written in chunks as they are rendered (the one-shot CLI's path) are the
// very bytes of the whole document: JSON.stringify(toJsonValue(out), bigint → hex, 2) and the
// rendered lines, whatever the output's shape (batches of rows, nested groups, bigints, gaps).
import { describe, expect, it } from 'vitest';
import { writeJson, writeJsonBytes, renderJson, toJsonValue } from '../../src/report/json.js';
import { writeLines } from '../../src/report/text.js';
import type { Output, Row } from '../../src/report/model.js';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession } from '../support/fixtures.js';

const reference = (out: Output) =>
  JSON.stringify(toJsonValue(out), (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v), 2);

function chunks(out: Output): string[] {
  const got: string[] = [];
  writeJson(out, (c) => got.push(c));
  return got;
}

const row = (data: unknown): Row => ({ cells: {}, data });

/** writeJsonBytes' chunks, copied as they come (the buffer is filled again after each), and
 *  their text; `keep`: the sink says it keeps every chunk (a stream that queued it). */
function byteChunks(out: Output, keep = false): { sizes: number[]; text: string } {
  const got: Buffer[] = [];
  const held: Uint8Array[] = [];
  writeJsonBytes(out, (c) => {
    got.push(Buffer.from(c));
    if (keep) held.push(c);
    return keep;
  }, { newline: true });
  // a kept chunk is never written over
  if (keep) expect(Buffer.concat(held).equals(Buffer.concat(got))).toBe(true);
  return { sizes: got.map((b) => b.length), text: Buffer.concat(got).toString('utf8') };
}

describe('writeJson', () => {
  // rows across several batches of JSON.stringify, some with a bigint (stringified again with
  // the replacer), a gap (NaN → null), nested objects and arrays, undefined values and rows
  const rows = Array.from({ length: 700 }, (_, i): Row =>
    row(i === 3 ? undefined : {
      i, name: `r"${i}\n`, gap: i % 7 ? i : NaN, skip: undefined, owners: i % 2 ? [] : [{ pid: i, comm: 'x' }],
      ...(i % 300 === 5 ? { sock: 0xffff888000000000n + BigInt(i) } : {}), nested: { a: [1, { b: {} }] },
    }));
  const table: Output = { kind: 'table', columns: [], rows, notes: ['!! tcp ehash: unreadable at 0x1', 'a hint'] };

  it('writes a big table in chunks whose concatenation is JSON.stringify of its rows', () => {
    const got = chunks(table);
    expect(got.length).toBeGreaterThan(1);
    for (const c of got.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(got.join('')).toBe(reference(table));
    expect(renderJson(table)).toBe(reference(table));
  });

  it('writes every shape as JSON.stringify does: empty, text, blocks, nested and flat groups', () => {
    const empty: Output = { kind: 'table', columns: [], rows: [] };
    const text: Output = { kind: 'text', lines: ['a', 'b'] };
    const textData: Output = { kind: 'text', lines: ['a'], data: { n: 1n, list: [] } };
    const blocks: Output = { kind: 'blocks', blocks: [{ lines: [], data: { x: 1 } }, { lines: [], data: [2, 3] }], notes: ['!! gap'] };
    const flat: Output = { kind: 'group', parts: [table, { kind: 'text', lines: ['!! udp: gone'] }, empty], flatRows: true };
    const nestedGroup: Output = { kind: 'group', parts: [table, text, { kind: 'group', parts: [empty, blocks, flat] }, textData] };
    const dataGroup: Output = { kind: 'group', parts: [table], data: { sockets: [1, 2], at: 5n } };
    for (const out of [empty, text, textData, blocks, flat, nestedGroup, dataGroup, { kind: 'group', parts: [] } as Output]) {
      expect(chunks(out).join('')).toBe(reference(out));
    }
  });

  it('writes the same text as UTF-8 bytes, in chunks of a reused buffer, whatever the characters', () => {
    const wide: Output = { kind: 'table', columns: [], rows: Array.from({ length: 600 }, (_, i) => row({ i, comm: i % 3 ? `é${'ü'.repeat(i % 40)}` : `😀${'x'.repeat(i)}`, lone: '\udc00' })) };
    for (const out of [table, wide]) {
      for (const keep of [false, true]) {
        const b = byteChunks(out, keep);
        expect(b.text).toBe(reference(out) + '\n');
        expect(b.sizes.length).toBeGreaterThan(1);
        for (const n of b.sizes.slice(0, -1)) expect(n).toBeGreaterThanOrEqual(64 * 1024);
      }
    }
    const empty: Output = { kind: 'table', columns: [], rows: [] };
    const text: Output = { kind: 'text', lines: ['a', 'ß'] };
    const nestedGroup: Output = { kind: 'group', parts: [table, text, { kind: 'group', parts: [empty, wide] }] };
    const flat: Output = { kind: 'group', parts: [wide, { kind: 'text', lines: ['!! udp: gone'] }, empty], flatRows: true };
    for (const out of [empty, text, nestedGroup, flat]) expect(byteChunks(out).text).toBe(reference(out) + '\n');
  });

  it('streams the rows of a group whose data is an object holding them (pid --json) as JSON.stringify does', () => {
    const withRows = (head: Record<string, unknown>, key: string, rs: Row[]): Output => ({
      kind: 'group', parts: [], rowsIn: { head, key, rows: rs }, data: { ...head, [key]: rs.map((r) => r.data) },
    });
    const outs = [
      withRows({ pid: 1, comm: 'a"b', cmdline: null, gone: undefined, task: '0xffff' }, 'sockets', rows),
      withRows({ pid: 2, argv: ['x', 'y'], at: 7n }, 'sockets', []),
      withRows({}, 'sockets', rows.slice(0, 3)),
      withRows({ a: 1, sockets: 'replaced', z: { n: [] } }, 'sockets', rows.slice(0, 300)),
    ];
    for (const out of outs) expect(chunks(out).join('')).toBe(reference(out));
    const nested: Output = { kind: 'group', parts: outs };
    expect(chunks(nested).join('')).toBe(reference(nested));
  });
});

describe('writeLines', () => {
  it('writes the lines, each with its newline, in chunks; nothing for no lines', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    const got: string[] = [];
    writeLines(lines, (c) => got.push(c));
    expect(got.length).toBeGreaterThan(1);
    expect(got.join('')).toBe(lines.join('\n') + '\n');
    const none: string[] = [];
    writeLines([], (c) => none.push(c));
    expect(none).toEqual([]);
  });
});

describe('output written as it is rendered (runLine with write) on dumps/bookworm-6.1', () => {
  const s = fixtureSession('bookworm-6.1');
  it.each(['-a --json', '-ato --json', '-at -r --json', '-l --json', '-a', '-atoe', 'info', 'tcp -v'])('%s: the same bytes as its lines', (line) => {
    const whole = runLine(s, line);
    expect(whole.error).toBeUndefined();
    const got: string[] = [];
    const streamed = runLine(s, line, { write: (c) => got.push(c) });
    expect(streamed.error).toBeUndefined();
    expect(streamed.lines).toEqual([]);
    expect(got.join('')).toBe(whole.lines.length ? whole.lines.join('\n') + '\n' : '');
    // as the CLI runs it: JSON as bytes
    const out: Buffer[] = [];
    const asCli = runLine(s, line, { write: (c) => out.push(Buffer.from(c)), writeBytes: (c) => void out.push(Buffer.from(c)) });
    expect(asCli.error).toBeUndefined();
    expect(Buffer.concat(out).toString('utf8')).toBe(got.join(''));
  });

  it('a grep or a redirection still gives lines, not writes', () => {
    const got: string[] = [];
    const r = runLine(s, '-at --json | grep proto', { write: (c) => got.push(c) });
    expect(got).toEqual([]);
    expect(r.lines.length).toBeGreaterThan(0);
  });
});
