// xportshow: one-shot (`xportshow DUMP -at`), batch (commands on stdin or -c) or the
// interactive shell (a terminal on stdin). Timing goes to stderr so --json stays clean.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from './views/session.js';
import { runLine, runParsedLine, parseLine, userMessage } from './shell/dispatch.js';
import { VIEW_COMMANDS, commandWords as knownCommandWords } from './shell/registry.js';
import { OPTIONS, optionHelp, requestedViews, type ParsedLine } from './shell/options.js';
import { parseArgs } from 'node:util';
import { now } from './dump/clock.js';
import { isTerminal, terminalWidth, writeErr, writeOut, writeOutBytes } from './stdio.js';

/** Views that read the socket tables (kernel/open.ts prefetchEarly). */
const SOCKET_VIEWS = new Set(['sockets', 'pid', 'program', 'summary', 'everything']);

/** This file's directory: src/ (tsx) or dist/bundle/ (the bundle defines import.meta.dirname).
 *  Paths, not URLs: the first URL made costs ~0.5 ms at start (node:url's classes). */
const HERE = import.meta.dirname ?? dirname(fileURLToPath(import.meta.url));

let root: string | undefined;
/** The package root (where package.json is), with a trailing slash; found on first use. */
function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = HERE;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return (root = `${dir}/`);
    dir = dirname(dir);
  }
  return (root = `${dirname(HERE)}/`);
}

/** The bundled dump, opened without a DUMP argument. */
export function defaultDump(): string {
  return `${packageRoot()}dumps/bookworm-6.1/vmcore.kdump`;
}

function version(): string {
  return JSON.parse(readFileSync(`${packageRoot()}package.json`, 'utf8')).version;
}

function usage(): string {
  return [
    'Usage: xportshow [DUMP] [options] [COMMAND [ARGS]]',
    '',
    'Shows the networking state held in a Linux kernel crash dump (ELF vmcore or',
    'makedumpfile kdump-compressed), as netstat/ss/ip would have on the machine.',
    'Without COMMAND or view options it opens the interactive shell (or reads commands',
    'from stdin when that is not a terminal). Without DUMP it opens the bundled dump.',
    '',
    'Options:',
    ...optionHelp((view) => VIEW_COMMANDS[view] !== undefined),
    "  (* not available yet in this version)",
    '',
    'Commands: info, sym, struct, rd, help ... (`xportshow DUMP help` lists them all)',
  ].join('\n');
}

/** Time line as the seed prints it, on stderr. */
function timing(ms: number, cpu0: NodeJS.CpuUsage): string {
  const cpu = process.cpuUsage(cpu0);
  return `** Execution took ${(ms / 1000).toFixed(2)}s (real) ${((cpu.user + cpu.system) / 1e6).toFixed(2)}s (CPU)`;
}

function isDumpPath(w: string | undefined): w is string {
  if (!w) return false;
  try {
    return statSync(w).isFile();
  } catch {
    return false;
  }
}

/** Names dumps are saved under: makedumpfile's and QEMU's suffixes, crash's vmcore*. */
const DUMP_NAME = /(^|\/)vmcore[^/]*$|\.(kdump|elf|flat|qemu-flat|core|zst|dump)$/i;

/** Why the first word, which is not a readable dump file, cannot be the dump it looks like
 *  (undefined: it is not meant as a dump — a command word, a symbol, a number). */
export function dumpPathProblem(w: string | undefined, commands: readonly string[]): string | undefined {
  if (w === undefined || commands.includes(w)) return undefined;
  let st;
  try {
    st = statSync(w);
  } catch {
    return w.includes('/') || DUMP_NAME.test(w) ? `${w}: no such file` : undefined;
  }
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return `${w}: is a directory, not a dump file`;
  const what = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'not a regular file';
  return `${w}: ${what}, not a dump file (xportshow reads a dump file, not a stream)`;
}

/** The first positional word of argv, options and their values skipped (tolerant: a command's
 *  own options are not known here). */
function dumpCandidate(argv: string[]): string | undefined {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const o of OPTIONS) options[o.name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: false }).positionals[0];
  } catch {
    return argv.find((w) => !w.startsWith('-'));
  }
}

