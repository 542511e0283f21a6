import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/shell/app.js';
import { runLine, type LineResult } from '../../src/shell/dispatch.js';
import { registerOpener } from '../../src/shell/drill.js';
import type { Output, TableOutput } from '../../src/report/model.js';
import type { Session } from '../../src/views/session.js';
import { settle, tick } from '../support/ink.js';

// `help` and unknown commands never read the dump, so a stand-in Session runs them through
// the real dispatcher; the browse tests use a fake runner with real-looking socket rows.
const session = { path: '/dumps/test/vmcore.kdump' } as unknown as Session;
const banner = ['xportshow 0.1.0 — /dumps/test/vmcore.kdump', '6.1.0-test x86_64, 2 CPUs'];

const KEY = {
  enter: '\r',
  tab: '\t',
  shiftTab: '\u001B[Z',
  up: '\u001B[A',
  down: '\u001B[B',
  esc: '\u001B',
  backspace: '\u007F',
  ctrlU: '\u0015',
};


async function type(stdin: { write(s: string): void }, ...keys: string[]) {
  for (const k of keys) {
    stdin.write(k);
    await tick();
  }
}

/**
 * The live prompt line of a frame: the last line starting with the prompt (echoes of earlier
 * commands also do, but the live prompt comes after them), or '' in browse mode.
 */
function promptLine(frame: string | undefined): string {
  const lines = (frame ?? '').split('\n');
  const at = lines.findLastIndex((l) => l.startsWith('xportshow>'));
  if (at < 0) return '';
  // In browse mode the last such line is an echo with the browser drawn below it.
  if (lines.slice(at + 1).some((l) => /^(row \d+\/\d+|↑↓)/.test(l))) return '';
  return lines[at];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xportshow-shell-'));
});
afterEach(() => {
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('App prompt', () => {
  it('shows the banner, runs help and prints the command list with the timing line', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    expect(lastFrame()).toContain('xportshow 0.1.0 — /dumps/test/vmcore.kdump');
    await type(stdin, 'help', KEY.enter);
    await settle(lastFrame);
    const frame = lastFrame()!;
    expect(frame).toContain('xportshow> help');
    expect(frame).toContain('Commands:');
    expect(frame).toMatch(/^  struct +print a struct from memory/m);
    expect(frame).toMatch(/\*\* Execution took \d+\.\d\ds \(real\)/);
    expect(promptLine(frame).trim()).toBe('xportshow>');
  });

  it('shows an unknown command as one red line and keeps the prompt', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    await type(stdin, 'frobnicate', KEY.enter);
    await settle(lastFrame);
    const frame = lastFrame()!;
    const errors = frame.split('\n').filter((l) => l.includes('frobnicate') && !l.startsWith('xportshow>'));
    expect(errors).toEqual(["unknown command 'frobnicate' (try: help)"]);
    // The session goes on.
    await type(stdin, 'help info', KEY.enter);
    await settle(lastFrame);
    expect(lastFrame()).toContain('dump format, kernel release');
  });

  it('survives a runner that throws', async () => {
    const run = (): LineResult => {
      throw new TypeError('boom at 0xffff888001234000');
    };
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} run={run} />);
    await settle(lastFrame);
    await type(stdin, 'anything', KEY.enter);
    await settle(lastFrame);
    expect(lastFrame()).toContain('TypeError: boom at 0xffff888001234000');
    expect(promptLine(lastFrame()).trim()).toBe('xportshow>');
  });
});

