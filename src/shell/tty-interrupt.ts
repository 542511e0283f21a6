// Ctrl-C while a command runs in the shell. ink keeps the terminal in raw mode, so Ctrl-C is
// a byte (0x03) waiting on the terminal, not a signal; and a walk runs synchronously, so ink
// cannot read it. The walk asks this poll now and then (src/dump/interrupt.ts): it reads
// what was typed from a non-blocking descriptor of the terminal of its own. Other keys typed
// during the command are handed back to ink afterwards (type-ahead is kept).

import { closeSync, constants, openSync, readSync } from 'node:fs';

export interface TtyInterrupt {
  poll: () => boolean;
  /** Keys read while polling that were not Ctrl-C, to give back to the input. */
  takeTypeAhead: () => Buffer;
  close: () => void;
}

export function ttyInterrupt(path = '/dev/tty'): TtyInterrupt | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(256);
  let kept: Buffer[] = [];
  return {
    poll() {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch {
        return false; // EAGAIN: nothing typed
      }
      const got = buf.subarray(0, n);
      const at = got.indexOf(3);
      if (at < 0) {
        kept.push(Buffer.from(got));
        return false;
      }
      kept.push(Buffer.from(got.subarray(0, at)));
      return true;
    },
    takeTypeAhead() {
      const all = Buffer.concat(kept);
      kept = [];
      return all;
    },
    close() {
      closeSync(fd);
    },
  };
}
