// One cold measurement, in its own process: open DUMP, run -at twice, print JSON figures.
const t0 = performance.now();
const { Session, runLine, prepareDecoders } = await import('../dist/bundle/bench-entry.js');
await prepareDecoders();
const tImport = performance.now();
const s = Session.open(process.argv[2]);
const tOpen = performance.now();
const a = runLine(s, '-at');
const tAt = performance.now();
const b = runLine(s, '-at');
const tCached = performance.now();
if (a.error || b.error) throw new Error(a.error ?? b.error);
const round = (x) => Math.round(x * 10) / 10;
process.stdout.write(JSON.stringify({
  importMs: round(tImport - t0),
  openMs: round(tOpen - tImport),
  headersMs: round(s.kernel.openTimings.headersMs),
  symbolsMs: round(s.kernel.openTimings.symbolsMs),
  typesMs: round(s.kernel.openTimings.typesMs),
  atMs: round(tAt - tOpen),
  cachedMs: round(tCached - tAt),
  totalMs: round(tAt - t0 + performance.timeOrigin - performance.timeOrigin),
  tcp: s.tables.sockets('tcp').rows.length,
  pagesRead: s.kernel.dump.stats.pagesRead,
  rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
