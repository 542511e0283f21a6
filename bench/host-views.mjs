// The `ip` side of the tool after open (issue 9): time of `-rv`, `-i` and `--arp` on each
// fixture, each first run after open (cold: pages decompressed, tables walked), in a fresh
// process per fixture (median of 3). Aim: each under 50 ms. `node bench/host-views.mjs DUMP`
// is the measuring child; run.mjs calls benchHostViews().

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const FIXTURES = ['bullseye-5.10', 'bookworm-6.1', 'trixie-6.12', 'bullseye-5.10-host', 'bookworm-6.1-host', 'trixie-6.12-host', 'sid-7.2-host'];
const LINES = ['-rv', '-i', '--arp'];

export function benchHostViews(root) {
  const rows = [];
  for (const dir of FIXTURES) {
    const path = `${root}dumps/${dir}/vmcore.kdump`;
    if (!existsSync(path)) continue;
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, [self, path], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${path}: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout));
    }
    const med = (key) => runs.map((x) => x[key]).sort((a, b) => a - b)[1];
    rows.push({ dump: dir, ...Object.fromEntries(LINES.map((l) => [`${l} ms`, med(l)])), routes: runs[0].routes, devices: runs[0].devices, neighbours: runs[0].neighbours });
  }
  console.log('ip views after open (cold, each first run; aim < 50 ms):');
  console.table(rows);
  benchEveryView(root);
}

// Every view of issues 9-11 after open, per host fixture: cold = the first run in a fresh
// session opened for that view alone (pages, BTF merges and tables all made then), warm = the
// same line again in that session. One process per fixture (median of 3 processes).
const HOSTS = ['bullseye-5.10-host', 'bookworm-6.1-host', 'trixie-6.12-host', 'sid-7.2-host'];
export const VIEWS = ['-rv', '-i', '--arp', '-s', '--sysctl', '--softnet', '--devpack', 'log', '--summary', '--netfilter', 'conntrack', 'nft', 'iptables'];

export function benchEveryView(root, reps = 3) {
  for (const dir of HOSTS) {
    const path = `${root}dumps/${dir}/vmcore.kdump`;
    if (!existsSync(path)) continue;
    const runs = [];
    for (let i = 0; i < reps; i++) {
      const r = spawnSync(process.execPath, [self, '--every', path], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${path}: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout));
    }
    const med = (v, k) => runs.map((x) => x[v][k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    console.log(`${dir}: each view after open, ms (cold: fresh session; warm: second run; aim < 100, ip views < 50):`);
    console.table(VIEWS.map((v) => ({ view: v, cold: med(v, 'cold'), warm: med(v, 'warm') })));
  }
}

async function measureEvery(path) {
  // BENCH_BUNDLE: another build's bench-entry.js, to compare two builds on one machine.
  const entry = process.env.BENCH_BUNDLE ?? '../dist/bundle/bench-entry.js';
  const { Session, runLine, prepareDecoders } = await import(entry);
  await prepareDecoders?.(); // a bundle from before zstd's decoder loaded synchronously
  const out = {};
  const ms = (t0) => Math.round((performance.now() - t0) * 10) / 10;
  for (const line of VIEWS) {
    const s = Session.open(path);
    let t0 = performance.now();
    const r = runLine(s, line);
    if (r.error) throw new Error(`${line}: ${r.error}`);
    const cold = ms(t0);
    t0 = performance.now();
    runLine(s, line);
    out[line] = { cold, warm: ms(t0) };
    s.close?.();
  }
  process.stdout.write(JSON.stringify(out));
}

if (process.argv[1] === self && process.argv[2] === '--every') {
  await measureEvery(process.argv[3]);
} else if (process.argv[1] === self && process.argv[2]) {
  const { Session, runLine, prepareDecoders } = await import('../dist/bundle/bench-entry.js');
  await prepareDecoders?.();
  const s = Session.open(process.argv[2]);
  const out = {};
  for (const line of LINES) {
    const t0 = performance.now();
    const r = runLine(s, line);
    if (r.error) throw new Error(`${line}: ${r.error}`);
    out[line] = Math.round((performance.now() - t0) * 10) / 10;
  }
  out.routes = s.tables.routes4().rows.length + s.tables.routes6().rows.length;
  out.devices = s.tables.interfaces().rows.length;
  out.neighbours = s.tables.neighbours().rows.length;
  process.stdout.write(JSON.stringify(out));
}
