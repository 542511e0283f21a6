// Views run on real dumps with every page a caller holds overwritten as soon as it reads
// another page (src/dump/page-poison.ts): the output must not change. The page cache hands
// out its own memory and reuses an evicted page's memory for the next page it decodes
// (src/dump/page-cache.ts): a walker that keeps a view (Kernel.view, KernelMemory.view)
// across a read of another page would print bytes of some other page. Such a walker copies
// what it keeps (Kernel.viewCopy), reads the view's members first, or takes the view again.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/views/session.js';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureDir } from '../support/truth.js';

const dumps = ['bookworm-6.1-host', 'bullseye-5.10-host', 'sid-7.2-host', 'trixie-6.12'].filter((n) => existsSync(join(fixtureDir(n), 'vmcore.kdump')));

// Every table view, verbose and as JSON (verbose output reads the most members).
const COMMANDS = [
  'summary -v', 'tcp -v -e -o', 'udp -v -e -o', 'raw -v -e', 'unix -v -e', 'packet -v', 'netlink -v', 'tcp --info', 'bind -v', 'ps -a',
  'netns -v', 'route -v', 'rules', 'rtcache -v', 'nexthop -v', 'interfaces -v', 'arp -v', 'softnet -v', 'devpack -v', 'log', 'statistics -v',
  'sysctl', 'netfilter -v', 'conntrack -v', 'nft -v', 'iptables -v', 'modules',
  'tcp --json', 'udp --json -v', 'interfaces --json -v', 'arp --json -v', 'route --json -v', 'summary --json', 'conntrack --json', 'nft --json',
  'iptables --json', 'devpack --json', 'softnet --json -v', 'ps --json -a', 'bind --json',
];

/** One command's lines, without the timings some views print. */
function run(s: Session, line: string): string {
  const r = runLine(s, line);
  return [r.error ?? '', ...r.lines.filter((l) => !/opened in:|took \d/.test(l))].join('\n');
}

describe.each(dumps)('%s', (name) => {
  const path = join(fixtureDir(name), 'vmcore.kdump');

  it('every view, and single sockets and their skbs, print the same with held pages poisoned, and with a 64-page cache', () => {
    const plain = Session.open(path, { poisonPages: false });
    const poisoned = Session.open(path, { poisonPages: true });
    // the cache evicts and reuses pages all the time (the size that showed the first holder)
    const small = Session.open(path, { cachePages: 64, poisonPages: false });
    const lines = [...COMMANDS];
    // single sockets in full (-vv lists their queued skbs), some with data queued, and those skbs
    for (const proto of ['tcp', 'udp', 'unix']) {
      const rows = JSON.parse(runLine(plain, `${proto} --json`).lines.join('\n')) as { sock: string; rxQueue: number; txQueue: number }[];
      for (const r of [...rows.slice(0, 2), ...rows.filter((x) => x.rxQueue > 0 || x.txQueue > 0).slice(0, 3)]) lines.push(`sock ${r.sock} -vv`, `sock ${r.sock} --json`);
    }
    const skbs = new Set<string>();
    for (const l of lines.filter((x) => x.startsWith('sock ') && x.endsWith('-vv'))) {
      for (const m of runLine(plain, l).lines.join('\n').matchAll(/^(0x[0-9a-f]{16})\s+\d/gm)) skbs.add(m[1]!);
    }
    expect(skbs.size).toBeGreaterThan(0);
    for (const skb of [...skbs].slice(0, 6)) lines.push(`skb ${skb}`);
    for (const line of lines) {
      const want = run(plain, line);
      expect(run(poisoned, line), line).toBe(want);
      expect(run(small, line), `${line} (64-page cache)`).toBe(want);
    }
    plain.close();
    poisoned.close();
    small.close();
  });
});