describe('App input bursts and leaving', () => {
  it('runs a line typed in one burst with its Enter, and each line of a paste', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    stdin.write('help rd\r');
    await settle(lastFrame);
    expect(lastFrame()).toContain('xportshow> help rd');
    expect(lastFrame()).toMatch(/^rd .*ADDR/m);
    stdin.write('help sym\nhelp info\nhel');
    await settle(lastFrame);
    const frame = lastFrame()!;
    expect(frame).toContain('xportshow> help sym');
    expect(frame).toContain('xportshow> help info');
    expect(frame).toContain('dump format, kernel release');
    expect(promptLine(frame)).toContain('xportshow> hel');
  });

  it('treats a Tab inside a burst as completion', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    stdin.write('hel\t');
    await settle(lastFrame);
    expect(promptLine(lastFrame())).toMatch(/^xportshow> help\s*$/);
    expect(lastFrame()).not.toContain('\t');
  });

  it('quit and Ctrl-D on an empty line leave; nothing runs afterwards', async () => {
    for (const leave of [['quit', KEY.enter], ['\u0004']]) {
      const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
      await settle(lastFrame);
      await type(stdin, ...leave);
      await settle(lastFrame);
      await type(stdin, 'help', KEY.enter);
      await settle(lastFrame);
      expect(lastFrame()).not.toContain('Commands:');
      cleanup();
    }
  });

  it('Ctrl-D on a non-empty line does not insert a letter, Ctrl-U clears the line', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    await type(stdin, 'help', '\u0004');
    expect(promptLine(lastFrame())).toMatch(/^xportshow> help\s*$/);
    await type(stdin, KEY.ctrlU);
    expect(promptLine(lastFrame()).trim()).toBe('xportshow>');
  });

  it('Ctrl-C clears the line, and on an empty line only says how to leave', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    await type(stdin, 'help', '\u0003');
    expect(promptLine(lastFrame()).trim()).toBe('xportshow>');
    await type(stdin, '\u0003');
    expect(lastFrame()).toContain("(to leave: 'quit' or Ctrl-D)");
    await type(stdin, 'help', KEY.enter);
    await settle(lastFrame);
    expect(lastFrame()).toContain('Commands:');
  });
});

describe('App completion', () => {
  it('Tab shows candidates, Tab again cycles, Esc restores what was typed', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    await type(stdin, '--p', KEY.tab);
    let frame = lastFrame()!;
    expect(promptLine(frame)).toContain('xportshow> --packet');
    expect(frame).toMatch(/^\s+--pid$/m);
    expect(frame).toMatch(/^\s+--port$/m);
    expect(frame).toContain('1/4');
    await type(stdin, KEY.tab);
    frame = lastFrame()!;
    expect(promptLine(frame)).toContain('xportshow> --pid');
    expect(frame).toContain('2/4');
    await type(stdin, KEY.shiftTab, KEY.shiftTab);
    expect(promptLine(lastFrame())).toContain('xportshow> --program');
    await type(stdin, KEY.esc);
    frame = lastFrame()!;
    expect(promptLine(frame)).toContain('xportshow> --p');
    expect(promptLine(frame)).not.toContain('--packet');
    expect(frame).not.toMatch(/^\s+--pid$/m);
  });

  it('a unique completion leaves the cursor at the end, so typing goes after it', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} />);
    await settle(lastFrame);
    await type(stdin, 'hel', KEY.tab);
    expect(promptLine(lastFrame())).toContain('xportshow> help');
    await type(stdin, 'sym', KEY.enter);
    await settle(lastFrame);
    const frame = lastFrame()!;
    expect(frame).toContain('xportshow> help sym');
    expect(frame).toContain('look up a kernel symbol by name');
  });
});

