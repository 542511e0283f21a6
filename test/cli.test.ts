// The one-shot command line as a script would use it: exit codes, stdout/stderr split, --json,
// option prefixes, clear one-line errors for bad input.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureDir } from './support/truth.js';
import { fixtureTruth } from './support/fixtures.js';
import { expectRowsMatchTruth } from './support/match.js';
import { cutCopy } from './support/cut-dump.js';

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
    const websrv = fixtureTruth('bookworm-6.1').processes.filter((p) => p.comm === 'websrv');
    expect(websrv).toHaveLength(1);
    expect(r.out).toContain(`-----PID=${websrv[0]!.pid} COMM=websrv`);
    const a = run([DUMP, '--s']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/ambiguous option --s: could be .*--softnet.*--summary/);
  });


  it('batch commands from stdin and -c', () => {
    const r = run([DUMP], 'info\n-l -t\nnosuchcmd\n');
    expect(r.out).toContain(`kernel:     Linux ${fixtureTruth('bookworm-6.1').release} `);
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
    // keep 97%: headers, bitmaps, descriptors and most pages; the last pages (here the kernel's
    // data with tcp_hashinfo and init_net) are gone, as when a copy was cut short
    const cut = cutCopy(DUMP, 0.97);
    const r = run([cut, '-a']);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.some((l) => l.startsWith('!! ') && l.includes('not in the dump (truncated'))).toBe(true);
    // the UDP tables' pages survived: every UDP socket of every netns is listed as the guest saw it
    const truth = fixtureTruth('bookworm-6.1');
    const udp = truth.netns.flatMap((ns) => (['udp', 'udp6', 'udplite', 'udplite6'] as const).flatMap((p) => ns[p].map((u) => ({ ...u, proto: p }))));
    const listed = lines.filter((l) => /^udp/.test(l)).map((l) => {
      // Proto Recv-Q Send-Q Local Foreign [State] Inode ...
      const t = l.trim().split(/\s+/);
      return { proto: t[0], rxQueue: Number(t[1]), local: t[3], inode: Number(/^\d+$/.test(t[5]!) ? t[5] : t[6]) };
    });
    expectRowsMatchTruth(listed, udp, ['proto', 'rxQueue', 'local', 'inode'], 'UDP of the truncated dump');
  });
});
