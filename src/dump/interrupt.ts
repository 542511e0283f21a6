// Stopping a long command (Ctrl-C in the shell). Node runs a walk synchronously on its one
// thread, so no key or signal handler can run until it ends: instead every page read (all
// memory a walker touches comes through BaseDump.page) counts down, and every 2048 reads,
// at most every 50 ms, asks the installed source whether the user asked to stop. From then
// on every read throws InterruptedError: walks end quickly with a marked line each, and the
// command's output so far is shown as interrupted (src/shell/dispatch.ts).

import { now } from './clock.js';

export class InterruptedError extends Error {
  constructor() {
    super('interrupted by Ctrl-C');
    this.name = 'InterruptedError';
  }
}

export const INTERRUPTED_TEXT = 'interrupted by Ctrl-C';

const state = {
  poll: undefined as (() => boolean) | undefined,
  requested: false,
  countdown: 0,
  lastPoll: 0,
};

/** Run `f` with `poll` asked from time to time whether to stop; returns f's value and
 *  whether it was interrupted (the flag is cleared again). */
export function withInterrupt<T>(poll: (() => boolean) | undefined, f: () => T): { value: T; interrupted: boolean } {
  const saved = state.poll;
  state.poll = poll;
  state.requested = false;
  state.countdown = 0;
  state.lastPoll = 0; // the first page read asks at once
  try {
    const value = f();
    return { value, interrupted: state.requested };
  } finally {
    state.poll = saved;
    state.requested = false;
  }
}

/** Run `f` without stopping for Ctrl-C (a read that must finish, such as a symbol lookup
 *  outside a walk); a stop asked before or during it still stops the next read after it. */
export function withoutInterrupt<T>(f: () => T): T {
  const saved = state.poll;
  state.poll = undefined;
  try {
    return f();
  } finally {
    state.poll = saved;
  }
}

/** Called on every page read: cheap unless a source is installed. */
export function checkInterrupt(): void {
  if (state.poll === undefined) return;
  if (state.requested) throw new InterruptedError();
  if (--state.countdown > 0) return;
  state.countdown = 2048;
  const t = now();
  if (t - state.lastPoll < 50) return;
  state.lastPoll = t;
  if (state.poll()) {
    state.requested = true;
    throw new InterruptedError();
  }
}

/** Whether a stop was asked in the current withInterrupt (for callers that catch everything). */
export function interruptRequested(): boolean {
  return state.requested;
}
