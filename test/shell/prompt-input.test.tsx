// The prompt over a real dump (dumps/bookworm-6.1): no keystroke is lost when keys arrive
// faster than ink re-renders, typing narrows an open completion menu, -h/--help/--version
// and `help --port` answer, and browsing after `| grep` walks the rows the grep kept.
import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { App, packageVersion } from '../../src/shell/app.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp, initNetns } from '../support/truth.js';
import { settle as settleFor, tick } from '../support/ink.js';

const settle = (lastFrame: () => string | undefined) => settleFor(lastFrame, 40, 5000);

/** The live prompt line (the last line starting with the prompt). */
function promptLine(frame: string | undefined): string {
  const lines = (frame ?? '').split('\n');
  return lines[lines.findLastIndex((l) => l.startsWith('xportshow>'))] ?? '';
}

afterEach(() => cleanup());

describe('prompt input on dumps/bookworm-6.1', () => {
  const session = fixtureSession('bookworm-6.1');
  const truth = fixtureTruth('bookworm-6.1');

  it('text and Enter as two quick key events: the line runs, every time', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    for (let i = 0; i < 4; i++) {
      stdin.write('info');
      stdin.write('\r');
      await settle(lastFrame);
    }
    const frame = lastFrame()!;
    expect(frame.split('\n').filter((l) => /^xportshow> info\s*$/.test(l))).toHaveLength(4);
    expect(frame.split('\n').filter((l) => l.startsWith(`kernel:     Linux ${truth.release}`))).toHaveLength(4);
    expect(frame).not.toMatch(/^xportshow>\s*\n\*\* Execution/m);
  });

  it('keys one by one faster than a re-render: none lost', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    for (const ch of 'help sym') stdin.write(ch);
    stdin.write('\r');
    await settle(lastFrame);
    expect(lastFrame()).toContain('xportshow> help sym');
    expect(lastFrame()).toContain('look up a kernel symbol');
  });

  it('typing while the completion menu is open narrows it', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    stdin.write('--p');
    await tick();
    stdin.write('\t');
    await settle(lastFrame);
    expect(promptLine(lastFrame())).toContain('--packet');
    stdin.write('r');
    await settle(lastFrame);
    let frame = lastFrame()!;
    expect(promptLine(frame)).toMatch(/^xportshow> --pr\s*$/);
    expect(frame).toMatch(/^\s+--program\s*$/m);
    expect(frame).not.toMatch(/^\s+--pid\s*$/m);
    stdin.write('\t'); // the one left goes in, finished
    await settle(lastFrame);
    expect(promptLine(lastFrame())).toMatch(/^xportshow> --program\s*$/);

    // a value: `--pid ` Tab, then a digit keeps only the PIDs that begin with it
    const pids = truth.processes.map((p) => String(p.pid));
    const digit = pids.find((p) => p.length > 1)![0];
    stdin.write('\u0015'); // Ctrl-U
    await tick();
    stdin.write('--pid ');
    await tick();
    stdin.write('\t');
    await settle(lastFrame);
    stdin.write(digit);
    await settle(lastFrame);
    frame = lastFrame()!;
    expect(promptLine(frame)).toMatch(new RegExp(`^xportshow> --pid ${digit}\\s*$`));
    const listed = frame.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l));
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.every((p) => p.startsWith(digit) && pids.includes(p))).toBe(true);
  });

  it('-h, --help and --version answer at the prompt; help --port explains the option', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    for (const line of ['-h', '--help', '--version', 'help --port', 'help -t']) {
      stdin.write(line + '\r');
      await settle(lastFrame);
    }
    const frame = lastFrame()!;
    expect(frame).not.toContain('needs a view option');
    expect(frame).not.toMatch(/argument missing|requires an argument/i);
    expect(frame.split('\n').filter((l) => l === 'Commands:')).toHaveLength(2);
    expect(frame).toMatch(new RegExp(`^xportshow ${packageVersion().replace(/\./g, '\\.')}$`, 'm'));
    expect(frame).toMatch(/^--port=PORT\s*$/m);
    expect(frame).toContain('limit output to the specified port');
    expect(frame).toMatch(/^-t, --tcp\s*$/m);
  });

  it('after `CMD | grep X`, ↓ browses the rows the grep kept', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    const listeners = truth.netns.flatMap((ns) => allTcp(ns)).filter((r) => r.state === 'LISTEN');
    stdin.write('-at | grep LISTEN\r');
    await settle(lastFrame);
    expect(lastFrame()).toContain(`↓ to browse ${listeners.length} rows`);
    stdin.write('\u001B[B');
    await settle(lastFrame);
    const frame = lastFrame()!;
    expect(frame).toContain(`row 1/${listeners.length}`);
    const shown = frame.split('\n').filter((l) => /^[› ] tcp/.test(l));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((l) => l.includes('LISTEN'))).toBe(true);
    expect(initNetns(truth).tcp.some((r) => r.state === 'ESTABLISHED')).toBe(true);
  });
});
