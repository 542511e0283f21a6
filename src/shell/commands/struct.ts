// crash's `struct`: `struct TYPE ADDR` (every member with its value), `struct TYPE.a,b ADDR`
// (only those members), `struct -o TYPE` (member offsets, no memory read), `-x`/`-d` radix.

import { UsageError, type Command } from '../command.js';

export const structCommand: Command = {
  name: 'struct',
  options: [],
  ownOptions: [
    { name: 'offsets', short: 'o', type: 'boolean', help: 'member offsets and declarations, as crash struct -o' },
    { name: 'hex', short: 'x', type: 'boolean', help: 'integers in hex' },
    { name: 'decimal', short: 'd', type: 'boolean', help: 'integers in decimal (the default)' },
  ],
  synopsis: 'struct [-o] [-x|-d] TYPE[.MEMBER[,MEMBER…]] [ADDR]',
  summary: 'print a struct from memory (TYPE: "sock" or "struct sock"), some of its members, or its layout (-o)',
  details: ['Members may be paths: struct sock.__sk_common.skc_state ADDR. Char arrays print C-escaped ("lo\\000x").'],
  examples: ['struct net init_net', 'struct -o tcp_sock', 'struct tcp_sock.rcv_nxt,snd_una ffff8d6b02d35100', 'struct sock ffff8d6b02d35100 -x'],
  complete: (s, i) => (i === 0 ? s.inspect.structNames() : []),
  run(s, inv) {
    const o = inv.line.options;
    const radix = o.hex ? 16 : 10;
    const [name, where] = inv.args;
    if (!name) throw new UsageError('usage: struct [-o] [-x|-d] TYPE[.MEMBER,…] [ADDR]');
    const dot = name.indexOf('.');
    const type = dot < 0 ? name : name.slice(0, dot);
    const members = dot < 0 ? [] : name.slice(dot + 1).split(',').filter(Boolean);
    const spec = s.inspect.typeSpec(type);
    if (o.offsets) {
      if (members.length) throw new UsageError('struct -o shows the whole layout: give TYPE without members');
      if (!s.inspect.hasType(spec)) throw new UsageError(`struct: no type '${type}' in BTF`);
      return { kind: 'text', lines: s.inspect.structLayout(spec, o.decimal ? 10 : 16) };
    }
    if (!where) throw new UsageError('usage: struct TYPE ADDR (or struct -o TYPE for the layout)');
    const addr = s.inspect.address(where);
    const lines = members.length ? s.inspect.structMembers(spec, addr, members, radix) : s.inspect.struct(spec, addr, inv.verbose ? 12 : 6, radix);
    return { kind: 'text', lines, data: { type: spec, address: '0x' + addr.toString(16), lines } };
  },
};
