#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node --max-semi-space-size=4 --v8-pool-size=1 --initial-heap-size=64
// (Without NODE_EXTRA_CA_CERTS: Node parses that certificate bundle at start, before any code
// runs — 30-40 ms on a 2-core machine for a 215 KB bundle — and this tool makes no TLS
// connection. One V8 platform thread, not four: the optimizing compiler and the GC's helpers
// then never take both cores from the main thread; on 2 cores the 10,041-socket
// `-at --json` took 249 instead of 290 ms, the main thread off its core ~45 ms less; 20,041
// and 100,042 sockets about equal or a little faster.)
// (A 4 MiB young generation: the walks' garbage dies young; peak RSS on 10,000 sockets
// 151 → 133 MB, 20,000: 191 → 173 MB, at no measurable CPU cost. V8 reads it only at start.
// A 64 MiB initial heap: V8 otherwise starts with a small old-generation limit and runs a full
// mark-compact (~8 ms) on ~10 MB of live data in the middle of a 10,000-socket walk; with it,
// median of 9 alternating: 10,041 sockets `-at --json` 150 -> 144 ms, 20,041: 266 -> 257 ms;
// 100,042 and peak RSS unchanged (a limit, not memory taken).
// The build makes the bundle's code cache under these same flags: scripts/bundle.mjs reads them here.)
// Runs the bundled CLI (npm install builds dist/bundle through the "prepare" script), compiled
// from V8's code cache of it (bin/load-bundle.cjs). CommonJS (bin/package.json): an ES module
// entry point would start Node's ES module loader first (~7 ms) for nothing.
'use strict';
const { loadBundle } = require('./load-bundle.cjs');

// process.stdout and process.stderr as they are made: Node makes each on first use (its stream
// modules, ~3 ms), and the program writes with fs.writeSync (src/stdio.ts), so a run may never
// make them; exitWhenWritten() looks only at those that were.
const made = [];
for (const name of ['stdout', 'stderr']) {
  const d = Object.getOwnPropertyDescriptor(process, name);
  if (d?.get && d.configurable) {
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: d.enumerable,
      get() {
        const s = d.get.call(this);
        if (!made.includes(s)) made.push(s);
        return s;
      },
    });
  } else {
    made.push(process[name]);
  }
}

loadBundle()
  .main(process.argv.slice(2))
  .then(
    (code) => exitWhenWritten(code),
    (e) => {
      process.stderr.write(`xportshow: internal error: ${e?.stack ?? e}\n`);
      exitWhenWritten(70);
    },
  );

/** Exits once stdout and stderr hold nothing unwritten (what a non-blocking pipe did not take
 *  at once: src/stdio.ts hands it to the stream). Not left to Node's natural exit: that first
 *  waits for V8's background tasks still queued (optimizing compiles of functions that will never run
 *  again): 10-13 ms after the 10,041-socket `-at --json`, whose whole run then took 260 ms
 *  instead of 248 (median of 6). */
function exitWhenWritten(code) {
  process.exitCode = code;
  const pending = made.filter((s) => s.writableLength > 0);
  if (pending.length === 0) process.exit(code);
  let left = pending.length;
  for (const s of pending) s.once('drain', () => --left === 0 && process.exit(code));
}
