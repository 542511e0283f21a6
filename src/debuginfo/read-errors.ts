// Which errors of a read mean "this page cannot be read" (kallsyms.ts, kallsyms-seqs.ts).

import { InterruptedError } from '../dump/interrupt.js';

/** A page that could not be read (missing from the dump, unmapped, cut short): the reader's
 *  errors are plain Errors with a name. A stop asked for (Ctrl-C), or a bug (TypeError,
 *  RangeError…), is not one. */
export function isReadError(e: unknown): boolean {
  return e instanceof Error && !(e instanceof InterruptedError) && !(e instanceof TypeError) && !(e instanceof RangeError) && !(e instanceof ReferenceError);
}
