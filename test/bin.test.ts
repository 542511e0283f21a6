// bin/xportshow.js started as a user starts it, through its #! line (the bundle `npm install`
// builds): Node starts without NODE_EXTRA_CA_CERTS, which it would otherwise parse before any
// code runs (30-40 ms on a 2-core machine) for a tool that makes no TLS connection.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir } from './support/truth.js';

const root = join(import.meta.dirname, '..');
const built = existsSync(join(root, 'dist/bundle/xportshow.cjs'));
const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/extra-ca.pem' };

describe.skipIf(!built)('bin/xportshow.js', () => {
  it('starts node without NODE_EXTRA_CA_CERTS', () => {
    // node itself reads the variable (and warns of a file it cannot load) ...
    const plain = spawnSync(process.execPath, ['-e', '0'], { env, encoding: 'utf8' });
    expect(plain.stderr).toContain('extra certs');
    // ... the tool's #! line drops it
    const r = spawnSync(join(root, 'bin/xportshow.js'), ['--version'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^xportshow \d+\.\d+\.\d+/);
    expect(r.stderr).not.toContain('extra certs');
  });

  it('lists the sockets of the bundled dump as the source does', () => {
    const dump = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
    const bin = spawnSync(join(root, 'bin/xportshow.js'), [dump, '-at', '--json'], { env, encoding: 'utf8' });
    const src = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', dump, '-at', '--json'], { cwd: root, encoding: 'utf8' });
    expect(bin.status).toBe(0);
    expect(JSON.parse(bin.stdout).length).toBeGreaterThan(0);
    expect(bin.stdout).toBe(src.stdout);
  });

  it('exits only once its output is written, also to a pipe read late', () => {
    // more than a pipe holds (64 KiB): the writer blocks until the reader wakes
    const dump = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
    const cmds = '-a --json; -a --json; -a --json';
    const piped = spawnSync('sh', ['-c', `"$0" "$1" -c "$2" | (sleep 0.3; cat)`, join(root, 'bin/xportshow.js'), dump, cmds], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    const whole = spawnSync(join(root, 'bin/xportshow.js'), [dump, '-c', cmds], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(whole.status).toBe(0);
    expect(whole.stdout.length).toBeGreaterThan(65536);
    expect(piped.stdout).toBe(whole.stdout);
    // the status of a failed command survives the early exit
    const bad = spawnSync(join(root, 'bin/xportshow.js'), [join(root, 'no-such.kdump'), '-at'], { env, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('no-such.kdump');
  });

  it('gets every byte to a non-blocking pipe read late', () => {
    // The output is written with fs.writeSync (src/stdio.ts); a pipe made non-blocking by another
    // process sharing it (here the node that runs the bin: creating its process.stdout sets
    // O_NONBLOCK) refuses a write once full (EAGAIN): the rest goes through the stream, which
    // waits for the reader, and the process exits once it is written.
    const dump = join(fixtureDir('bookworm-6.1'), 'vmcore.kdump');
    const cmds = '-a --json; -a --json; -a --json; -a --json; -a --json';
    const run = 'process.stdout; require(process.argv[1])';
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" -e '${run}' "$0" "$1" -c "$2" | (sleep 1; cat)`, join(root, 'bin/xportshow.js'), dump, cmds], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    const whole = spawnSync(join(root, 'bin/xportshow.js'), [dump, '-c', cmds], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(whole.stdout.length).toBeGreaterThan(65536);
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe(whole.stdout);
  });
});
