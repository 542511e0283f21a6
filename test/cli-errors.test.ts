// The one-shot command line when something is wrong: a dump path that is no dump, a namespace
// that is not there, a view that is not built, a reader that closed the pipe. One clear line
// on stderr, a non-zero status (and stdout left clean for --json).

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTcp, fixtureDir } from './support/truth.js';
import { fixtureTruth } from './support/fixtures.js';

const DUMP = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
const ROOT = join(import.meta.dirname, '..');

function run(args: string[], input = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', input, cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('dump paths that are not dumps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xps-path-'));
  const cases: [string, RegExp][] = [
    [dir, /is a directory/],
    ['/dev/null', /character device, not a dump file/],
    [join(dir, 'x'), /no such file/],
    ['gone.kdump', /no such file/],
    ['vmcore.202612', /no such file/],
    ['vmcore', /no such file/],
  ];
  for (const [path, says] of cases) {
    it(`${path}: one line that says what it is`, () => {
      const r = run([path, '-at']);
      expect(r.code).not.toBe(0);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path);
      expect(lines[0]).toMatch(says);
      expect(lines[0]).not.toContain('unknown command');
    });
  }

  it('a word that is a command is still a command', () => {
    const r = run([DUMP, 'frobnicate']);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });
});

describe('--netns of a namespace the dump does not hold', () => {
  const truth = fixtureTruth('bookworm-6.1');
  const inodes = truth.netns.map((n) => n.inode);

  it('says so, lists the namespaces there are, rc != 0 (sockets, bind, netns, --json)', () => {
    for (const args of [['--netns', '123', '-at'], ['--netns', '123', '-at', '--json'], ['bind', '--netns', '123'], ['netns', '123']]) {
      const r = run([DUMP, ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/123: no network namespace/);
      for (const ino of inodes) expect(lines[0]).toContain(String(ino));
    }
  });

  it('a namespace that is there still lists its sockets', () => {
    const r = run([DUMP, '--netns', String(inodes[1]), '-at', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { netns: number }[];
    expect(rows.length).toBe(allTcp(truth.netns[1]).length);
    expect(rows.every((x) => x.netns === inodes[1])).toBe(true);
  });
});
