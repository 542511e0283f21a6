#!/usr/bin/env node
// Runs the bundled CLI (npm install builds dist/bundle through the "prepare" script: one file
// loads in a third of the time of ~70 modules).
// exitCode, not exit(): a pipe may still be draining stdout.
import { main } from '../dist/bundle/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`xportshow: internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 70;
  },
);
