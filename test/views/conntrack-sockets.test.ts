// Conntrack entries and the sockets they belong to, and --summary's near-full check, on the
// host fixtures. The NATed flow: the host's client 10.1.0.1:P → 10.123.0.1:80 is DNATed to
// 10.200.0.2:7080 (and SNATed to 10.200.0.1 on veth0); the server socket in ns1 sees
// 10.200.0.1:P → 10.200.0.2:7080, which is the REPLY tuple of ns1's entry (src = the server).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';
import { parseConntrack } from '../support/truth-firewall-ct.js';
import { runLine } from '../../src/shell/dispatch.js';
import { Session } from '../../src/views/session.js';
import { socketDetail } from '../../src/views/socket-detail.js';
import { socketDetailOutput } from '../../src/report/socket-detail.js';
import { renderLines } from '../../src/report/text.js';
import type { GroupOutput, TableOutput } from '../../src/report/model.js';
import { runJson as json } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';

const HOST = presentHostFixtures();
const NEAR = 'conntrack table near full (≥ 90 % of nf_conntrack_max)';


describe.each(HOST)('conntrack and sockets of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const init = truth.netns.find((n) => n.isInit)!;
  const ns1 = truth.netns.find((n) => !n.isInit)!;
  // The NATed flow, as the guest printed it in each netns.
  const natInit = parseConntrack(init.text.get('nf_conntrack')).find((e) => e.original.dst === '10.123.0.1')!;
  const port = natInit.original.sport!;
  const tcp = s.tables.sockets('tcp').rows;
  const client = tcp.find((r) => r.netns === init.inode && r.localAddr === '10.1.0.1' && r.localPort === port && r.remoteAddr === '10.123.0.1' && r.remotePort === 80)!;
  const server = tcp.find((r) => r.netns === ns1.inode && r.localAddr === '10.200.0.2' && r.localPort === 7080 && r.remoteAddr === '10.200.0.1' && r.remotePort === port)!;

  it('the fixture has the NATed flow and both of its sockets', () => {
    expect(natInit.reply).toMatchObject({ src: '10.200.0.2', dst: '10.200.0.1', sport: 7080, dport: port });
    expect(client).toBeDefined();
    expect(server).toBeDefined();
  });

  it('conntrack --json: the NATed entry names the client socket in the initial netns, ns1\'s entry the server socket (reply tuple)', () => {
    const all = json(s, 'conntrack --json --netns all');
    const hostEntry = all.find((r: any) => r.netns === init.inode && r.original.dst === '10.123.0.1');
    expect(hostEntry).toMatchObject({ original: { src: '10.1.0.1', sport: port, dport: 80 }, reply: { src: '10.200.0.2', sport: 7080 }, sock: '0x' + client.sock.toString(16) });
    const nsEntry = all.find((r: any) => r.netns === ns1.inode && r.proto === 'tcp' && r.original.dport === 7080);
    expect(nsEntry).toMatchObject({ original: { src: '10.200.0.1', dst: '10.200.0.2', sport: port }, sock: '0x' + server.sock.toString(16) });
    // ICMP entries have no socket: no sock key, and Enter opens the struct nf_conn.
    expect(all.filter((r: any) => r.proto === 'icmp').every((r: any) => r.sock === undefined)).toBe(true);
  });

  it('conntrack text: the header and entry lines; each entry opens its socket, else its nf_conn', () => {
    const r = runLine(s, 'conntrack --netns all');
    expect(r.lines.filter((l) => l.startsWith('# netns'))).toHaveLength(truth.netns.length);
    const rows = ((r.output as GroupOutput).parts[0] as TableOutput).rows;
    expect(rows.map((x) => x.cells.line)).toEqual(r.lines.slice(0, rows.length));
    const nat = rows.find((x) => x.cells.line.includes('dst=10.123.0.1 '))!;
    expect(nat.ref).toEqual({ kind: 'sock', address: client.sock });
    const icmp = rows.find((x) => x.cells.line.startsWith('icmp '))!;
    expect(icmp.ref).toMatchObject({ kind: 'struct', type: 'struct nf_conn' });
    expect(rows.filter((x) => x.cells.line.startsWith('# netns')).every((x) => x.ref === undefined)).toBe(true);
  });

  it('a tracked socket\'s detail shows its conntrack entry (both ends of the NAT), selectable as struct nf_conn', () => {
    for (const [sock, netns] of [[client, init.inode], [server, ns1.inode]] as const) {
      const d = socketDetail(s, sock, true);
      expect(d.conntrack, `${sock.localAddr}:${sock.localPort}`).toBeDefined();
      expect(d.conntrack!.netns).toBe(netns);
      const view = socketDetailOutput(d, () => []).output as GroupOutput;
      const part = view.parts.find((p) => p.kind === 'table' && p.title === 'Conntrack entry') as TableOutput;
      expect(part.rows[0].ref).toEqual({ kind: 'struct', type: 'struct nf_conn', address: d.conntrack!.address });
      expect(part.rows[0].cells.line).toMatch(new RegExp(`^tcp +6 \\d+ ESTABLISHED src=\\S+ dst=\\S+ sport=${port} `));
    }
    expect(renderLines(socketDetailOutput(socketDetail(s, client, true), () => []).output).join('\n'))
      .toContain(`src=10.1.0.1 dst=10.123.0.1 sport=${port} dport=80`);
    // A socket conntrack does not track (the netlink/unix kind, or a listener) has none.
    const listener = tcp.find((r) => r.state === 'LISTEN')!;
    expect(socketDetail(s, listener, true).conntrack).toBeUndefined();
  });

  it('--summary: the near-full check is there, quiet, with each netns\'s count of max', () => {
    const j = json(s, '--summary --json');
    const c = j.checks.find((x: any) => x.name === NEAR);
    expect(c).toMatchObject({ warning: false, count: 0, objects: [] });
    const max = Number(truth.sections.get('conntrack.init.max'));
    expect(max).toBeGreaterThan(0);
    expect(c.detail).toMatch(new RegExp(`^netns ${init.inode}: \\d+ of ${max}; netns ${ns1.inode}: \\d+ of ${max}$`));
  });
});

// No fixture has a table near nf_conntrack_max (the guests track a few dozen flows of 1536 or
// more): the WARNING is tested on a fresh session whose conntrack counts are set by hand.
describe.each(HOST.slice(-1))('--summary near-full warning (counts set by hand on %s)', (name) => {
  it('warns, naming the netns, when count ≥ 90 % of max', () => {
    const s = Session.open(join(fixtureDir(name), 'vmcore.kdump'));
    const ct = s.tables.conntrack();
    const ns = ct.counts[0].netns;
    ct.counts[0].count = Math.ceil(ct.max! * 0.95);
    const j = json(s, '--summary --json');
    const c = j.checks.find((x: any) => x.name === NEAR);
    expect(c.warning).toBe(true);
    expect(c.objects).toEqual([{ kind: 'netns', label: `netns ${ns}: nf_conntrack count ${ct.counts[0].count} of max ${ct.max}`, netns: ns, ref: { kind: 'netns', inode: ns } }]);
    expect(runLine(s, '--summary').lines.join('\n')).toContain(`netns ${ns}: nf_conntrack count`);
  });
});
