// Time of the route walkers after open, per fixture (not a test): `npx tsx bench/routes.ts`.
// First pass pays for page decompression and BTF lookups; the second shows the walk itself.
import { Session } from '../src/views/session.js';
import { netNamespaces } from '../src/net/netns.js';
import { ipv4Routes } from '../src/net/fib.js';
import { ipv6Routes } from '../src/net/fib6.js';
import { fibRules } from '../src/net/fib-rules.js';
import { routeExceptions } from '../src/net/route-cache.js';

for (const name of ['bullseye-5.10', 'bookworm-6.1', 'trixie-6.12', 'bookworm-6.1-vxlan']) {
  const k = Session.open(`dumps/${name}/vmcore.kdump`).kernel;
  const nets = netNamespaces(k);
  const out: string[] = [];
  for (const pass of ['cold', 'warm']) {
    const t = (f: () => { rows: unknown[] }) => { const t0 = performance.now(); const n = f().rows.length; return `${(performance.now() - t0).toFixed(1)}ms/${n}`; };
    const v4 = t(() => ipv4Routes(k, nets));
    const v6 = t(() => ipv6Routes(k, nets));
    const rules = t(() => fibRules(k, nets));
    const exc = t(() => routeExceptions(k, nets));
    out.push(`${pass}: v4 ${v4}  v6 ${v6}  rules ${rules}  rtcache(all walks) ${exc}`);
  }
  console.log(name.padEnd(20), out.join(' | '));
}
