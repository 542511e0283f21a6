// `netns [INODE]`: the network namespaces, with socket counts; with INODE, its sockets.

import { DEFAULT_FAMILIES as FAMILIES, FAMILY_OPTIONS } from '../../views/families.js';
import { hex } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';
import { showSockets, queryFromOptions, checkNetns } from './sockets.js';

export const netnsCommand: Command = {
  name: 'netns',
  options: ['all', 'listening', ...FAMILY_OPTIONS, 'port', 'tcpstate', 'retransonly'],
  synopsis: 'netns [INODE]',
  summary: 'network namespaces (inode, struct net, devices, sockets); with INODE its sockets',
  examples: ['netns', 'netns 4026531840'],
  complete: (s, i) => (i === 0 ? s.tables.namespaces().rows.map((n) => String(n.inode)) : []),
  run(s, inv) {
    const nets = s.tables.namespaces().rows;
    const w = inv.args[0];
    if (w) {
      const ino = Number(w);
      if (!Number.isInteger(ino)) throw new UsageError(`netns: '${w}' is not a netns inode`);
      checkNetns(s, ino);
      return showSockets(s, { ...queryFromOptions(inv.line.options), all: true, netns: ino }, inv.verbose);
    }
    const devs = s.tables.devices().rows;
    return {
      kind: 'table',
      columns: [
        { key: 'inode', title: 'NETNS', align: 'right' },
        { key: 'net', title: 'struct net' },
        { key: 'init', title: '' },
        { key: 'devs', title: 'Devices' },
        ...FAMILIES.map((f) => ({ key: f, title: f.toUpperCase(), align: 'right' as const })),
      ],
      rows: nets.map((n) => {
        const counts = Object.fromEntries(FAMILIES.map((f) => [f, s.tables.sockets(f).rows.filter((r) => r.netns === n.inode).length]));
        const dn = devs.filter((d) => d.netns === n.inode).map((d) => d.name);
        return {
          cells: { inode: String(n.inode), net: hex(n.address), init: n.isInit ? 'init_net' : '', devs: dn.join(','),
            ...Object.fromEntries(FAMILIES.map((f) => [f, String(counts[f])])) },
          data: { netns: n.inode, inode: n.inode, net: hex(n.address), init: n.isInit, devices: dn, sockets: counts },
          ref: { kind: 'netns', inode: n.inode },
        };
      }),
    };
  },
};
