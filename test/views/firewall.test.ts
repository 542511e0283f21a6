// The hooks and conntrack views as a user runs them (`--netfilter`, `netfilter FAMILY`,
// `conntrack` with filters, --json, --netns) on the host fixtures.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { runLine } from '../../src/shell/dispatch.js';
import { conntrackFill } from '../../src/views/conntrack.js';
import { parseConntrack } from '../support/truth-firewall-ct.js';
import { runJson as json } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';

const HOST = presentHostFixtures({ moduleBtf: true });


describe.each(HOST)('firewall views of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  const init = truth.netns.find((n) => n.isInit)!;

  it('--netfilter --json: rows {netns, family, device, hook, priority, func, module, owner} of the initial netns', () => {
    const rows = json(s, '--netfilter --json');
    expect(rows.every((r) => r.netns === init.inode)).toBe(true);
    expect(rows.find((r) => r.func === 'ipv4_conntrack_in')).toMatchObject({ family: 'ip', device: null, hook: 'prerouting', priority: -200, module: 'nf_conntrack', owner: 'conntrack' });
    expect(rows.find((r) => r.family === 'netdev')).toMatchObject({ device: 'eth0', hook: 'ingress', priority: -500, func: 'nft_do_chain_netdev', owner: 'chain netdev edge eth0in' });
    expect(rows.find((r) => r.owner === 'chain ip nat postrouting')).toMatchObject({ via: 'nf_nat_ipv4_out', priority: 100, module: 'nft_chain_nat' });
    const all = json(s, '--netfilter --json --netns all');
    expect(new Set(all.map((r) => r.netns))).toEqual(new Set(truth.netns.map((n) => n.inode)));
  });

  it('--netfilter text: nft list hooks headers, owners after #, NAT chains indented; a family word limits it', () => {
    const text = runLine(s, '--netfilter').lines;
    expect(text[0]).toBe('family ip {');
    expect(text).toContain('\thook prerouting {');
    expect(text).toContain('\t\t-0000000200 ipv4_conntrack_in [nf_conntrack]\t# conntrack');
    expect(text.some((l) => /^\t\t\t\+0000000100 nft_nat_do_chain \[nft_chain_nat\]\t# chain ip nat postrouting \(via nf_nat_ipv4_out\)$/.test(l))).toBe(true);
    expect(runLine(s, 'netfilter netdev').lines).toEqual(['family netdev {', '\thook ingress device eth0 {', '\t\t-0000000500 nft_do_chain_netdev [nf_tables]\t# chain netdev edge eth0in', '\t}', '}']);
    expect(runLine(s, 'netfilter -v ip6').lines.find((l) => l.includes('ipv6_conntrack_in'))).toMatch(/\(0xffff[0-9a-f]+ ops 0x[0-9a-f]+ priv 0x[0-9a-f]+\)$/);
    expect(runLine(s, 'netfilter inet6').error).toMatch(/not a hook family/);
  });

  it('--netfilter -v: the hooks, then the nft ruleset exactly as the nft view prints it; a family word keeps its tables', () => {
    const v = runLine(s, '--netfilter -v').lines;
    const at = v.indexOf('# nft -a list ruleset');
    expect(at).toBeGreaterThan(0);
    expect(v[at - 1]).toBe('');
    expect(v[0]).toBe('family ip {');
    expect(v.slice(0, at).find((l) => l.includes('ipv4_conntrack_in'))).toMatch(/\(0xffff[0-9a-f]+ ops 0x[0-9a-f]+ priv 0x[0-9a-f]+\)$/);
    expect(v.slice(at + 1)).toEqual(runLine(s, 'nft').lines);
    expect(v.slice(at + 1).some((l) => l.startsWith('table ip nat '))).toBe(true);
    const six = runLine(s, 'netfilter -v ip6').lines;
    const tables = six.slice(six.indexOf('# nft -a list ruleset') + 1).filter((l) => l.startsWith('table '));
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.every((l) => /^table (inet|ip6) /.test(l))).toBe(true);
    // JSON stays the hook rows.
    expect(json(s, '--netfilter -v --json')).toEqual(json(s, '--netfilter --json'));
  });

  it('conntrack --json: rows as the issue describes them; filters by protocol, state, address, port', () => {
    const rows = json(s, 'conntrack --json');
    const proc = parseConntrack(init.text.get('nf_conntrack'));
    expect(rows.length).toBeGreaterThanOrEqual(proc.length);
    const tcp = rows.find((r) => r.proto === 'tcp' && r.state === 'ESTABLISHED' && r.original.dport === 8080)!;
    expect(Object.keys(tcp)).toEqual(expect.arrayContaining(['netns', 'l3', 'proto', 'state', 'timeout', 'original', 'reply', 'status', 'mark', 'zone', 'use', 'packets', 'bytes']));
    expect(tcp.original).toEqual({ src: '127.0.0.1', dst: '127.0.0.1', sport: expect.any(Number), dport: 8080 });
    expect(tcp.packets.original).toBeGreaterThan(0);
    const icmp = rows.find((r) => r.proto === 'icmp')!;
    expect(icmp.original).toMatchObject({ type: 8, code: 0 });
    expect(json(s, 'conntrack udp --json').every((r) => r.proto === 'udp')).toBe(true);
    expect(json(s, 'conntrack tcp SYN_RECV --json').every((r) => r.state === 'SYN_RECV')).toBe(true);
    const p8080 = json(s, 'conntrack --port 8080 --json');
    expect(p8080.length).toBe(proc.filter((p) => p.original.dport === 8080 || p.original.sport === 8080 || p.reply.sport === 8080 || p.reply.dport === 8080).length);
    expect(json(s, 'conntrack 10.123.0.1 --json')).toHaveLength(1);
    expect(runLine(s, 'conntrack nosuch').error).toMatch(/not a protocol, TCP state or address/);
    expect(runLine(s, 'conntrack --port x').error).toMatch(/not a port number/);
  });

  it('conntrack text: count/max header per netns, conntrack -L lines', () => {
    const ns1 = truth.netns.find((n) => !n.isInit)!;
    const text = runLine(s, `conntrack --netns ${ns1.inode}`).lines;
    expect(text[0]).toBe(`# netns ${ns1.inode}: 3 entries shown; count 3 / max 1536`);
    expect(text.some((l) => /^tcp {6}6 \d+ ESTABLISHED src=10\.200\.0\.1 dst=10\.200\.0\.2 sport=\d+ dport=7080 packets=\d+ bytes=\d+ src=10\.200\.0\.2 .* \[ASSURED\] mark=0 zone=0 use=1$/.test(l))).toBe(true);
  });

  it('the summary check: far from full here (41 of 1536)', () => {
    const fill = conntrackFill(s.tables, [init.inode]);
    expect(fill).toEqual([{ netns: init.inode, count: Number(truth.sections.get('conntrack.init.count')), max: 1536, nearFull: false }]);
  });
});
