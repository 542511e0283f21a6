// `rd ADDR [COUNT]`: raw memory as 64-bit words with symbols and ASCII (crash's `rd -s`).

import { parseAddress, UsageError, type Command } from '../command.js';

export const rdCommand: Command = {
  name: 'rd',
  synopsis: 'rd ADDR [COUNT]',
  summary: 'read COUNT 64-bit words of kernel memory (default 8), with symbols and ASCII',
  examples: ['rd jiffies 1', 'rd init_uts_ns 12'],
  run(s, inv) {
    const addr = parseAddress(s, inv.args[0]);
    const count = inv.args[1] ? Number(inv.args[1]) : 8;
    if (!Number.isInteger(count) || count <= 0 || count > 65536) throw new UsageError(`rd: bad COUNT '${inv.args[1]}'`);
    const k = s.kernel;
    const lines: string[] = [];
    const words: string[] = [];
    for (let i = 0; i < count; i += 2) {
      const a = addr + BigInt(i * 8);
      const cells: string[] = [];
      let ascii = '';
      for (let j = 0; j < 2 && i + j < count; j++) {
        try {
          const v = k.mem.u64(a + BigInt(j * 8));
          words.push('0x' + v.toString(16));
          const sym = k.symbols.nearest(v);
          cells.push(v.toString(16).padStart(16, '0') + (sym && sym.offset < 0x1000n && v > 0xffffffff00000000n ? ` <${k.symbolize(v)}>` : ''));
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
    }
    return { kind: 'text', lines, data: { address: '0x' + addr.toString(16), words } };
  },
};
