// The shell's side of src/dump/clock.ts (durations without perf_hooks) and src/dump/builtin.ts
// (Node modules loaded on first use): the shell reaches the layers below through views.
export { now } from '../dump/clock.js';
export { builtin } from '../dump/builtin.js';