describe('App history', () => {
  it('↑ recalls earlier commands, ↓ comes back; they are appended to the history file', async () => {
    const file = join(dir, 'state', 'xportshow', 'history');
    const { stdin, lastFrame } = render(<App session={session} historyFile={file} banner={banner} />);
    await settle(lastFrame);
    await type(stdin, 'help', KEY.enter);
    await settle(lastFrame);
    await type(stdin, 'help sym', KEY.enter);
    await settle(lastFrame);
    await type(stdin, KEY.up);
    expect(promptLine(lastFrame())).toContain('xportshow> help sym');
    await type(stdin, KEY.up);
    expect(promptLine(lastFrame()).trimEnd()).toBe('xportshow> help');
    await type(stdin, KEY.down);
    expect(promptLine(lastFrame())).toContain('xportshow> help sym');
    await type(stdin, KEY.down);
    expect(promptLine(lastFrame()).trim()).toBe('xportshow>');
    expect(readFileSync(file, 'utf8')).toBe('help\nhelp sym\n');
  });

  it('loads the history file at start, and !! repeats the last command', async () => {
    const file = join(dir, 'history');
    writeFileSync(file, 'info\nhelp rd\n');
    const { stdin, lastFrame } = render(<App session={session} historyFile={file} banner={banner} />);
    await settle(lastFrame);
    await type(stdin, KEY.up);
    expect(promptLine(lastFrame())).toContain('xportshow> help rd');
    await type(stdin, KEY.ctrlU, '!!', KEY.enter);
    await settle(lastFrame);
    const frame = lastFrame()!;
    expect(frame).toContain('xportshow> help rd');
    expect(frame).toMatch(/^rd .*ADDR/m);
    // The repeat is stored as what it ran (and not twice in a row).
    expect(readFileSync(file, 'utf8')).toBe('info\nhelp rd\n');
  });
});

// ---- browse mode ------------------------------------------------------------------------

function sockTable(): TableOutput {
  const rows = [
    ['tcp', '127.0.0.1:9165', '0.0.0.0:*', 'LISTEN', 0xffff888001234000n],
    ['tcp', '10.0.2.15:22', '10.0.2.2:51234', 'ESTABLISHED', 0xffff888001235000n],
    ['tcp', '10.0.2.15:22', '10.0.2.2:51240', 'ESTABLISHED', 0xffff888001236000n],
  ] as const;
  return {
    kind: 'table',
    columns: [
      { key: 'proto', title: 'Proto' },
      { key: 'local', title: 'Local Address' },
      { key: 'remote', title: 'Foreign Address' },
      { key: 'state', title: 'State' },
    ],
    rows: rows.map(([proto, local, remote, state, address]) => ({
      cells: { proto, local, remote, state },
      data: { local, remote, state },
      ref: { kind: 'sock' as const, address },
    })),
  };
}

function sockDetail(address: bigint): Output {
  const row = sockTable().rows.find((r) => r.ref?.kind === 'sock' && r.ref.address === address)!;
  return {
    kind: 'group',
    parts: [
      { kind: 'text', lines: [`sock 0x${address.toString(16)}`, `state ${row.cells.state}`] },
      {
        kind: 'table',
        title: 'owners:',
        columns: [
          { key: 'pid', title: 'PID' },
          { key: 'comm', title: 'COMMAND' },
        ],
        rows: [
          { cells: { pid: '5827', comm: 'sshd' }, data: {}, ref: { kind: 'task', pid: 5827 } },
          { cells: { pid: '1', comm: 'systemd' }, data: {}, ref: { kind: 'task', pid: 1 } },
        ],
      },
    ],
  };
}

registerOpener('sock', (_s, ref) => {
  if (ref.kind !== 'sock') throw new Error('not a sock');
  const row = sockTable().rows.find((r) => r.ref?.kind === 'sock' && r.ref.address === ref.address)!;
  return { title: row.cells.local, output: sockDetail(ref.address) };
});
registerOpener('task', (_s, ref) => {
  if (ref.kind !== 'task') throw new Error('not a task');
  const comm = ref.pid === 1 ? 'systemd' : 'sshd';
  return { title: `pid ${ref.pid} ${comm}`, output: { kind: 'text', lines: [`PID: ${ref.pid}  COMMAND: "${comm}"`, 'files: 3 sockets'] } };
});

function fakeRun(line: string): LineResult {
  if (line === 'tcp') {
    const output = sockTable();
    return { output, lines: ['(rendered)'], ms: 3 };
  }
  return runLine(session, line);
}

