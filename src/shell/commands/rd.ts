// `rd ADDR [COUNT]`: raw memory as 64-bit words with symbols and ASCII (crash's `rd -s`).

import { UsageError, type Command } from '../command.js';

export const rdCommand: Command = {
  name: 'rd',
  synopsis: 'rd ADDR [COUNT]',
  summary: 'read COUNT 64-bit words of kernel memory (default 8), with symbols and ASCII',
  examples: ['rd init_net 16', 'rd ffff888004a1c000'],
  run(s, inv) {
    const addr = s.inspect.address(inv.args[0]);
    const count = inv.args[1] ? Number(inv.args[1]) : 8;
    if (!Number.isInteger(count) || count <= 0 || count > 65536) throw new UsageError(`rd: bad COUNT '${inv.args[1]}'`);
    const ins = s.inspect;
    const lines: string[] = [];
    const words: string[] = [];
    for (let i = 0; i < count; i += 2) {
      const a = addr + BigInt(i * 8);
      const cells: string[] = [];
      let ascii = '';
      for (let j = 0; j < 2 && i + j < count; j++) {
        try {
          const v = ins.u64(a + BigInt(j * 8));
          words.push('0x' + v.toString(16));
          const sym = ins.nearestSymbol(v);
          cells.push(v.toString(16).padStart(16, '0') + (sym && sym.offset < 0x1000n && v > 0xffffffff00000000n ? ` <${ins.symbolize(v)}>` : ''));
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
