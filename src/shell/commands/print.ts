// crash's `p SYMBOL`: a global variable's value by its BTF type (a struct member by member);
// a per-CPU variable is shown for each CPU.

import { UsageError, type Command } from '../command.js';

export const printCommand: Command = {
  name: 'p',
  aliases: ['print'],
  options: [],
  ownOptions: [{ name: 'hex', short: 'x', type: 'boolean', help: 'integers in hex' }],
  synopsis: 'p [-x] SYMBOL',
  summary: 'print a global variable by its type (crash: p)',
  examples: ['p jiffies', 'p init_net.ipv4.sysctl_ip_default_ttl', 'p -x tcp_hashinfo'],
  complete: (s, i) => (i === 0 ? s.inspect.symbolNames() : []),
  run(s, inv) {
    const w = inv.args[0];
    if (!w) throw new UsageError('usage: p SYMBOL');
    const radix = inv.line.options.hex ? 16 : 10;
    const dot = w.indexOf('.');
    if (dot > 0) {
      // p var.member: the member of a struct-typed global
      const name = w.slice(0, dot);
      const type = s.inspect.symbolType(name);
      if (!type) throw new UsageError(`p: no BTF type for '${name}'`);
      return { kind: 'text', lines: s.inspect.structMembers(type, s.inspect.address(name), [w.slice(dot + 1)], radix).map((l) => l.replace(/^ {2}/, `${name}.`).replace(/,$/, '')) };
    }
    return { kind: 'text', lines: s.inspect.printSymbol(w, radix) };
  },
};
