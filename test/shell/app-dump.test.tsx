// The shell over a real fixture dump, with every expectation taken from the guest's truth:
// completion offers a real PID, a listener opens with its real accept-queue length, its
// owner row carries the real PID, Esc walks back, and the second -at comes from the cache.
import { afterAll, describe, expect, it } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { App, packageVersion } from '../../src/shell/app.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { initNetns, allTcp, socketOwners } from '../support/truth.js';
import { settle as settleFor } from '../support/ink.js';

/** The real dump's first commands read pages: allow more time than the fake runner needs. */
const settle = (lastFrame: () => string | undefined) => settleFor(lastFrame, 40, 5000);


describe('App on dumps/bookworm-6.1', () => {
  const session = fixtureSession('bookworm-6.1');
  const truth = fixtureTruth('bookworm-6.1');
  const init = initNetns(truth);
  // the listener with connections waiting in its accept queue
  const listener = allTcp(init).find((r) => r.state === 'LISTEN' && r.rxQueue > 0 && r.family === 'inet')!;
  const owner = socketOwners(truth, listener.inode).sort((a, b) => a.pid - b.pid)[0];
  afterAll(() => cleanup());

  it('completes `pid ` with the PIDs of the dump', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    stdin.write(`pid ${String(owner.pid).slice(0, -1)}`);
    await settle(lastFrame);
    stdin.write('\t');
    await settle(lastFrame);
    expect(lastFrame()).toMatch(new RegExp(`^(xportshow> pid ${owner.pid} |\\s+${owner.pid}$)`, 'm'));
  });

  it('opens the listener with its real accept queue, then its owner, and walks back', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    expect(lastFrame()).toContain(`xportshow ${packageVersion()} — ${session.path}`);
    expect(lastFrame()).toContain(`${truth.release} x86_64, ${truth.cpus} CPUs`);

    stdin.write('-at\r');
    await settle(lastFrame);
    const listing = lastFrame()!;
    const count = Number(/↓ to browse (\d+) rows/.exec(listing)?.[1]);
    expect(count).toBe(truth.netns.reduce((n, ns) => n + allTcp(ns).length, 0));

    stdin.write('\u001B[B'); // ↓: browse
    await settle(lastFrame);
    stdin.write(`/${listener.local}`);
    await settle(lastFrame);
    stdin.write('\r'); // keep the filter
    await settle(lastFrame);
    expect(lastFrame()).toMatch(new RegExp(`^› tcp +${listener.rxQueue} +0 ${listener.local.replace(/\./g, '\\.')} .*LISTEN`, 'm'));

    stdin.write('\r'); // open the listener
    await settle(lastFrame);
    const sock = lastFrame()!;
    expect(sock).toContain(`backlog=${listener.rxQueue}(`);
    expect(sock).toContain(`Accept queue: ${listener.rxQueue}`);
    expect(sock).toMatch(new RegExp(`^› +${owner.pid} +${owner.comm} +${owner.fd} `, 'm'));

    stdin.write('\r'); // open the owner
    await settle(lastFrame);
    expect(lastFrame()).toContain(`› pid ${owner.pid} ${owner.comm}`);
    expect(lastFrame()).toContain(`-----PID=${owner.pid} COMM=${owner.comm}`);

    for (let i = 0; i < 4; i++) {
      stdin.write('\u001B'); // Esc: task → socket → list (clears the filter first) → prompt
      await settle(lastFrame);
    }
    expect(lastFrame()).toMatch(/^xportshow>\s*$/m);

    expect(session.tables.hasSockets('tcp')).toBe(true);
    stdin.write('-at\r'); // answered from the session's cache
    await settle(lastFrame);
    expect(lastFrame()).toContain(`↓ to browse ${count} rows`);
  });
});
