// `rd ADDR [COUNT]`: raw memory as 64-bit words with symbols and ASCII (crash's `rd -s`).
// An address nothing maps is one error line; a range that is partly readable prints what it
// can and one line for each unreadable stretch.

import { parseAddress, UsageError, type Command } from '../command.js';
import { nextReadable, unreadable } from '../../kernel/readable.js';
import { UnreadableError } from '../../kernel/errors.js';
import { symbolAt, formatHit } from '../../kernel/symbolize.js';

export const rdCommand: Command = {
  name: 'rd',
  synopsis: 'rd ADDR [COUNT]',
  summary: 'read COUNT 64-bit words of kernel memory (default 8), with symbols and ASCII',
  examples: ['rd init_net 16', 'rd ffff888004a1c000'],
  run(s, inv) {
    const addr = parseAddress(s, inv.args[0]);
    const count = inv.args[1] ? Number(inv.args[1]) : 8;
    if (!Number.isInteger(count) || count <= 0 || count > 65536) throw new UsageError(`rd: bad COUNT '${inv.args[1]}'`);
    const k = s.kernel;
    const end = addr + BigInt(count * 8);
    if (nextReadable(k.mem, addr, end) === undefined) throw new UnreadableError(`rd: ${unreadable(k.mem, addr)}`);
    const lines: string[] = [];
    const words: string[] = [];
    for (let i = 0; i < count; ) {
      const a = addr + BigInt(i * 8);
      const why = unreadable(k.mem, a);
      if (why) {
        // Skip to the next readable page, word-aligned with ADDR: one line for the stretch.
        const next = nextReadable(k.mem, a, end) ?? end;
        const skip = Math.max(1, Math.ceil(Number(next - a) / 8));
        const to = a + BigInt(skip * 8) < end ? a + BigInt(skip * 8) : end;
        lines.push(`${a.toString(16)}-${to.toString(16)}:  <${why}>`);
        for (let j = 0; j < skip && i + j < count; j++) words.push('');
        i += skip;
        continue;
      }
      const cells: string[] = [];
      let ascii = '';
      for (let j = 0; j < 2 && i + j < count; j++) {
        try {
          const v = k.mem.u64(a + BigInt(j * 8));
          words.push('0x' + v.toString(16));
          const h = v > 0xffffffff00000000n ? symbolAt(k, v) : undefined;
          cells.push(v.toString(16).padStart(16, '0') + (h && h.offset < 0x1000n ? ` <${formatHit(h)}>` : ''));
          for (let b = 0n; b < 8n; b++) {
            const c = Number((v >> (b * 8n)) & 0xffn);
            ascii += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
          }
        } catch (e) {
          cells.push('<gap: ' + (e as Error).message + '>');
          words.push('');
        }
      }
      lines.push(`${a.toString(16)}:  ${cells.join('  ')}  ${ascii}`);
      i += 2;
    }
    return { kind: 'text', lines, data: { address: '0x' + addr.toString(16), words } };
  },
};
