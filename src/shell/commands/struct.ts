// `struct TYPE ADDR`: a kernel object printed member by member from memory (crash's `struct`).

import { formatStruct } from '../../kernel/format-struct.js';
import { parseAddress, UsageError, type Command } from '../command.js';
import { BtfKind } from '../../debuginfo/btf.js';

export const structCommand: Command = {
  name: 'struct',
  synopsis: 'struct TYPE ADDR',
  summary: 'print a struct from memory with its member values (TYPE: "sock" or "struct sock")',
  examples: ['struct net init_net', 'struct uts_namespace init_uts_ns', 'struct sock ffff8d6b02d35100'],
  complete: (s, i) => (i === 0 ? s.kernel.btf.allNames([BtfKind.Struct, BtfKind.Union]) : []),
  run(s, inv) {
    const [name, where] = inv.args;
    if (!name || !where) throw new UsageError('usage: struct TYPE ADDR');
    const spec = /^(struct|union|enum) /.test(name) || s.kernel.typeRef('struct ' + name) === undefined ? name : 'struct ' + name;
    const addr = parseAddress(s, where);
    return { kind: 'text', lines: formatStruct(s.kernel, spec, addr, { depth: inv.verbose ? 12 : 6 }) };
  },
};
