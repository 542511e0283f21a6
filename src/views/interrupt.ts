// Ctrl-C for the shell: the views' side of src/dump/interrupt.ts.
export { withInterrupt, interruptRequested, INTERRUPTED_TEXT } from '../dump/interrupt.js';
