// Time of the netfilter-hook and conntrack walkers after open, per host fixture (not a test):
// `npx tsx bench/firewall.ts`. Module symbols are loaded first (every module-aware view pays
// that once); "cold" then pays for pages and module BTF lookups, "warm" is the walk itself.
import { Session } from '../src/views/session.js';
import { netNamespaces } from '../src/net/netns.js';
import { netDevices } from '../src/net/devices.js';
import { netfilterHooks } from '../src/net/nf-hooks.js';
import { conntrackTable } from '../src/net/conntrack.js';

for (const name of ['bookworm-6.1-host', 'trixie-6.12-host', 'sid-7.2-host', 'bullseye-5.10-host']) {
  let s;
  try {
    s = Session.open(`dumps/${name}/vmcore.kdump`);
  } catch {
    continue;
  }
  const k = s.kernel;
  const t0 = performance.now();
  k.moduleSymbols();
  const modMs = performance.now() - t0;
  const nets = netNamespaces(k);
  const devs = netDevices(k, nets);
  const clock = s.tables.clock();
  const out: string[] = [`module symbols ${modMs.toFixed(0)}ms`];
  for (const pass of ['cold', 'warm']) {
    const t = (f: () => { rows: unknown[] }) => { const a = performance.now(); const n = f().rows.length; return `${(performance.now() - a).toFixed(1)}ms/${n}`; };
    out.push(`${pass}: hooks ${t(() => netfilterHooks(k, nets, devs))}  conntrack ${t(() => conntrackTable(k, nets, clock.jiffies, clock.hz))}`);
  }
  console.log(name.padEnd(20), out.join(' | '));
}
