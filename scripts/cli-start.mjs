// How bin/xportshow.js starts node (its #! line): the build makes the bundle's code cache under
// these flags (scripts/bundle.mjs), and the benches start their child processes the same way,
// with the flags that cache was made for and the environment the CLI has.
import { readFileSync } from 'node:fs';

const shebang = readFileSync(new URL('../bin/xportshow.js', import.meta.url), 'utf8').split('\n')[0];
const words = (/^#!.*\benv -S (.*)$/.exec(shebang)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
const nodeAt = words.indexOf('node');

/** Node's flags on the #! line (after `node`). */
export const cliNodeFlags = words.slice(nodeAt + 1);

/** This process's environment less the variables the #! line unsets (`env -u NAME`). */
export function cliEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (let i = 0; i < nodeAt; i++) if (words[i] === '-u') delete env[words[i + 1]];
  return env;
}
