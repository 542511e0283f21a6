// npm run bench: cold-start figures for every fixture, each measured in a fresh Node process
// running the compiled tool (dist/): open (headers + VMCOREINFO, kallsyms, BTF), `-at --json`,
// a second `-at` from the session cache, pages read, peak RSS, CPU time. Also the big dumps
// under dumps/big/ (10,000, 20,000 and 100,000 TCP sockets; made by dumps/make-dump.sh
// --scenario big [--pairs N] when missing: needs root and qemu-system-x86_64;
// XPORTSHOW_BENCH_MAKE=0 skips making them).
//
// drgn, when installed (python3-drgn and the kernel's -dbg package, e.g.
// linux-image-6.1.0-56-amd64-dbg), runs ../shared/anchors/drgn_sockets.py's walk on the same
// .kdump in the same run, alternating with the CLI itself (bin/xportshow.js DUMP -at --json, output
// to /dev/null), each timed from spawn to exit: "cli ms", "drgn ms" and the ratio cli / drgn
// (wall and CPU). The bench runs without drgn. XPORTSHOW_BENCH_RUNS=N sets the runs per dump (default 3; median shown).
// 'import ms' and 'process ms' (node start to the first -at written) load the bundle with its
// code cache, as the CLI does; 'no cache' and 'no cache ms' are the same runs without it
// (XPORTSHOW_CODE_CACHE=0: nothing of ours made ahead of the run).

import { spawnSync } from 'node:child_process';
import { cliEnv, cliNodeFlags } from '../scripts/cli-start.mjs';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));
const drgnScript = fileURLToPath(new URL('./drgn_sockets.py', import.meta.url));
const runsPer = Math.max(1, Number(process.env.XPORTSHOW_BENCH_RUNS ?? 3));

// [dir, file, pairs for make-dump.sh --pairs (big dumps only), its suite (default bookworm)]
const fixtures = [
  ['bullseye-5.10', 'vmcore.kdump'],
  ['bookworm-6.1', 'vmcore.kdump'],
  ['bookworm-6.1', 'vmcore.flat'],
  ['trixie-6.12', 'vmcore.kdump'],
  ['big/bookworm-6.1-10k', 'vmcore.kdump', 5000],
  ['big/bookworm-6.1', 'vmcore.kdump', 10000],
  ['big/bookworm-6.1-100k', 'vmcore.kdump', 50000],
  // a kernel whose struct sock keeps its inode number (sk_ino): no socket_alloc page per ~5 sockets
  ['big/sid-7.2-10k', 'vmcore.kdump', 5000, 'sid'],
];

const canMake = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status === 0;
for (const [dir, file, pairs, suite = 'bookworm'] of fixtures) {
  if (pairs === undefined || existsSync(`${root}dumps/${dir}/${file}`)) continue;
  if (process.env.XPORTSHOW_BENCH_MAKE === '0' || !canMake) continue;
  console.error(`making the ${pairs * 2}-socket dump (dumps/make-dump.sh ${suite} --scenario big --pairs ${pairs}) ...`);
  spawnSync('bash', [`${root}dumps/make-dump.sh`, suite, '--scenario', 'big', '--pairs', String(pairs), '--out', `${root}dumps/${dir}`], { stdio: 'inherit' });
}

/** The vmlinux with DWARF for a dump's kernel release, if drgn and the -dbg package are here. */
function drgnSetup(dir) {
  if (process.env.XPORTSHOW_BENCH_DRGN === '0') return undefined;
  let release;
  try {
    release = JSON.parse(readFileSync(`${root}dumps/${dir}/meta.json`, 'utf8')).kernelRelease;
  } catch {
    return undefined;
  }
  const vmlinux = `/usr/lib/debug/boot/vmlinux-${release}`;
  if (!existsSync(vmlinux)) return undefined;
  if (spawnSync('/usr/bin/python3', ['-c', 'import drgn']).status !== 0) return undefined;
  return vmlinux;
}

/** One cold run of a command under /usr/bin/time: wall ms from spawn to exit (timed here, the same
 *  way for both tools), user+sys CPU ms and peak RSS MB from time(1); stdout to /dev/null unless
 *  `keep` (drgn's is one line, its socket count). */
function timedRun(cmd, args, keep = false) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '@@time %e %U %S %M', cmd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', keep ? 'pipe' : devNull, 'pipe'],
    maxBuffer: 1 << 20,
  });
  const wallMs = performance.now() - t0;
  const m = /@@time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) return undefined;
  const s = keep ? /sockets=(\d+)/.exec(r.stdout) : null;
  return { wallMs, cpuMs: (+m[2] + +m[3]) * 1000, rssMB: Math.round(+m[4] / 1024), sockets: s ? +s[1] : 0 };
}
const devNull = openSync('/dev/null', 'w');
const cli = fileURLToPath(new URL('../bin/xportshow.js', import.meta.url));

