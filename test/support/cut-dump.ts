// A copy of a dump file cut short, as when a copy of a vmcore stopped early (a full disk).

import { copyFileSync, mkdtempSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Copy `src` to `dest` (default: a new temp dir's cut.kdump) keeping the first `fraction` of it. */
export function cutCopy(src: string, fraction: number, dest = join(mkdtempSync(join(tmpdir(), 'xps-cut-')), 'cut.kdump')): string {
  copyFileSync(src, dest);
  truncateSync(dest, Math.floor(statSync(src).size * fraction));
  return dest;
}
