// Ctrl-C during a long command: the walk stops at its next page read, the shell prints what
// was listed with an "interrupted" mark and is back at the prompt; the tables built half-way
// are forgotten, so the next command lists everything. One-shot mode: SIGINT ends the process.
import { afterAll, describe, expect, it } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { App } from '../../src/shell/app.js';
import { Session } from '../../src/views/session.js';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureDir, allTcp } from '../support/truth.js';
import { fixtureTruth } from '../support/fixtures.js';
import { settle as settleFor } from '../support/ink.js';

const settle = (lastFrame: () => string | undefined) => settleFor(lastFrame, 40, 8000);
const PATH = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
const MARK = '-- interrupted (Ctrl-C): the output above is incomplete --';

describe('Ctrl-C', () => {
  const truth = fixtureTruth('bookworm-6.1');
  const allRows = truth.netns.reduce((n, ns) => n + allTcp(ns).length, 0);
  afterAll(() => cleanup());

  it('a command asked to stop ends with one mark; JSON is refused rather than cut', () => {
    const s = Session.open(PATH);
    const r = runLine(s, '-at', { interrupt: () => true });
    expect(r.error).toBeUndefined();
    expect(r.lines.at(-1)).toBe(MARK);
    expect(r.lines.filter((l) => /interrupted by Ctrl-C/.test(l))).toEqual([]);
    const j = runLine(s, '-at --json', { interrupt: () => true });
    expect(j.error).toBe('interrupted (Ctrl-C)');
    // nothing half-built was kept: the same command without Ctrl-C lists every socket
    const full = runLine(s, '-at --json');
    expect(JSON.parse(full.lines.join('\n'))).toHaveLength(allRows);
    s.close();
  });

  it('in the shell: back at the prompt with the output marked, and the next command whole', async () => {
    const s = Session.open(PATH);
    let pressed = 1; // one Ctrl-C, pressed while the first command runs
    const { stdin, lastFrame } = render(<App session={s} historyFile={null} interrupt={() => pressed-- > 0} />);
    await settle(lastFrame);
    stdin.write('-at\r');
    await settle(lastFrame);
    expect(lastFrame()).toContain(MARK);
    expect(lastFrame()).toMatch(/xportshow>\s*$/);
    stdin.write('-at\r');
    await settle(lastFrame);
    expect(Number(/↓ to browse (\d+) rows/.exec(lastFrame()!)?.[1])).toBe(allRows);
    s.close();
  });

  it('one-shot: SIGINT ends a long run at once (status 130 in the shell)', async () => {
    const line = Array(300).fill('reload; -av; --summary; log; nft; interfaces').join('; ');
    const cli = join(fixtureDir('bookworm-6.1'), '../../src/cli.ts');
    const p = spawn(process.execPath, ['--import', 'tsx', cli, PATH, '-c', line], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = 0;
    p.stdout.on('data', (d: Buffer) => {
      out += d.length;
    });
    // once it is listing (opened, output flowing), press Ctrl-C
    while (out === 0 && p.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const sent = performance.now();
    p.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => p.on('exit', (c, sg) => r([c, sg])));
    // Killed by SIGINT, as POSIX tools are (a calling shell sees 130 and stops its script too).
    expect(signal === 'SIGINT' || code === 130).toBe(true);
    expect(performance.now() - sent).toBeLessThan(3000);
  }, 60_000);
});
