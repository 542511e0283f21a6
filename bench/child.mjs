// One cold measurement, in its own process: open DUMP, run `-at --json` (written to /dev/null,
// as the CLI writes it), then `-at` again from the session cache; print JSON figures.
import { openSync, readFileSync, writeSync } from 'node:fs';

const t0 = performance.now();
// as bin/xportshow.js loads it: with the bundle's code cache, unless XPORTSHOW_CODE_CACHE=0
const { Session, runLine, runParsedLine, parseLine, prepareDecoders, mayHoldZstd, codeCache } = await import('../dist/bundle/bench-entry.js');
// as the CLI of a bundle from before zstd's decoder loaded synchronously (src/dump/zstd.ts):
// its async zstd-wasm package (~15 ms) only for a dump that may hold zstd pages
if (prepareDecoders && (!mayHoldZstd || mayHoldZstd(process.argv[2]))) await prepareDecoders();
const tImport = performance.now();
// as the CLI: no decoding worker unless XPORTSHOW_PREFETCH=1 (src/cli.ts); =eager: the worker
// starts at opening (src/dump/base.ts)
const pf = process.env.XPORTSHOW_PREFETCH;
// as the CLI opens it for `-at` (a socket view: prefetchEarly, src/kernel/open.ts)
const s = Session.open(process.argv[2], { prefetch: pf === 'eager' ? 'eager' : pf === '1', prefetchEarly: true });
const tOpen = performance.now();
// The main thread's own CPU time (Linux: its schedstat, in ns), without V8's background threads
// and the time other processes hold the core: steadier than atMs on a busy machine (a few ms
// apart from run to run where atMs is a hundred).
const mainCpuMs = () => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
};
const mainAt0 = mainCpuMs();
const sink = openSync('/dev/null', 'w');
// as the one-shot CLI runs it: runParsedLine writing the output as it is rendered, in chunks
// (a bundle from before `write` returns lines instead, written here whole as that CLI did)
const write = (chunk) => writeSync(sink, chunk);
// JSON as bytes of a reused buffer, as the CLI gives them (a bundle from before takes `write`)
const writeBytes = (chunk) => {
  writeSync(sink, chunk);
  return false;
};
const a = runParsedLine && parseLine ? runParsedLine(s, parseLine(['-at', '--json']), undefined, { write, writeBytes, wholeJson: true }) : runLine(s, '-at --json');
if (a.lines.length) writeSync(sink, a.lines.join('\n') + '\n');
const tAt = performance.now();
const mainAt1 = mainCpuMs();
const cpuAt = process.cpuUsage();
const b = runLine(s, '-at', { write });
if (b.lines.length) writeSync(sink, b.lines.join('\n') + '\n');
const tCached = performance.now();
if (a.error || b.error) throw new Error(a.error ?? b.error);
const cpu = process.cpuUsage();
const round = (x) => Math.round(x * 10) / 10;
process.stdout.write(JSON.stringify({
  importMs: round(tImport - t0),
  // 'used', 'off' (XPORTSHOW_CODE_CACHE=0, or no cache file) or 'rejected' (other V8 flags)
  codeCache: codeCache ?? 'none',
  openMs: round(tOpen - tImport),
  headersMs: round(s.kernel.openTimings.headersMs),
  symbolsMs: round(s.kernel.openTimings.symbolsMs),
  typesMs: round(s.kernel.openTimings.typesMs),
  atMs: round(tAt - tOpen),
  // the main thread's CPU time in that first -at (NaN where /proc has no schedstat)
  mainAtMs: round(mainAt1 - mainAt0),
  cachedMs: round(tCached - tAt),
  // from this module's start to the first -at written; processMs adds Node's own start-up
  totalMs: round(tAt - t0),
  processMs: round(tAt),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  // CPU of the cached `-at` alone: steadier than its wall time on a busy machine
  cachedCpuMs: round((cpu.user + cpu.system - cpuAt.user - cpuAt.system) / 1000),
  tcp: s.tables.sockets('tcp').rows.length,
  pagesRead: s.kernel.dump.stats.pagesRead,
  // of which decoded ahead by the prefetch worker (src/dump/prefetch.ts)
  workerPages: s.kernel.dump.prefetchStats?.taken ?? 0,
  rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
