// The version of xportshow, from package.json (two levels up from src/shell/ and from
// dist/bundle/ alike).

import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return '?';
  }
}
