// `reload`: forget every parsed table; the next command walks the dump again.

import { text } from '../../report/model.js';
import type { Command } from '../command.js';

export const reloadCommand: Command = {
  name: 'reload',
  options: [],
  synopsis: 'reload',
  summary: 'drop the cached tables (sockets, tasks, ...) so the next command re-reads the dump',
  run(s) {
    const n = s.reload();
    return text(`dropped ${n} cached table${n === 1 ? '' : 's'}`);
  },
};
