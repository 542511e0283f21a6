// `info`: what this dump is and where its symbols and types came from.

import { text } from '../../report/model.js';
import { utsname, onlineCpus } from '../../kernel/uts.js';
import { kernelClock } from '../../kernel/time.js';
import { osRelease, buildId } from '../../debuginfo/vmcoreinfo.js';
import type { Command } from '../command.js';
import type { Session } from '../session.js';

export interface DumpInfo {
  path: string;
  format: string;
  description: string;
  release: string;
  version: string;
  machine: string;
  nodename: string;
  cpus: number;
  pageSize: number;
  pagesPresent: number;
  pagesExcluded: number;
  incomplete: boolean;
  kaslrOffset: string;
  buildId: string | undefined;
  symbols: string;
  types: string;
  hz: number;
  uptimeSec: number;
  crashTime: string | undefined;
  openMs: number;
}

export function dumpInfo(s: Session): DumpInfo {
  return s.cached('info', () => {
    const k = s.kernel;
    const uts = utsname(k);
    const pages = k.dump.pageCounts();
    const clock = kernelClock(k);
    return {
      path: s.path,
      format: k.dump.format,
      description: k.dump.description,
      release: uts.release || osRelease(k.info) || '?',
      version: uts.version,
      machine: uts.machine,
      nodename: uts.nodename,
      cpus: onlineCpus(k),
      pageSize: k.dump.pageSize,
      pagesPresent: pages.present,
      pagesExcluded: pages.excluded,
      incomplete: k.dump.incomplete,
      kaslrOffset: '0x' + k.kaslrOffset.toString(16),
      buildId: buildId(k.info),
      symbols: k.sources.symbols,
      types: k.sources.types,
      hz: clock.hz,
      uptimeSec: Math.round(clock.uptimeSec * 100) / 100,
      crashTime: clock.wallTime?.toISOString(),
      openMs: Math.round(s.openMs),
    };
  });
}

/** The one-line banner the shell shows after opening. */
export function banner(i: DumpInfo): string {
  return `${i.release} ${i.machine}, ${i.cpus} CPUs, ${i.description}, up ${formatUptime(i.uptimeSec)}` +
    (i.incomplete ? ' [INCOMPLETE DUMP]' : '');
}

export function formatUptime(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = Math.floor(sec % 60);
  return d ? `${d}d ${h}h ${m}m` : h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${(sec).toFixed(1)}s`;
}

export const infoCommand: Command = {
  name: 'info',
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
      `cpus:       ${i.cpus}`,
      `pages:      ${i.pagesPresent} present, ${i.pagesExcluded} excluded (${i.pageSize}-byte pages)`,
      `kaslr:      offset ${i.kaslrOffset}`,
      `build-id:   ${i.buildId ?? '(not in VMCOREINFO)'}`,
      `symbols:    ${i.symbols}`,
      `types:      ${i.types}`,
      `uptime:     ${formatUptime(i.uptimeSec)} (HZ=${i.hz})`,
      `time:       ${i.crashTime ?? '?'}`,
      `opened in:  ${i.openMs} ms`,
    ];
    return { kind: 'text', lines, data: i };
  },
};
