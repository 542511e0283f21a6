// Time of each issue-10 view after open, per fixture (not a test): `npx tsx bench/drops.ts`.
// Each view runs on a fresh session right after open (its first use pays for the pages and
// the BTF lookups it needs, and for the tables it builds on: sockets for --summary).
import { Session } from '../src/views/session.js';
import { runLine } from '../src/shell/dispatch.js';

const FIXTURES = ['bullseye-5.10', 'bookworm-6.1', 'trixie-6.12', 'bookworm-6.1-host', 'trixie-6.12-host', 'sid-7.2-host'];
const VIEWS = ['--softnet', '--devpack', 'log', '--summary'];

for (const name of FIXTURES) {
  const out: string[] = [];
  for (const v of VIEWS) {
    const s = Session.open(`dumps/${name}/vmcore.kdump`);
    const t0 = performance.now();
    const r = runLine(s, v);
    const cold = performance.now() - t0;
    const t1 = performance.now();
    runLine(s, v);
    out.push(`${v} ${cold.toFixed(0)}ms (again ${(performance.now() - t1).toFixed(1)}ms)${r.error ? ' ERROR' : ''}`);
    s.close();
  }
  console.log(name.padEnd(18), out.join('  '));
}
