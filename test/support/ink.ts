// Waiting for the ink app in tests: ink renders asynchronously after each stdin.write.

export const tick = (ms = 25) => new Promise((r) => setTimeout(r, ms));

/** Wait until a command has run: no "running" line, and the frame stable for `stableMs` (long
 *  enough that a loaded CI machine has rendered: ink draws asynchronously)
 *  (at most `maxMs`). */
export async function settle(lastFrame: () => string | undefined, stableMs = 150, maxMs = 5000): Promise<void> {
  let prev = lastFrame();
  let stableFor = 0;
  for (let waited = 0; waited < maxMs && stableFor < stableMs; waited += 10) {
    await tick(10);
    const f = lastFrame();
    stableFor = f === prev && !/^running .* …$/m.test(f ?? '') ? stableFor + 10 : 0;
    prev = f;
  }
}
