// `rd ADDR [COUNT]`: raw memory as 64-bit words with symbols and ASCII (crash's `rd -s`).
// An address nothing maps is one error line; a range that is partly readable prints what it
// can and one line for each unreadable stretch.

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
    const { lines, words } = s.inspect.readWords(addr, count);
    return { kind: 'text', lines, data: { address: '0x' + addr.toString(16), words } };
  },
};
