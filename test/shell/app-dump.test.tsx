// The shell over a real fixture dump: banner, a socket listing, and drilling into a row.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { render, cleanup } from 'ink-testing-library';
import { App, packageVersion } from '../../src/shell/app.js';
import { Session } from '../../src/shell/session.js';

const DUMP = fileURLToPath(new URL('../../dumps/bookworm-6.1/vmcore.kdump', import.meta.url));
const tick = (ms = 25) => new Promise((r) => setTimeout(r, ms));

async function settle(lastFrame: () => string | undefined) {
  let prev = lastFrame();
  let stableFor = 0;
  for (let waited = 0; waited < 5000 && stableFor < 40; waited += 10) {
    await tick(10);
    const f = lastFrame();
    stableFor = f === prev && !/^running .* …$/m.test(f ?? '') ? stableFor + 10 : 0;
    prev = f;
  }
}

describe.skipIf(!existsSync(DUMP))('App on dumps/bookworm-6.1', () => {
  const session = existsSync(DUMP) ? Session.open(DUMP) : undefined!;
  afterAll(() => {
    cleanup();
    session?.close();
  });

  it('shows the banner, lists TCP sockets and opens one, then its owner', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    expect(lastFrame()).toContain(`xportshow ${packageVersion()} — ${DUMP}`);
    expect(lastFrame()).toMatch(/^6\.1\.0-\S+ x86_64, 2 CPUs, kdump-compressed/m);

    stdin.write('-at\r');
    await settle(lastFrame);
    const listing = lastFrame()!;
    expect(listing).toMatch(/^tcp +\d+ +\d+ 0\.0\.0\.0:8080 +0\.0\.0\.0:\* +LISTEN/m);
    const count = Number(/↓ to browse (\d+) rows/.exec(listing)?.[1]);
    expect(count).toBeGreaterThan(10);

    stdin.write('\u001B[B'); // ↓: browse
    await settle(lastFrame);
    expect(lastFrame()).toMatch(/^-at$/m);
    expect(lastFrame()).toContain(`row 1/${count}`);

    stdin.write('/8080');
    await settle(lastFrame);
    stdin.write('\r'); // keep the filter
    await settle(lastFrame);
    expect(lastFrame()).toMatch(/^› tcp +\d+ +\d+ 0\.0\.0\.0:8080 +0\.0\.0\.0:\* +LISTEN/m);

    stdin.write('\r'); // open the listener
    await settle(lastFrame);
    const sock = lastFrame()!;
    expect(sock).toMatch(/^-at › 0\.0\.0\.0:8080/m);
    expect(sock).toMatch(/struct tcp_sock 0xffff[0-9a-f]+/);
    expect(sock).toMatch(/^› +164 +websrv/m);

    stdin.write('\r'); // open the owner task
    await settle(lastFrame);
    expect(lastFrame()).toMatch(/^-at › 0\.0\.0\.0:8080.* › pid 164 websrv$/m);

    for (let i = 0; i < 4; i++) {
      stdin.write('\u001B'); // Esc: task → socket → list (clears the filter first) → prompt
      await settle(lastFrame);
    }
    expect(lastFrame()).toMatch(/^xportshow>\s*$/m);
    expect(lastFrame()).toContain(`↓ to browse ${count} rows`);
  });
});
