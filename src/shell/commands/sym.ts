// `sym NAME|ADDR`, `sym -q STRING`: a symbol's address, the symbol an address falls in, or the
// symbols whose names contain STRING (crash's `sym`, `sym -q`) — vmlinux's and the modules'.

import { hex } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';
import { formatHit, type SymbolHit } from '../../views/inspect.js';

const line = (at: bigint, h: SymbolHit): string => `${at.toString(16)} (${h.type}) ${formatHit(h)}`;
const json = (h: SymbolHit) => ({
  name: h.name,
  address: hex(h.address),
  type: h.type,
  ...(h.offset ? { offset: Number(h.offset) } : {}),
  ...(h.module ? { module: h.module } : {}),
});

export const symCommand: Command = {
  name: 'sym',
  synopsis: 'sym NAME|ADDR | sym -q STRING',
  summary: 'look up a kernel symbol by name or address (modules too); -q STRING: names containing it',
  examples: ['sym tcp_hashinfo', 'sym tcp_v4_rcv+0x10', 'sym -q tcp_v4_'],
  complete: (s, i) => (i === 0 ? s.inspect.symbolNames() : []),
  run(s, inv) {
    const ins = s.inspect;
    const q = inv.line.options.query;
    if (typeof q === 'string') {
      const hits = ins.symbolsContaining(q);
      if (!hits.length) throw new UsageError(`sym: no symbol contains '${q}'`);
      return { kind: 'text', lines: hits.map((h) => line(h.address, h)), data: hits.map(json) };
    }
    const w = inv.args[0];
    if (!w) throw new UsageError('usage: sym NAME|ADDR, or sym -q STRING');
    const byName = ins.symbolHits(w);
    if (byName.length) return { kind: 'text', lines: byName.map((h) => line(h.address, h)), data: byName.map(json) };
    const m = /^(0x[0-9a-f]+|[0-9a-f]+|[A-Za-z_.$][\w.$:]*)(?:\+(0x[0-9a-f]+|\d+))?$/i.exec(w);
    if (!m) throw new UsageError(`sym: '${w}' is neither a symbol nor an address`);
    let addr: bigint;
    if (/^(0x)?[0-9a-f]+$/i.test(m[1])) addr = BigInt(m[1].startsWith('0x') ? m[1] : '0x' + m[1]);
    else {
      const base = ins.trySymbol(m[1]);
      if (base === undefined) throw new UsageError(`sym: no symbol '${m[1]}'`);
      addr = base;
    }
    addr += m[2] ? BigInt(m[2]) : 0n;
    const h = ins.symbolAt(addr);
    if (!h) {
      const mod = ins.moduleAt(addr);
      throw new UsageError(`sym: ${hex(addr)}: no symbol${mod ? ` (in module ${mod}, before its first symbol)` : ''}`);
    }
    return { kind: 'text', lines: [line(addr, h)], data: { ...json(h), address: hex(addr), symbolAddress: hex(h.address) } };
  },
};