describe('App browse mode', () => {
  it('offers to browse the rows of the last table and opens rows level by level', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} run={fakeRun} />);
    await settle(lastFrame);
    await type(stdin, 'tcp', KEY.enter);
    await settle(lastFrame);
    expect(lastFrame()).toContain('↓ to browse 3 rows');
    await type(stdin, KEY.down);
    let frame = lastFrame()!;
    expect(frame).toMatch(/^tcp$/m); // breadcrumb: the command
    expect(frame).toMatch(/^› tcp\s+127\.0\.0\.1:9165\s+0\.0\.0\.0:\*\s+LISTEN$/m);
    expect(frame).toContain('row 1/3');
    expect(promptLine(frame)).toBe('');

    await type(stdin, KEY.down, KEY.down);
    frame = lastFrame()!;
    expect(frame).toMatch(/^› tcp\s+10\.0\.2\.15:22\s+10\.0\.2\.2:51240/m);
    expect(frame).toContain('row 3/3');

    await type(stdin, KEY.up, KEY.enter);
    frame = lastFrame()!;
    expect(frame).toContain('tcp › 10.0.2.15:22');
    expect(frame).toContain('sock 0xffff888001235000');
    expect(frame).toMatch(/^› 5827\s+sshd$/m);

    await type(stdin, KEY.down, KEY.enter);
    frame = lastFrame()!;
    expect(frame).toContain('tcp › 10.0.2.15:22 › pid 1 systemd');
    expect(frame).toContain('PID: 1  COMMAND: "systemd"');

    await type(stdin, KEY.esc);
    frame = lastFrame()!;
    expect(frame).toMatch(/^tcp › 10\.0\.2\.15:22$/m);
    expect(frame).toMatch(/^› 1\s+systemd$/m); // the selection is kept when coming back

    await type(stdin, KEY.backspace, KEY.esc);
    frame = lastFrame()!;
    expect(promptLine(frame).trim()).toBe('xportshow>');
    expect(frame).toContain('↓ to browse 3 rows');
  });

  it('/ narrows the rows by substring; Enter opens the match', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} run={fakeRun} />);
    await settle(lastFrame);
    await type(stdin, 'tcp', KEY.enter);
    await settle(lastFrame);
    await type(stdin, KEY.down, '/', '5124');
    let frame = lastFrame()!;
    expect(frame).toContain('/5124');
    expect(frame).toMatch(/^› tcp\s+10\.0\.2\.15:22\s+10\.0\.2\.2:51240/m);
    expect(frame).not.toContain('127.0.0.1:9165');
    expect(frame).toMatch(/Local Address/); // the header stays
    await type(stdin, '0');
    frame = lastFrame()!;
    expect(frame).toMatch(/^› tcp\s+10\.0\.2\.15:22\s+10\.0\.2\.2:51240/m);
    expect(frame).not.toContain('51234');
    await type(stdin, KEY.enter);
    expect(lastFrame()).toContain("row 1/1 matching '51240'");
    await type(stdin, KEY.enter);
    expect(lastFrame()).toContain('sock 0xffff888001236000');
  });

  it('p keeps the current view in the transcript after leaving browse mode', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} run={fakeRun} />);
    await settle(lastFrame);
    await type(stdin, 'tcp', KEY.enter);
    await settle(lastFrame);
    await type(stdin, KEY.down, KEY.down, KEY.enter, 'p', 'q');
    await settle(lastFrame);
    const frame = lastFrame()!;
    expect(promptLine(frame).trim()).toBe('xportshow>');
    expect(frame).toMatch(/^tcp › 10\.0\.2\.15:22$/m);
    expect(frame).toMatch(/^sock 0xffff888001235000$/m);
    expect(frame).toMatch(/^5827 +sshd$/m);
  });

  it('does not offer browsing for output without openable rows', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} banner={banner} run={fakeRun} />);
    await settle(lastFrame);
    await type(stdin, 'help', KEY.enter);
    await settle(lastFrame);
    expect(lastFrame()).not.toContain('to browse');
    await type(stdin, KEY.down);
    expect(promptLine(lastFrame()).trim()).toBe('xportshow>');
  });
});
