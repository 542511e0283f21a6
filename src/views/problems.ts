// A walk problem as JSON in an object view's `problems` array (never a bare string).

import type { WalkProblem } from '../kernel/walk.js';

export function problemJson(p: WalkProblem): Record<string, unknown> {
  return { where: p.where, kind: p.kind, detail: p.detail, address: '0x' + p.address.toString(16) };
}
