// Which network namespaces a view shows: socket views default to every netns, host-side
// views (routes, interfaces, neighbours) to the initial one, as `ip` shows the netns it runs
// in; `--netns INODE|all` selects. An inode no namespace has is one clear error.

import type { Tables } from './tables.js';
import { LookupError } from './inspect.js';

/** The inodes selected by `value` (an inode, 'all', or undefined for the default). */
export function selectNetns(t: Tables, value: string | undefined, fallback: 'init' | 'all'): number[] {
  const nets = t.namespaces().rows;
  if (value === 'all' || (value === undefined && fallback === 'all')) return nets.map((n) => n.inode);
  if (value === undefined) return nets.filter((n) => n.isInit).map((n) => n.inode);
  const ino = Number(value);
  if (!Number.isInteger(ino) || ino < 0) throw new LookupError(`--netns: '${value}' is not a netns inode (or 'all')`);
  if (!nets.some((n) => n.inode === ino)) {
    const list = nets.map((n) => `${n.inode}${n.isInit ? ' (init_net)' : ''}`).join(', ');
    throw new LookupError(`--netns: no network namespace with inode ${ino} in this dump (there are: ${list})`);
  }
  return [ino];
}