export async function main(argv: string[]): Promise<number> {
  // The dump is the first word that is not an option (or an option's value); the rest is one
  // command line, parsed once (a command word takes its own options: `sym -q X`).
  const first = dumpCandidate(argv);
  let dumpPath: string;
  let rest = argv;
  if (isDumpPath(first)) {
    dumpPath = first;
    rest = [...argv];
    rest.splice(argv.indexOf(first), 1);
  } else {
    const problem = dumpPathProblem(first, knownCommandWords());
    if (problem) {
      writeErr(`xportshow: ${problem}\n`);
      return 2;
    }
    dumpPath = defaultDump();
  }
  let parsed: ParsedLine;
  try {
    parsed = parseLine(rest);
  } catch (e) {
    writeErr(`xportshow: ${userMessage(e)}\n`);
    return 2;
  }
  const o = parsed.options;
  if (o.help && parsed.positionals.length === 0) {
    writeOut(usage() + '\n');
    return 0;
  }
  if (o.version) {
    writeOut(`xportshow ${version()}\n`);
    return 0;
  }
  // Options that belong to opening, not to a command.
  const openOpts = { systemMap: o['system-map'] as string | undefined, btf: o.btf as string | undefined, vmlinux: o.vmlinux as string | undefined };
  const interactive =
    parsed.positionals.length === 0 && requestedViews(parsed).length === 0 && o.command === undefined && !o.help;

  const cpu0 = process.cpuUsage();
  const t0 = now();
  const progress = interactive && isTerminal(2);
  let session: Session;
  try {
    session = Session.open(dumpPath, {
      ...openOpts,
      // The decoding worker (src/dump/prefetch.ts) only when asked for: on two cores it competes
      // with V8's own background threads (concurrent GC, optimizing compiler), and measured idle,
      // median of 5, the 10,041-socket `-at --json` took 331 ms without it and 378 ms with it
      // (CPU 520 against 660 ms); 20,041 sockets 507 against 545 ms; 100,042 about equal.
      prefetch: process.env.XPORTSHOW_PREFETCH === '1',
      // a command that reads the socket tables: the worker starts while opening, for many sockets
      prefetchEarly: !interactive && requestedViews(parsed).some((v) => SOCKET_VIEWS.has(v)),
      onProgress: progress ? (m) => writeErr(`\r\x1b[K${m}…`) : undefined,
    });
    if (progress) writeErr('\r\x1b[K');
  } catch (e) {
    writeErr(`xportshow: ${userMessage(e)}\n`);
    return 1;
  }

  try {
    if (o.command !== undefined) return runBatch(session, String(o.command).split(';'));
    if (!interactive) {
      // the output goes out as it is rendered, in chunks: never one string of it all
      const r = runParsedLine(session, parsed, undefined, { write: toStdout, writeBytes: bytesToStdout, width: terminalWidth() });
      if (r.error) {
        writeErr(`xportshow: ${r.error}\n`);
        return 1;
      }
      for (const w of r.warnings ?? []) writeErr(`xportshow: ${w}\n`);
      writeErr(timing(now() - t0, cpu0) + '\n');
      return 0;
    }
    if (!process.stdin.isTTY) {
      const input = readFileSync(0, 'utf8');
      return runBatch(session, input.split('\n'));
    }
    const { runShell } = await loadShell();
    await runShell(session);
    return 0;
  } finally {
    session.close();
  }
}

/** The interactive shell's module. Its ES-only package (ink) is imported first: in the CommonJS
 *  bundle (scripts/bundle.mjs) the shell's modules take it from that import. */
async function loadShell(): Promise<typeof import('./shell/app.js')> {
  await import('ink');
  return import('./shell/app.js');
}

/** A chunk of output to stdout, written as it comes (src/stdio.ts). */
function toStdout(chunk: string): void {
  writeOut(chunk);
}

/** A chunk of bytes to stdout (src/stdio.ts); true when the stream kept it to write later. */
function bytesToStdout(chunk: Uint8Array): boolean {
  return writeOutBytes(chunk);
}

function runBatch(session: Session, lines: string[]): number {
  let status = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const cpu0 = process.cpuUsage();
    const r = runLine(session, line, { write: toStdout, writeBytes: bytesToStdout, width: terminalWidth() });
    if (r.quit) break;
    if (r.error) {
      writeErr(`xportshow: ${line}: ${r.error}\n`);
      status = 1;
      continue;
    }
    if (r.lines.length) writeOut(r.lines.join('\n') + '\n');
    for (const w of r.warnings ?? []) writeErr(`xportshow: ${line}: ${w}\n`);
    writeErr(timing(r.ms, cpu0) + '\n');
  }
  return status;
}


// Run when executed directly (`tsx src/cli.ts`); bin/xportshow.js imports main() itself.
if (process.argv[1] && (import.meta.filename ?? fileURLToPath(import.meta.url)) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
