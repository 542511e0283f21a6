// The one-shot command line as a script would use it: exit codes, stdout/stderr split, --json,
// option prefixes, clear one-line errors for bad input.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureDir } from './support/truth.js';
import { fixtureTruth } from './support/fixtures.js';

const DUMP = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8',
    input: input ?? '',
    cwd: join(import.meta.dirname, '..'),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('xportshow one-shot', () => {
  it('--version and -h', () => {
    expect(run(['--version']).out).toMatch(/^xportshow \d+\.\d+\.\d+/);
    const h = run(['-h']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('--program=PROGRAM');
    expect(h.out).toContain('-t, --tcp');
  });

  it('-at --json prints clean JSON on stdout and the timing on stderr', () => {
    const r = run([DUMP, '-at', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out);
    const truth = fixtureTruth('bookworm-6.1');
    const listen = rows.find((x: { state: string; local: string }) => x.state === 'LISTEN' && x.local === '0.0.0.0:8080');
    expect(listen).toMatchObject({ proto: 'tcp', remote: '0.0.0.0:0', netns: truth.netns[0].inode });
    expect(listen.owners.map((o: { comm: string }) => o.comm)).toContain('websrv');
    expect(listen.sock).toMatch(/^0xffff/);
    expect(r.err).toMatch(/\*\* Execution took [\d.]+s \(real\)/);
  });

  it('long options by unique prefix; ambiguous ones are refused with the candidates', () => {
    const r = run([DUMP, '--prog', 'websrv']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('-----PID=164 COMM=websrv');
    const a = run([DUMP, '--s']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/ambiguous option --s: could be .*--softnet.*--summary/);
  });

  it('views not built yet say so instead of printing a table', () => {
    const r = run([DUMP, '--devpack']);
    expect(r.out).toContain('--devpack: not available yet');
  });

  it('batch commands from stdin and -c', () => {
    const r = run([DUMP], 'info\n-l -t\nnosuchcmd\n');
    expect(r.out).toContain('kernel:     Linux 6.1.0-56-amd64');
    expect(r.out).toContain('LISTEN');
    expect(r.err).toContain("unknown command 'nosuchcmd'");
    expect(r.code).toBe(1);
    const d = run([DUMP, '-c', '--summary; -lt --json']);
    expect(d.code).toBe(0);
    expect(d.out).toContain('TCP Connection Info');
    expect(d.out).toContain('"state": "LISTEN"');
    const c = run([DUMP, '-c', 'ps | grep websrv']);
    expect(c.out.trim().split('\n').every((l) => l.includes('websrv'))).toBe(true);
  });

  it('a file that is not a dump gets one clear line and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xps-'));
    const f = join(dir, 'notadump');
    writeFileSync(f, 'hello world, this is not a vmcore'.repeat(10));
    const r = run([f, 'info']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/notadump: .*not/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a truncated dump opens, lists what it still holds, and marks what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xps-'));
    const cut = join(dir, 'cut.kdump');
    // keep 97%: headers, bitmaps, descriptors and most pages; the last pages (here the kernel's
    // data with tcp_hashinfo and init_net) are gone, as when a copy was cut short
    const size = Math.floor(statSync(DUMP).size * 0.97);
    const buf = Buffer.alloc(size);
    const fd = openSync(DUMP, 'r');
    readSync(fd, buf, 0, size, 0);
    closeSync(fd);
    writeFileSync(cut, buf);
    const r = run([cut, '-a']);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.some((l) => l.startsWith('!! ') && l.includes('not in the dump (truncated'))).toBe(true);
    // the UDP sockets whose pages survived are still listed, exactly as the guest saw them
    const truth = fixtureTruth('bookworm-6.1');
    const udp = truth.netns[0].udp.map((u) => u.local);
    expect(udp.filter((l) => lines.some((x) => x.includes(` ${l} `))).length).toBeGreaterThan(3);
  });
});
