// Every example `help CMD` prints runs on the bundled dump (dumps/bookworm-6.1, the one the
// tool opens without a DUMP argument): no error, something printed, nothing unreadable.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';

/** The examples as a user reads them: `help` lists the commands, `help CMD` their examples. */
function helpExamples(run: (line: string) => string[]): string[] {
  const help = run('help');
  const names = help
    .slice(help.indexOf('Commands:') + 1, help.indexOf(''))
    .map((l) => /^ {2}(\S+)\s{2,}/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'quit');
  const out: string[] = [];
  for (const n of names) {
    const lines = run(`help ${n}`);
    const at = lines.indexOf('  examples:');
    if (at >= 0) for (const l of lines.slice(at + 1)) if (l.startsWith('    ')) out.push(l.trim());
  }
  return out;
}

describe('help examples on dumps/bookworm-6.1', () => {
  const session = fixtureSession('bookworm-6.1');
  const run = (line: string) => {
    const r = runLine(session, line);
    if (r.error) throw new Error(`${line}: ${r.error}`);
    return r.lines;
  };
  const examples = helpExamples(run);

  it('finds the examples of every command', () => {
    expect(examples.length).toBeGreaterThan(30);
    expect(examples).toContain('struct net init_net');
  });

  it.each(examples)('%s', (example) => {
    const r = runLine(session, example);
    expect(r.error).toBeUndefined();
    expect(r.lines.length).toBeGreaterThan(0);
    const bad = r.lines.filter((l) => /unreadable|<gap|cannot translate|not an IP header|bad-pointer|no symbol|no process|^!! /i.test(l));
    expect(bad).toEqual([]);
  });

  it('the uts_namespace example reads the real utsname', () => {
    const lines = runLine(session, 'struct uts_namespace init_uts_ns').lines.join('\n');
    expect(lines).toContain('sysname = "Linux"');
    expect(lines).toContain(`release = "${fixtureTruth('bookworm-6.1').release}"`);
  });
});
