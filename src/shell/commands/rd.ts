// crash's `rd [-8|-16|-32|-64] [-s] [-a] ADDR [COUNT]`: raw memory in units of 1, 2, 4 or 8
// bytes (default 8, with symbols and ASCII), or -a the ASCII string there. An address nothing
// maps is one error line; a partly readable range prints what it can and a line per gap.

import { parseAddress, UsageError, type Command } from '../command.js';

export const rdCommand: Command = {
  name: 'rd',
  options: [],
  ownOptions: [
    { name: 'size', type: 'string', arg: '8|16|32|64', help: 'unit size in bits (crash: -8, -16, -32, -64)' },
    { name: 'symbols', short: 's', type: 'boolean', help: '64-bit words with the symbols they point at (the default)' },
    { name: 'ascii', short: 'a', type: 'boolean', help: 'the ASCII string at ADDR' },
  ],
  // crash's -8/-16/-32/-64 are not single letters: read them as --size
  preparse: (words) => words.map((w) => (/^-(8|16|32|64)$/.test(w) ? `--size=${w.slice(1)}` : w)),
  synopsis: 'rd ADDR [COUNT] [-8|-16|-32|-64] [-s] [-a]',
  summary: 'read COUNT units of kernel memory (default 8 64-bit words), with symbols and ASCII',
  examples: ['rd jiffies 1', 'rd init_uts_ns 12', 'rd -32 init_net 8', 'rd -a linux_banner'],
  run(s, inv) {
    const o = inv.line.options;
    const addr = parseAddress(s, inv.args[0]);
    if (o.ascii) return { kind: 'text', lines: s.inspect.readString(addr) };
    const count = inv.args[1] ? Number(inv.args[1]) : 8;
    if (!Number.isInteger(count) || count <= 0 || count > 65536) throw new UsageError(`rd: bad COUNT '${inv.args[1]}'`);
    const bits = o.size === undefined ? 64 : Number(o.size);
    if (![8, 16, 32, 64].includes(bits)) throw new UsageError(`rd: -${o.size}: the unit is -8, -16, -32 or -64`);
    const { lines, words } = s.inspect.readUnits(addr, count, (bits / 8) as 1 | 2 | 4 | 8);
    return { kind: 'text', lines, data: { address: '0x' + addr.toString(16), unitBits: bits, words } };
  },
};
