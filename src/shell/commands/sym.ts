// `sym NAME|ADDR`: a symbol's address, or the symbol an address falls in (crash's `sym`).

import { hex, text } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';

export const symCommand: Command = {
  name: 'sym',
  synopsis: 'sym NAME|ADDR',
  summary: 'look up a kernel symbol by name, or the symbol containing an address',
  examples: ['sym tcp_hashinfo', 'sym ffffffff81a00000'],
  complete: (s, i) => (i === 0 ? s.inspect.symbolNames() : []),
  run(s, inv) {
    const w = inv.args[0];
    if (!w) throw new UsageError('usage: sym NAME|ADDR');
    const byName = s.inspect.symbolsNamed(w);
    if (byName.length) {
      return { kind: 'text', lines: byName.map((x) => `${x.address.toString(16)} (${x.type}) ${x.name}`),
        data: byName.map((x) => ({ name: x.name, address: hex(x.address), type: x.type })) };
    }
    if (!/^(0x)?[0-9a-f]+$/i.test(w)) throw new UsageError(`sym: no symbol '${w}'`);
    const addr = BigInt(w.startsWith('0x') ? w : '0x' + w);
    const n = s.inspect.nearestSymbol(addr);
    if (!n) return text(`${hex(addr)}: no symbol at or below this address`);
    const where = n.offset ? `${n.symbol.name}+${n.offset}` : n.symbol.name;
    return { kind: 'text', lines: [`${n.symbol.address.toString(16)} (${n.symbol.type}) ${where}`],
      data: { address: hex(addr), symbol: n.symbol.name, offset: Number(n.offset), type: n.symbol.type } };
  },
};
