// The seeded mutation harness: damage copies of real fixtures (in a temp dir; the fixtures
// are read-only inputs), run each case in a child process with a timeout, and report
// failures with what reproduces them. `npm run fuzz -- --seed N --cases M [--budget SEC]`.

import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readSync, writeSync, closeSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findTargets, type Region, type Targets } from './targets.js';
import type { CaseReply, CaseRequest } from './child.js';
import { unpackZst } from '../support/unpack.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DUMPS = join(HERE, '../../dumps');

/** ELF, kdump in each compression, flattened. */
export const FUZZ_FIXTURES: { fixture: string; file: string }[] = [
  { fixture: 'bookworm-6.1', file: 'vmcore.kdump' }, // zlib
  { fixture: 'bullseye-5.10', file: 'vmcore.kdump' }, // lzo
  { fixture: 'bookworm-6.1', file: 'vmcore.snappy.kdump' },
  { fixture: 'trixie-6.12', file: 'vmcore.kdump' }, // zstd
  { fixture: 'bookworm-6.1', file: 'vmcore.flat' },
  { fixture: 'bookworm-6.1', file: 'vmcore.elf.zst' },
];

export interface FuzzCase {
  index: number;
  fixture: string;
  file: string;
  region: string;
  op: string;
  at: number;
  detectable: boolean;
}
export interface FuzzResult {
  seed: number;
  tried: number;
  failures: { c: FuzzCase; why: string[] }[];
  slowest: { c: FuzzCase; ms: number } | undefined;
  opened: number;
  ms: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Child {
  private proc: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  start(): Promise<void> {
    if (this.ready) return this.ready;
    this.proc = fork(join(HERE, 'child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.proc.stderr?.resume();
    const p = this.proc;
    return (this.ready = new Promise((res, rej) => {
      p.once('message', () => res());
      p.once('exit', (c) => rej(new Error(`fuzz child exited (${c}) before it was ready`)));
    }));
  }
  async run(req: CaseRequest, timeoutMs: number): Promise<CaseReply | 'timeout' | 'crash'> {
    await this.start();
    const p = this.proc!;
    return new Promise((res) => {
      const done = (r: CaseReply | 'timeout' | 'crash') => {
        clearTimeout(timer);
        p.off('message', onMsg);
        p.off('exit', onExit);
        if (r === 'timeout' || r === 'crash') this.kill();
        res(r);
      };
      const onMsg = (m: CaseReply) => m.id === req.id && done(m);
      const onExit = () => done('crash');
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      p.on('message', onMsg);
      p.on('exit', onExit);
      p.send(req);
    });
  }
  kill(): void {
    this.proc?.kill('SIGKILL');
    this.proc = undefined;
    this.ready = undefined;
  }
}

function patchFile(path: string, at: number, bytes: Buffer): Buffer {
  const fd = openSync(path, 'r+');
  const old = Buffer.alloc(bytes.length);
  const n = readSync(fd, old, 0, bytes.length, at);
  writeSync(fd, bytes, 0, n, at);
  closeSync(fd);
  return old.subarray(0, n);
}

export async function runFuzz(opts: {
  seed: number;
  cases?: number;
  budgetMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}): Promise<FuzzResult> {
  const t0 = performance.now();
  const rnd = mulberry32(opts.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'xportshow-fuzz-'));
  const child = new Child();
  const result: FuzzResult = { seed: opts.seed, tried: 0, failures: [], slowest: undefined, opened: 0, ms: 0 };
  try {
    const targets: (Targets & { work: string; file: string; src: string })[] = [];
    for (const f of FUZZ_FIXTURES) {
      let src = join(DUMPS, f.fixture, f.file);
      if (src.endsWith('.zst')) src = unpackZst(src);
      const work = join(dir, `${f.fixture}-${f.file.replace(/\.zst$/, '')}`);
      copyFileSync(src, work);
      targets.push({ ...findTargets(f.fixture, src), work, file: f.file, src });
    }
    const cut = join(dir, 'cut');
    const maxCases = opts.cases ?? Infinity;
    for (let i = 0; i < maxCases; i++) {
      if (opts.budgetMs !== undefined && performance.now() - t0 > opts.budgetMs) break;
      const t = targets[i % targets.length]!; // every format in turn
      const truncate = rnd() < 0.12;
      // A kind of region first (headers, bitmaps, BTF pages…), then one of that kind.
      const kinds = [...new Set(t.regions.map((r) => r.name))];
      const kind = pick(kinds);
      const region: Region = truncate ? { name: 'truncation', start: 0, end: t.size, detectable: true } : pick(t.regions.filter((r) => r.name === kind));
      const len = Math.max(1, region.end - region.start);
      const at = region.start + Math.floor(rnd() * len);
      let op: string;
      let bytes: Buffer;
      if (truncate) {
        op = 'truncate';
        bytes = Buffer.alloc(0);
      } else if (region.bitsOnly) {
        op = 'bit';
        bytes = Buffer.alloc(0);
      } else {
        op = pick(['bit', 'byte', 'word', 'qword', 'zeros', 'ones']);
        bytes = Buffer.alloc(0);
      }
      const c: FuzzCase = { index: i, fixture: t.fixture, file: t.file, region: region.name, op, at, detectable: region.detectable };
      let path = t.work;
      let restore: (() => void) | undefined;
      if (op === 'truncate') {
        copyFileSync(t.work, cut);
        truncateSync(cut, at);
        path = cut;
      } else {
        const old = Buffer.alloc(8);
        const fd = openSync(t.work, 'r');
        readSync(fd, old, 0, 8, at);
        closeSync(fd);
        if (op === 'bit') bytes = Buffer.from([old[0]! ^ (1 << Math.floor(rnd() * 8))]);
        else if (op === 'byte') bytes = Buffer.from([Math.floor(rnd() * 256)]);
        else if (op === 'word') bytes = Buffer.from([0, 0, 0, 0].map(() => Math.floor(rnd() * 256)));
        else if (op === 'qword') bytes = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0].map(() => Math.floor(rnd() * 256)));
        else if (op === 'zeros') bytes = Buffer.alloc(1 + Math.floor(rnd() * 64));
        else bytes = Buffer.alloc(1 + Math.floor(rnd() * 64), 0xff);
        if (bytes.equals(old.subarray(0, bytes.length))) bytes[0] = bytes[0]! ^ 0x80;
        const saved = patchFile(t.work, at, bytes);
        restore = () => patchFile(t.work, at, saved);
      }
      const reply = await child.run({ id: i, path, original: t.src, compare: c.detectable }, opts.timeoutMs ?? 60_000);
      restore?.();
      result.tried++;
      let why: string[] = [];
      if (reply === 'timeout') why = [`no answer within ${(opts.timeoutMs ?? 60_000) / 1000} s (hang)`];
      else if (reply === 'crash') why = ['the case process died'];
      else {
        why = reply.failures;
        if (reply.opened) result.opened++;
        if (!result.slowest || reply.ms > result.slowest.ms) result.slowest = { c, ms: reply.ms };
      }
      if (why.length) result.failures.push({ c, why });
      log(`${why.length ? 'FAIL' : 'ok  '} #${i} ${t.fixture}/${t.file} ${region.name} ${op}@${at}${why.length ? ': ' + why.join('; ').slice(0, 400) : ''}`);
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  result.ms = performance.now() - t0;
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const seed = arg('seed') ?? 1;
  const r = await runFuzz({ seed, cases: arg('cases') ?? 1000, budgetMs: arg('budget') !== undefined ? arg('budget')! * 1000 : undefined, log: (l) => console.log(l) });
  console.log(
    `seed ${r.seed}: ${r.tried} cases (${r.opened} opened), ${r.failures.length} failures, ${(r.ms / 1000).toFixed(0)} s; ` +
      `slowest: ${r.slowest ? `${r.slowest.ms.toFixed(0)} ms (#${r.slowest.c.index} ${r.slowest.c.fixture}/${r.slowest.c.file} ${r.slowest.c.region} ${r.slowest.c.op})` : '-'}`,
  );
  process.exitCode = r.failures.length ? 1 : 0;
}
