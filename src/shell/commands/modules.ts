// `modules`: loaded kernel modules as lsmod would list them, with where they sit in memory
// (what a pointer into a module's code or data means).

import { hex, problemLines } from '../../report/model.js';
import type { Command } from '../command.js';
import { GAP } from '../../views/table.js';

export const modulesCommand: Command = {
  name: 'modules',
  options: [],
  aliases: ['lsmod'],
  synopsis: 'modules',
  summary: 'loaded kernel modules: name, state, base address, size, symbol count',
  examples: ['modules', 'modules | grep bridge'],
  run(s) {
    const { rows: mods, problems } = s.inspect.modules();
    const total = (m: (typeof mods)[number]) => m.ranges.reduce((a, r) => a + r.size, 0);
    return {
      kind: 'table',
      columns: [
        { key: 'name', title: 'Module' },
        { key: 'size', title: 'Size', align: 'right' },
        { key: 'base', title: 'Base' },
        { key: 'state', title: 'State' },
        { key: 'syms', title: 'Symbols', align: 'right' },
        { key: 'addr', title: 'struct module' },
      ],
      rows: mods.map((m) => ({
        cells: { name: m.name, size: String(total(m)), base: m.base !== undefined ? hex(m.base) : GAP, state: m.state.replace(/^MODULE_STATE_/, ''),
          syms: String(m.symbols.length), addr: hex(m.address) },
        data: { name: m.name, size: total(m), base: m.base !== undefined ? hex(m.base) : null, state: m.state, symbols: m.symbols.length,
          module: hex(m.address), ranges: m.ranges.map((r) => ({ kind: r.kind, base: hex(r.base), size: r.size })) },
      })),
      notes: problemLines(problems),
    };
  },
};
