// `struct TYPE ADDR`: a kernel object printed member by member from memory (crash's `struct`).

import { UsageError, type Command } from '../command.js';

export const structCommand: Command = {
  name: 'struct',
  options: [],
  synopsis: 'struct TYPE ADDR',
  summary: 'print a struct from memory with its member values (TYPE: "sock" or "struct sock")',
  examples: ['struct net init_net', 'struct uts_namespace init_uts_ns', 'struct sock ffff8d6b02d35100'],
  complete: (s, i) => (i === 0 ? s.inspect.structNames() : []),
  run(s, inv) {
    const [name, where] = inv.args;
    if (!name || !where) throw new UsageError('usage: struct TYPE ADDR');
    const spec = s.inspect.typeSpec(name);
    const addr = s.inspect.address(where);
    const lines = s.inspect.struct(spec, addr, inv.verbose ? 12 : 6);
    return { kind: 'text', lines, data: { type: spec, address: '0x' + addr.toString(16), lines } };
  },
};
