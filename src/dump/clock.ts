// Milliseconds for durations (the open's stages, a command's time, the Ctrl-C poll): from
// process.hrtime, not performance.now(), whose first use loads Node's perf_hooks (about ten
// internal modules, ~2 ms at start) for the same monotonic clock.

/** Milliseconds since an arbitrary start; only differences mean anything. */
export function now(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