const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
let anyDrgn = false;
for (const [dir, file] of fixtures) {
  const path = `${root}dumps/${dir}/${file}`;
  if (!existsSync(path)) {
    console.error(`skip ${dir}/${file}: not present${dir.startsWith('big') ? ' (npm run bench makes it as root with qemu-system-x86 installed)' : ''}`);
    continue;
  }
  const runs = [];
  const uncached = []; // cold in the strict sense: without the bundle's code cache (bin/load-bundle.cjs)
  for (let i = 0; i < runsPer; i++) {
    for (const [list, cache] of [[runs, '1'], [uncached, '0']]) {
      // with the flags and environment bin/xportshow.js starts node with (its #! line)
      const env = cliEnv({ XPORTSHOW_CODE_CACHE: cache });
      const r = spawnSync(process.execPath, [...cliNodeFlags, child, path], { encoding: 'utf8', maxBuffer: 1 << 20, env });
      if (r.status !== 0) throw new Error(`${path}: ${r.stderr}`);
      list.push(JSON.parse(r.stdout));
    }
  }
  if (runs.some((x) => x.codeCache && x.codeCache !== 'used')) console.error(`${dir}/${file}: the bundle's code cache was not used (${runs[0].codeCache}): npm run build makes it`);
  const m = (key) => med(runs.map((x) => x[key]));
  const row = {
    dump: `${dir}/${file}`,
    'import ms': m('importMs'),
    'no cache': med(uncached.map((x) => x.importMs)),
    'open ms': m('openMs'),
    'syms ms': m('symbolsMs'),
    'btf ms': m('typesMs'),
    'tcp socks': runs[0].tcp,
    '-at --json ms': m('atMs'),
    'main cpu ms': m('mainAtMs'),
    'µs/sock': Math.round((m('atMs') * 1000) / Math.max(1, runs[0].tcp)),
    'cached -at ms': m('cachedMs'),
    'total ms': m('totalMs'),
    'process ms': m('processMs'),
    'no cache ms': med(uncached.map((x) => x.processMs)),
    'cpu ms': m('cpuMs'),
    pages: runs[0].pagesRead,
    'by worker': m('workerPages'),
    'RSS MB': m('rssMB'),
  };
  const vmlinux = file.endsWith('.kdump') ? drgnSetup(dir) : undefined;
  if (vmlinux) {
    // the CLI as a user runs it (bin/xportshow.js DUMP -at --json, output to /dev/null) and drgn,
    // alternating, each timed from spawn to exit
    const c = [];
    const d = [];
    for (let i = 0; i < runsPer; i++) {
      const x = timedRun(cli, [path, '-at', '--json']);
      if (x) c.push(x);
      const y = timedRun('/usr/bin/python3', [drgnScript, path, vmlinux], true);
      if (y) d.push(y);
    }
    if (c.length && d.length) {
      anyDrgn = true;
      const cw = med(c.map((x) => x.wallMs));
      const dw = med(d.map((x) => x.wallMs));
      row['cli ms'] = Math.round(cw);
      row['cli cpu'] = Math.round(med(c.map((x) => x.cpuMs)));
      row['cli MB'] = med(c.map((x) => x.rssMB));
      row['drgn ms'] = Math.round(dw);
      row['drgn cpu'] = Math.round(med(d.map((x) => x.cpuMs)));
      row['drgn MB'] = med(d.map((x) => x.rssMB));
      row['ratio'] = Math.round((cw / dw) * 100) / 100;
      row['cpu ratio'] = Math.round((row['cli cpu'] / row['drgn cpu']) * 100) / 100;
    }
  }
  rows.push(row);
}
console.table(rows);
if (!anyDrgn) console.error('drgn: not installed (python3-drgn and linux-image-<release>-dbg): no ratio');
else console.error('ratio = cli ms / drgn ms: bin/xportshow.js DUMP -at --json (every TCP socket with owners, as JSON) against drgn (open + walk ehash, lhash2, udp_table, no owners), each from spawn to exit, alternating; cpu ratio likewise for user+sys CPU');

// issue 9: -rv, -i, --arp after open (bench/host-views.mjs)
const { benchHostViews } = await import('./host-views.mjs');
benchHostViews(root);
