// `bind`: the TCP bind hash — each local port in use, its reuse flags and owning sockets.

import type { Session } from '../session.js';
import { bindBuckets, type BindBucket } from '../../net/bind.js';
import { tcpHashinfos } from '../../net/tcp.js';
import { namespaces, owners } from '../tables.js';
import { localText, remoteText } from '../../net/socket-row.js';
import { ownerText } from '../../report/sockets.js';
import { hex, type Output, problemLines } from '../../report/model.js';
import type { WalkProblem } from '../../kernel/walk.js';
import { UsageError, type Command } from '../command.js';
import { checkNetns } from './sockets.js';

export function bindTable(s: Session): { buckets: BindBucket[]; problems: WalkProblem[] } {
  return s.cached('bhash', () => {
    const problems: WalkProblem[] = [];
    const seen = new Set<bigint>();
    const buckets: BindBucket[] = [];
    const k = s.kernel;
    for (const hi of tcpHashinfos(k, namespaces(s))) {
      const bhash = k.ptr(hi, k.field('struct inet_hashinfo', 'bhash'));
      if (seen.has(bhash)) continue; // a netns's own hashinfo shares the global bind hash
      seen.add(bhash);
      buckets.push(...bindBuckets(k, hi, problems));
    }
    return { buckets, problems };
  });
}

export const bindCommand: Command = {
  name: 'bind',
  synopsis: 'bind [--port N] [--netns I]',
  summary: 'TCP bind hash: local ports in use, fastreuse/fastreuseport, the sockets bound to each',
  examples: ['bind', 'bind --port 8080'],
  run(s, inv): Output {
    const { buckets, problems } = bindTable(s);
    const o = inv.line.options;
    const port = o.port === undefined ? undefined : Number(o.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port: '${o.port}' is not a port number`);
    if (o.netns !== undefined && o.netns !== 'all') {
      if (!Number.isInteger(Number(o.netns))) throw new UsageError(`--netns: '${o.netns}' is not a netns inode (or 'all')`);
      checkNetns(s, Number(o.netns));
    }
    const idx = owners(s);
    const rows = buckets
      .filter((b) => port === undefined || b.port === port)
      .filter((b) => o.netns === undefined || o.netns === 'all' || b.netns === Number(o.netns))
      .flatMap((b) =>
        (b.owners.length ? b.owners : [undefined]).map((r, i) => ({
          cells: {
            port: i ? '' : String(b.port),
            netns: i ? '' : String(b.netns),
            reuse: i ? '' : `${b.fastreuse}/${b.fastreuseport}`,
            local: r ? localText(r) : '-',
            remote: r ? remoteText(r) : '',
            state: r?.state ?? '',
            owner: r ? ownerText(idx.bySock.get(r.sock) ?? []) : '',
          },
          data: {
            port: b.port, netns: b.netns, bucket: hex(b.address), fastreuse: b.fastreuse, fastreuseport: b.fastreuseport,
            sock: r ? hex(r.sock) : null, local: r ? localText(r) : null, state: r?.state ?? null,
          },
          ref: r ? { kind: 'sock' as const, address: r.sock } : undefined,
        })),
      );
    return {
      kind: 'table',
      columns: [
        { key: 'port', title: 'Port', align: 'right' },
        { key: 'netns', title: 'Netns', align: 'right' },
        { key: 'reuse', title: 'Reuse/Port' },
        { key: 'local', title: 'Bound socket' },
        { key: 'remote', title: 'Foreign Address' },
        { key: 'state', title: 'State' },
        { key: 'owner', title: 'PID/Program name' },
      ],
      rows,
      notes: problemLines(problems),
    };
  },
};
