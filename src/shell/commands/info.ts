// `info`: what this dump is and where its symbols and types came from.

import type { Session } from '../../views/session.js';
import type { DumpInfo } from '../../views/inspect.js';
import type { Command } from '../command.js';
import { GAP } from '../../views/table.js';

export type { DumpInfo };

export function dumpInfo(s: Session): DumpInfo {
  return s.inspect.info();
}

/** The one-line banner the shell shows after opening. */
export function banner(i: DumpInfo): string {
  return `${i.release} ${i.machine}, ${i.cpus ?? GAP} CPUs, ${i.description}, up ${formatUptime(i.uptimeSec)}` +
    (i.incomplete ? ' [INCOMPLETE DUMP]' : '') +
    (i.problems.length ? ` [DAMAGED: ${i.problems.length} thing${i.problems.length > 1 ? 's' : ''} unreadable, see info]` : '');
}

export function formatUptime(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return GAP;
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = Math.floor(sec % 60);
  return d ? `${d}d ${h}h ${m}m` : h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${(sec).toFixed(1)}s`;
}

export const infoCommand: Command = {
  name: 'info',
  options: [],
  synopsis: 'info',
  summary: 'dump format, kernel release, CPUs, pages, KASLR offset, symbol and type sources',
  examples: ['info', 'info --json'],
  run(s) {
    const i = dumpInfo(s);
    const lines = [
      `dump:       ${i.path}`,
      `format:     ${i.description}${i.incomplete ? '  (the dump says it is INCOMPLETE)' : ''}`,
      `kernel:     Linux ${i.release} ${i.machine}  ${i.version}`,
      `node:       ${i.nodename}`,
      `cpus:       ${i.cpus ?? GAP}`,
      `pages:      ${i.pagesPresent} present, ${i.pagesExcluded} excluded (${i.pageSize}-byte pages)`,
      `kaslr:      offset ${i.kaslrOffset}`,
      `build-id:   ${i.buildId ?? '(not in VMCOREINFO)'}`,
      `symbols:    ${i.symbols}`,
      `types:      ${i.types}`,
      `uptime:     ${formatUptime(i.uptimeSec)} (HZ=${i.hz ?? GAP})`,
      `time:       ${i.crashTime ?? GAP}`,
      `opened in:  ${i.openMs} ms`,
      ...i.problems.map((p) => `!! ${p}`),
    ];
    return { kind: 'text', lines, data: i };
  },
};
