// The truth file as a whole: its sections, the fixture directories, and `Truth` built from them.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNetnsList, type NetnsTruth } from './netns.js';
import { parseProcesses, type ProcessTruth } from './processes.js';

export interface UnameTruth {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  /** `uname -a` */
  all: string;
}

export interface FixtureMeta {
  suite: string;
  scenario?: string;
  kernelRelease: string;
  debVersion: string;
  compression: string;
  guestMemMiB: number;
  cpus: number;
  buildId: string;
  files: Record<string, { bytes: number; sha256: string }>;
  [k: string]: unknown;
}

export interface Truth {
  dir: string;
  scenario: string;
  release: string;
  uname: UnameTruth;
  cpus: number;
  /** /proc/uptime first field when the truth started / ended printing */
  uptime: number;
  uptimeEnd: number;
  /** `date +%s` in the guest */
  epoch: number;
  /** jiffies from /proc/timer_list, if it was available */
  jiffies?: bigint;
  /** kernel command line */
  cmdline: string;
  /** netns[0] is init_net */
  netns: NetnsTruth[];
  processes: ProcessTruth[];
  /** net.* sysctls of init_net */
  sysctl: Map<string, string>;
  /** raw text of every section, by its full name ("net.init.tcp", "uname.r", "proc.164", ...) */
  sections: Map<string, string>;
  /** meta.json next to truth.txt, if present */
  meta?: FixtureMeta;
}

/** Split a truth file into its sections. */
export function parseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let buf: string[] = [];
  for (const line of text.replace(/\r/g, '').split('\n')) {
    if (line.startsWith('@@@ BEGIN ')) {
      name = line.slice(10);
      buf = [];
    } else if (line.startsWith('@@@ END ') && name !== undefined) {
      sections.set(name, buf.join('\n'));
      name = undefined;
    } else if (name !== undefined) {
      buf.push(line);
    }
  }
  return sections;
}

/** Parse truth text (without reading any file). */
export function parseTruth(text: string, dir = ''): Truth {
  if (!text.startsWith('@@@ XPORTSHOW-TRUTH v1')) throw new Error('not an xportshow truth file');
  const sections = parseSections(text);
  const one = (k: string): string => (sections.get(k) ?? '').trim();
  const netns = parseNetnsList(sections);
  const jf = /jiffies:\s*(\d+)/.exec(sections.get('jiffies') ?? '');
  const cpus = Number(one('nproc'));
  return {
    dir,
    scenario: one('scenario') || 'default',
    release: one('uname.r'),
    uname: {
      sysname: one('uname.s'),
      nodename: one('uname.n'),
      release: one('uname.r'),
      version: one('uname.v'),
      machine: one('uname.m'),
      all: one('uname.a'),
    },
    cpus: Number.isFinite(cpus) && cpus > 0 ? cpus : Number(one('cpuinfo.processors')),
    uptime: Number(one('uptime').split(/\s+/)[0]),
    uptimeEnd: Number(one('uptime.end').split(/\s+/)[0]),
    epoch: Number(one('date.epoch')),
    ...(jf ? { jiffies: BigInt(jf[1]!) } : {}),
    cmdline: one('cmdline'),
    netns,
    processes: parseProcesses(sections),
    sysctl: netns.find((n) => n.isInit)?.sysctl ?? new Map(),
    sections,
  };
}

/** Load `<dir>/truth.txt` (and `<dir>/meta.json` when present). */
export function loadTruth(dir: string): Truth {
  const truth = parseTruth(readFileSync(join(dir, 'truth.txt'), 'utf8'), dir);
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) truth.meta = JSON.parse(readFileSync(metaPath, 'utf8')) as FixtureMeta;
  return truth;
}

/** Fixture directories committed in the repo (absolute paths), newest kernel last. */
export const FIXTURE_NAMES = ['bullseye-5.10', 'bookworm-6.1', 'trixie-6.12'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** Absolute path of dumps/<name> relative to this file (test/support/truth/ -> ../../../dumps). */
export function fixtureDir(name: FixtureName | string): string {
  return join(fileURLToPath(new URL('../../../dumps/', import.meta.url)), name);
}
