// Member paths as users and walkers write them: "a.b[3][0x2].c".

import { CACHE_LIMIT } from './btf-records.js';

const pathCache = new Map<string, (string | number)[]>();
/** "a.b[3][0x2].c" -> ['a', 'b', 3, 2, 'c']; throws on bad syntax. */
export function parseMemberPath(path: string): (string | number)[] {
  let steps = pathCache.get(path);
  if (steps) return steps;
  steps = [];
  for (const part of path.split('.')) {
    const m = /^\s*([A-Za-z_$][\w$]*)?((?:\[\s*(?:0x[0-9a-fA-F]+|\d+)\s*\])*)\s*$/.exec(part);
    if (!m || (!m[1] && !m[2])) throw new Error(`BTF: bad member path '${path}' (at '${part}')`);
    if (m[1]) steps.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[\s*([^\]\s]+)\s*\]/g)) steps.push(Number(idx[1]));
  }
  if (pathCache.size >= CACHE_LIMIT) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}
