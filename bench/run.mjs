// npm run bench: cold-start figures for every fixture, each measured in a fresh Node process
// running the compiled tool (dist/): open (headers + VMCOREINFO, kallsyms, BTF), `-at`, a
// second `-at` from the session cache, pages read, peak RSS. Also the 20,000-socket dump
// (dumps/big/, made by dumps/make-dump.sh when missing: needs root and qemu-system-x86_64;
// XPORTSHOW_BENCH_MAKE=0 skips making it).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));

const fixtures = [
  ['bullseye-5.10', 'vmcore.kdump'],
  ['bookworm-6.1', 'vmcore.kdump'],
  ['bookworm-6.1', 'vmcore.flat'],
  ['trixie-6.12', 'vmcore.kdump'],
  ['big/bookworm-6.1', 'vmcore.kdump'],
];

const big = `${root}dumps/big/bookworm-6.1/vmcore.kdump`;
const canMake = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status === 0;
if (!existsSync(big) && process.env.XPORTSHOW_BENCH_MAKE !== '0' && canMake) {
  console.error('making the 20,000-socket dump (dumps/make-dump.sh bookworm --scenario big) ...');
  spawnSync('bash', [`${root}dumps/make-dump.sh`, 'bookworm', '--scenario', 'big', '--out', `${root}dumps/big/bookworm-6.1`], { stdio: 'inherit' });
}

const rows = [];
for (const [dir, file] of fixtures) {
  const path = `${root}dumps/${dir}/${file}`;
  if (!existsSync(path)) {
    console.error(`skip ${dir}/${file}: not present${dir.startsWith('big') ? ' (npm run bench makes it as root with qemu-system-x86 installed)' : ''}`);
    continue;
  }
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, [child, path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${path}: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout));
  }
  const med = (key) => runs.map((x) => x[key]).sort((a, b) => a - b)[1];
  rows.push({
    dump: `${dir}/${file}`,
    'open ms': med('openMs'),
    'hdr ms': med('headersMs'),
    'syms ms': med('symbolsMs'),
    'btf ms': med('typesMs'),
    'tcp socks': runs[0].tcp,
    '-at ms': med('atMs'),
    'µs/sock': Math.round((med('atMs') * 1000) / Math.max(1, runs[0].tcp)),
    'cached -at ms': med('cachedMs'),
    'total ms': med('totalMs'),
    pages: runs[0].pagesRead,
    'RSS MB': med('rssMB'),
  });
}
console.table(rows);

// issue 9: -rv, -i, --arp after open (bench/host-views.mjs)
const { benchHostViews } = await import('./host-views.mjs');
benchHostViews(root);
