// The JSON contract of README "JSON output", checked mechanically: every view run with --json
// on two real dumps, its shape (rows or object), each documented field's type, `netns` on the
// rows of namespaced views, and walk problems as objects or `{"problem": …}` rows — never a
// bare string. A small schema per view; a field's types are letters:
//   s string  n number  b boolean  N null  h hex address string ("0x…")  a array  o object

import { describe, expect, it } from 'vitest';
import { fixtureSession } from '../support/fixtures.js';
import { runLine } from '../../src/shell/dispatch.js';
import type { Session } from '../../src/views/session.js';
import { runJson as json } from '../support/fixtures.js';

type Fields = Record<string, string>;

const FIXTURES = ['bookworm-6.1', 'bookworm-6.1-host'];
const PROTOS = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'icmp', 'icmp6', 'unix', 'packet', 'netlink'];

function typeOf(v: unknown): string {
  if (v === null) return 'N';
  if (Array.isArray(v)) return 'a';
  if (typeof v === 'string') return /^0x[0-9a-f]+$/.test(v) ? 'h' : 's';
  return { number: 'n', boolean: 'b', object: 'o' }[typeof v as 'number' | 'boolean' | 'object'] ?? typeof v;
}

/** Does `v` fit the letters (a hex string also fits 's')? */
function fits(v: unknown, letters: string): boolean {
  const t = typeOf(v);
  return letters.split('|').some((l) => l === t || (l === 's' && t === 'h'));
}

function expectFields(o: Record<string, unknown>, fields: Fields, what: string): void {
  for (const [k, letters] of Object.entries(fields)) {
    expect(k in o, `${what}: field ${k} missing in ${JSON.stringify(o).slice(0, 200)}`).toBe(true);
    expect(fits(o[k], letters), `${what}: ${k} = ${JSON.stringify(o[k])} is not ${letters}`).toBe(true);
  }
}


/** A row view: a flat array of row objects; problems are `{problem: string}` rows. */
function expectRows(v: unknown, fields: Fields, what: string, opts: { netns?: boolean } = {}): Record<string, unknown>[] {
  expect(Array.isArray(v), `${what}: an array`).toBe(true);
  const rows: Record<string, unknown>[] = [];
  for (const r of v as unknown[]) {
    expect(typeOf(r), `${what}: a row is an object, never a bare value (${JSON.stringify(r)})`).toBe('o');
    const o = r as Record<string, unknown>;
    if ('problem' in o) {
      expect(typeof o.problem, `${what}: a problem row's text`).toBe('string');
      continue;
    }
    expectFields(o, { ...fields, ...(opts.netns === false ? {} : { netns: 'n' }) }, what);
    rows.push(o);
  }
  return rows;
}

/** An object view: `{netns, problems, …}`, problems as objects. */
function expectObject(v: unknown, fields: Fields, what: string, netns: string = 'n'): Record<string, unknown> {
  expect(typeOf(v), `${what}: an object`).toBe('o');
  const o = v as Record<string, unknown>;
  expectFields(o, { netns, problems: 'a', ...fields }, what);
  for (const p of o.problems as unknown[]) expectFields(p as Record<string, unknown>, { where: 's', kind: 's', detail: 's' }, `${what} problem`);
  return o;
}

const SOCKET: Fields = {
  proto: 's', local: 's', remote: 's', state: 's', inode: 'n', rxQueue: 'n', txQueue: 'n', uid: 'n', sock: 'h', kind: 's', owners: 'a',
};
const ROUTE: Fields = {
  family: 's', table: 's|n', type: 's', destination: 's', prefixLen: 'n', gateway: 's|N', iface: 's', metric: 'n', flags: 's',
  scope: 's', protocol: 's', prefsrc: 's|N', nexthops: 'a', fibInfo: 'h',
};
const STATISTICS: Fields = { Ip: 'o', Tcp: 'o', Udp: 'o' };

