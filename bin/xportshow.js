#!/usr/bin/env node
// Runs the compiled CLI (npm install builds dist/ through the "prepare" script).
// exitCode, not exit(): a pipe may still be draining stdout.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`xportshow: internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 70;
  },
);
