// The dump layer: dump files (ELF vmcore, kdump-compressed, flattened, /proc/kcore) as
// physical pages. Everything above imports from here.
export { openDump, type OpenOptions } from './open.js';
export { vmcoreinfoValue } from './notes.js';
export * from './types.js';