describe.each(FIXTURES)('the JSON contract on %s', (name) => {
  const s = fixtureSession(name);

  it('sockets: one flat array of rows, each with its proto and netns', () => {
    const rows = expectRows(json(s, '-a --json'), SOCKET, '-a');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => PROTOS.includes(r.proto as string))).toBe(true);
    for (const p of ['tcp', 'udp', 'unix']) expect(rows.some((r) => (r.proto as string).startsWith(p)), p).toBe(true);
    const nl = expectRows(json(s, 'netlink --json'), { ...SOCKET, protocol: 'n', portid: 'n', groups: 'n' }, 'netlink');
    expect(nl.length > 0 && nl.every((r) => r.proto === 'netlink')).toBe(true);
    const v = expectRows(json(s, '-atv --json'), SOCKET, '-atv');
    for (const r of v.filter((r) => r.kind === 'sock')) expectFields(r, { protoName: 's', struct: 's', details: 'o' }, '-atv full socket');
    expect(new Set(v.map((r) => r.kind))).toContain('sock');
    const owned = rows.flatMap((r) => r.owners as Record<string, unknown>[]);
    for (const o of owned) expectFields(o, { pid: 'n', comm: 's', fd: 'n' }, 'owner');
  });

  it('bind, netns: rows with netns', () => {
    expectRows(json(s, 'bind --json'), { port: 'n', local: 's|N', state: 's|N', bucket: 'h', fastreuse: 'n', fastreuseport: 'n', sock: 'h|N' }, 'bind');
    const ns = expectRows(json(s, 'netns --json'), { inode: 'n', net: 'h', init: 'b', devices: 'a', sockets: 'o' }, 'netns');
    expect(ns.every((r) => r.netns === r.inode)).toBe(true);
  });

  it('ps and pid: process rows and one process object (not per netns)', () => {
    const ps = expectRows(json(s, 'ps --json'), { pid: 'n', ppid: 'n', comm: 's', sockets: 'n', task: 'h' }, 'ps', { netns: false });
    const pid = ps.find((r) => (r.sockets as number) > 0)!.pid;
    const one = json(s, `pid ${pid} --json`) as Record<string, unknown>;
    expectFields(one, { pid: 'n', ppid: 'n', comm: 's', cmdline: 's|N', task: 'h', sockets: 'a' }, 'pid');
    for (const f of one.sockets as Record<string, unknown>[]) {
      expectFields(f, { fd: 'n', file: 'h', sock: 'h|N', row: 'o|N' }, 'pid socket');
      if (f.row) expectRows([f.row], SOCKET, 'pid socket row');
    }
  });

  it('summary: an object; netns "all" by default, the inode with --netns', () => {
    const fields = { tcpStates: 'o', udp: 'o', unixStates: 'o', rawStates: 'o', packet: 'n', checks: 'a' };
    const all = expectObject(json(s, '--summary --json'), fields, 'summary', 's');
    expect(all.netns).toBe('all');
    for (const c of all.checks as Record<string, unknown>[]) expectFields(c, { name: 's', warning: 'b', count: 'n', objects: 'a', socks: 'a' }, 'check');
    const init = (json(s, 'netns --json') as { inode: number; init: boolean }[]).find((n) => n.init)!.inode;
    expect(expectObject(json(s, `--summary --json --netns ${init}`), fields, 'summary --netns').netns).toBe(init);
  });

  it('routes, rules, rtcache: rows with netns', () => {
    expectRows(json(s, '-r --json'), ROUTE, '-r');
    const rv = expectRows(json(s, '-rv --json'), { ...ROUTE, genmask: 's|N' }, '-rv');
    expect(new Set(rv.map((r) => r.family))).toEqual(new Set(['inet', 'inet6']));
    expectRows(json(s, 'rules --json'), { family: 's', priority: 'n', table: 's|n', action: 's', from: 's', to: 's', rule: 'h' }, 'rules');
    expectRows(json(s, 'rtcache --json'), { destination: 's', gateway: 's|N', iface: 's', pmtu: 'n', expires: 'n|N', family: 's', address: 'h' }, 'rtcache');
  });

  it('interfaces and arp: rows with netns; counters the dump lacks are null with the reason in gaps', () => {
    const ifs = expectRows(json(s, '-i --json'), {
      name: 's', ifindex: 'n', mtu: 'n', mac: 's', type: 's', flags: 'a', operstate: 's', addresses: 'o', qdisc: 'a|N', txQueueLen: 'n', stats: 'o|N', device: 'h',
    }, '-i');
    for (const r of ifs) if (r.stats === null) expectFields(r.gaps as Record<string, unknown>, { stats: 's' }, 'gaps');
    expectRows(json(s, '--arp --json'), { ip: 's', hwAddress: 's', device: 's', state: 's', family: 's', proxy: 'b', hidden: 'b', neighbour: 'h' }, 'arp');
  });

  it('-s and --sysctl: objects {netns, problems, …}; an array of them with --netns all', () => {
    expectObject(json(s, '-s --json'), STATISTICS, '-s');
    const all = json(s, '-s --json --netns all') as unknown[];
    expect(Array.isArray(all)).toBe(true);
    for (const o of all) expectObject(o, STATISTICS, '-s --netns all');
    // every sysctl at the top level, by its full name (all contain a dot: no clash with netns/problems)
    const sc = expectObject(json(s, '--sysctl --json'), {}, '--sysctl') as Record<string, unknown>;
    const names = Object.keys(sc).filter((k) => k !== 'netns' && k !== 'problems');
    expect(names.length).toBeGreaterThan(100);
    for (const k of names) expect(k.startsWith('net.') && fits(sc[k], 's|N|o'), `${k}: ${JSON.stringify(sc[k])}`).toBe(true);
    for (const o of json(s, '--sysctl --json --netns all') as unknown[]) expectObject(o, {}, '--sysctl --netns all');
  });

  it('softnet, devpack, log: rows (softnet and log are not per netns)', () => {
    expectRows(json(s, '--softnet --json'), { cpu: 'n', online: 'b|N', processed: 'n', dropped: 'n', timeSqueeze: 'n', softnetData: 'h' }, 'softnet', { netns: false });
    expectRows(json(s, '--devpack --json'), {
      type: 's', device: 's|N', func: 's', module: 's|N', list: 's', owner: 's|N', inProc: 'b', packetType: 'h', sock: 'h|N', owners: 'a',
    }, 'devpack');
    const log = expectRows(json(s, 'log --json'), { seq: 'n', ts: 'n', level: 'n', facility: 'n', msg: 's', levelName: 's|N' }, 'log', { netns: false });
    expect(log.length).toBeGreaterThan(0);
  });

  it('netfilter and conntrack: rows; nft and iptables: objects', () => {
    expectRows(json(s, '--netfilter --json'), { family: 's', device: 's|N', hook: 's', priority: 'n', func: 's', module: 's|N', owner: 's', address: 'h' }, 'netfilter');
    expectRows(json(s, 'conntrack --json'), {
      l3: 's', proto: 's', state: 's|N', timeout: 'n', original: 'o', reply: 'o', status: 'a', mark: 'n|N', zone: 'n|N', address: 'h',
    }, 'conntrack');
    const nft = expectObject(json(s, 'nft --json'), { tables: 'a' }, 'nft');
    for (const t of nft.tables as Record<string, unknown>[]) expectFields(t, { family: 's', name: 's', handle: 'n', chains: 'a', sets: 'a' }, 'nft table');
    for (const o of json(s, 'nft --json --netns all') as unknown[]) expectObject(o, { tables: 'a' }, 'nft --netns all');
    const ipt = expectObject(json(s, 'iptables --json'), { tables: 'a' }, 'iptables');
    for (const t of ipt.tables as Record<string, unknown>[]) expectFields(t, { family: 's', name: 's', chains: 'a', rules: 'a' }, 'iptables table');
  });

  it('info, modules, sym: the dump and its symbols', () => {
    expectFields(json(s, 'info --json') as Record<string, unknown>, {
      path: 's', format: 's', release: 's', machine: 's', cpus: 'n', pageSize: 'n', hz: 'n', uptimeSec: 'n', crashTime: 's|N', openMs: 'n',
    }, 'info');
    expectRows(json(s, 'modules --json'), { name: 's', size: 'n', base: 'h|N', state: 's', symbols: 'n', module: 'h', ranges: 'a' }, 'modules', { netns: false });
    const hits = expectRows(json(s, 'sym tcp_v4_rcv --json'), { name: 's', address: 'h', type: 's' }, 'sym NAME', { netns: false });
    expectFields(json(s, `sym ${hits[0].address} --json`) as Record<string, unknown>, { name: 's', address: 'h', symbolAddress: 'h' }, 'sym ADDR');
  });

  it('struct, rd, skb: one object each', () => {
    const socks = json(s, '-a --json') as { proto: string; sock: string; rxQueue: number }[];
    const sk = socks.find((r) => r.proto === 'tcp')!.sock;
    expectFields(json(s, `struct sock ${sk} --json`) as Record<string, unknown>, { type: 's', address: 'h', lines: 'a' }, 'struct');
    const rd = json(s, `rd ${sk} 4 --json`) as Record<string, unknown>;
    expectFields(rd, { address: 'h', words: 'a' }, 'rd');
    expect((rd.words as unknown[]).every((w) => typeOf(w) === 'h')).toBe(true);
    // an skb queued on a socket (the sock view lists them)
    const skbs = socks.filter((r) => r.rxQueue > 0 && !r.proto.startsWith('tcp'))
      .flatMap((r) => [...runLine(s, `sock ${r.sock} --json`).lines.join('\n').matchAll(/"skb": "(0x[0-9a-f]+)"/g)].map((m) => m[1]));
    expect(skbs.length).toBeGreaterThan(0);
    expectFields(json(s, `skb ${skbs[0]} --json`) as Record<string, unknown>, { skb: 'h', len: 'n', dataLen: 'n', headers: 'a' }, 'skb');
  });

  it('several views in one line: one object keyed by view name', () => {
    const v = json(s, '-at -r --json') as Record<string, unknown>;
    expect(Object.keys(v).sort()).toEqual(['route', 'sockets']);
    expectRows(v.sockets, SOCKET, 'group sockets');
    expectRows(v.route, ROUTE, 'group route');
  });
});

describe('walk problems in JSON', () => {
  it('a table view\'s problem notes (marked !!) become {problem} rows; other notes stay text', async () => {
    const { toJsonValue } = await import('../../src/report/json.js');
    const { problemLines } = await import('../../src/report/model.js');
    const notes = [...problemLines([{ where: 'udp_table bucket 3', kind: 'unreadable', detail: 'page missing', address: 0x1000n }]), '(no sockets)'];
    const v = toJsonValue({ kind: 'table', columns: [], rows: [{ cells: {}, data: { netns: 1 } }], notes });
    expect(v).toEqual([{ netns: 1 }, { problem: '!! udp_table bucket 3: unreadable (page missing) at 0x1000' }]);
  });
});
