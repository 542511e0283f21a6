// Every view on one dump, as users run them: each alone in a fresh process (cold: open + that
// view, as `xportshow DUMP <opts>` runs it) and all of them one after another in one session
// (as `-c 'cmd1; cmd2; …'` runs them). Per view: wall ms, CPU ms, pages decoded, peak RSS (cold
// in a session: the peak so far, after that view). Not run by the tests; after `npm run build`:
//   node bench/views.mjs [--reps=N] [--only=REGEX] [--cold|--session] DUMP...
// prints one table per dump. `sock {sock}`, `pid {pid}`, `files {pid}` take a TCP socket and the
// process holding the most sockets, found by a probe process first.
import { spawnSync } from 'node:child_process';
import { cliEnv, cliNodeFlags } from '../scripts/cli-start.mjs';
import { openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

export const VIEWS = [
  '-at', '-au', '-aw', '-ax', '--packet', '--netlink', '-l', '-ate', '-ato', '--info',
  '--summary', '--count=port', '--count=state', '--sort=remote -at', '-at --tcpstate=LISTEN', '--port=22',
  '--retransonly', '-s', '-i', '-iv', '-r', '-rv', 'rules', 'rtcache', 'nexthop', '--arp', '--arp -v',
  '--sysctl', '--netfilter', 'conntrack', 'nft', 'iptables', '--softnet', '--devpack', 'bind', 'ps',
  'ps -a', 'netns', 'log', 'pid {pid}', 'files {pid}', 'sock {sock}', 'info', 'modules',
];

function withJson(v) {
  return [v, `${v} --json`];
}

async function bundle() {
  const m = await import(process.env.BENCH_BUNDLE ?? '../dist/bundle/bench-entry.js');
  await m.prepareDecoders?.(); // a bundle from before zstd's decoder loaded synchronously
  return m;
}

function sinkWriter() {
  const fd = openSync('/dev/null', 'w');
  return (chunk) => writeSync(fd, chunk);
}

const cpuMs = (c) => (c.user + c.system) / 1000;
const round = (x) => Math.round(x * 10) / 10;

/** Cold child: open as the CLI does, run one line the way a one-shot run does. */
async function cold(path, line) {
  const t0 = performance.now();
  const { Session, runParsedLine, parseLine } = await bundle();
  const s = Session.open(path, { prefetch: process.env.XPORTSHOW_PREFETCH === '1' });
  const write = sinkWriter();
  const tv = performance.now();
  const pages0 = s.kernel.dump.stats.pagesRead;
  const r = runParsedLine(s, parseLine(line.split(/\s+/)), undefined, { write });
  if (r.error) throw new Error(`${line}: ${r.error}`);
  if (r.lines.length) write(r.lines.join('\n') + '\n');
  const t1 = performance.now();
  const out = {
    ms: round(t1 - t0),
    viewMs: round(t1 - tv),
    cpuMs: Math.round(cpuMs(process.cpuUsage())),
    pages: s.kernel.dump.stats.pagesRead,
    viewPages: s.kernel.dump.stats.pagesRead - pages0,
    rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  s.close();
  return out;
}

/** Session child: every line in turn in one session, as batch mode runs them. */
async function session(path, lines) {
  const { Session, runLine } = await bundle();
  const s = Session.open(path, { prefetch: process.env.XPORTSHOW_PREFETCH === '1' });
  const write = sinkWriter();
  const out = {};
  for (const line of lines) {
    const c0 = process.cpuUsage();
    const p0 = s.kernel.dump.stats.pagesRead;
    const t0 = performance.now();
    const r = runLine(s, line, { write });
    if (r.error) throw new Error(`${line}: ${r.error}`);
    if (r.lines.length) write(r.lines.join('\n') + '\n');
    out[line] = { ms: round(performance.now() - t0), cpuMs: Math.round(cpuMs(process.cpuUsage(c0))), pages: s.kernel.dump.stats.pagesRead - p0, peakMB: Math.round(process.resourceUsage().maxRSS / 1024) };
  }
  out['(session)'] = { rssMB: Math.round(process.resourceUsage().maxRSS / 1024), pages: s.kernel.dump.stats.pagesRead };
  s.close();
  return out;
}

async function probe(path) {
  const { Session } = await bundle();
  const s = Session.open(path);
  const tcp = s.tables.sockets('tcp').rows;
  const sock = tcp[tcp.length >> 1]?.sock ?? 0n;
  let pid = 1;
  let most = -1;
  const idx = s.tables.owners();
  for (const t of idx.tasks) {
    const n = idx.byPid.count(t.pid);
    if (n > most) [pid, most] = [t.pid, n];
  }
  return { sock: `0x${sock.toString(16)}`, pid };
}

function child(args) {
  // as bin/xportshow.js's #! line starts node
  const r = spawnSync(process.execPath, [...cliNodeFlags, self, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: cliEnv() });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function main(argv) {
  const opt = (name, dflt) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
  const reps = Number(opt('reps', 3));
  const only = new RegExp(opt('only', '.'));
  const modes = argv.includes('--cold') ? ['cold'] : argv.includes('--session') ? ['session'] : ['cold', 'session'];
  for (const path of argv.filter((a) => !a.startsWith('--'))) {
    const p = child(['--child-probe', path]);
    // rows are labelled with the template ("pid {pid}"): tables of different dumps line up
    const labels = VIEWS.flatMap(withJson).filter((l) => only.test(l));
    const lines = labels.map((l) => l.replace('{pid}', p.pid).replace('{sock}', p.sock));
    const label = Object.fromEntries(lines.map((l, i) => [l, labels[i]]));
    const rows = Object.fromEntries(labels.map((l) => [l, {}]));
    if (modes.includes('cold')) {
      for (const l of lines) {
        const runs = Array.from({ length: reps }, () => child(['--child-cold', path, l]));
        for (const k of ['ms', 'viewMs', 'cpuMs', 'viewPages', 'rssMB']) rows[label[l]][`cold ${k}`] = median(runs.map((r) => r[k]));
      }
    }
    if (modes.includes('session')) {
      const runs = Array.from({ length: reps }, () => child(['--child-session', path, JSON.stringify(lines)]));
      for (const l of lines) for (const k of ['ms', 'cpuMs', 'pages', 'peakMB']) rows[label[l]][`sess ${k}`] = median(runs.map((r) => r[l][k]));
      console.log(`${path}: session peak RSS ${median(runs.map((r) => r['(session)'].rssMB))} MB, pages ${median(runs.map((r) => r['(session)'].pages))}`);
    }
    console.log(`${path}: pid {pid} = ${p.pid}, sock {sock} = ${p.sock}`);
    console.log(`${path} (median of ${reps}; cold = fresh process, ms from module start; sess = in one session, in this order)`);
    console.table(rows);
  }
}

const [mode, path, arg] = process.argv.slice(2);
if (process.argv[1] === self) {
  // the child processes' modes: apart from the user's --cold/--session (`views.mjs --session DUMP`)
  if (mode === '--child-cold') process.stdout.write(JSON.stringify(await cold(path, arg)));
  else if (mode === '--child-session') process.stdout.write(JSON.stringify(await session(path, JSON.parse(arg))));
  else if (mode === '--child-probe') process.stdout.write(JSON.stringify(await probe(path)));
  else main(process.argv.slice(2));
}
