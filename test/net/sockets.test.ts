// Every socket table against the kernel's own /proc/net views printed by the guest.

import { describe, expect, it } from 'vitest';
import { presentFixtures, fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { runLine } from '../../src/shell/dispatch.js';
import { localText, remoteData, type SocketRow } from '../../src/net/socket-row.js';
import type { ProcNetInetRow } from '../support/truth.js';
import { expectRowsMatchTruth, type Fields } from '../support/match.js';
import { presentHostFixtures } from '../support/truth-host.js';

// the host-scenario fixtures too: their sockets prove those dumps are sound
const fixtures = [...presentFixtures(), ...presentHostFixtures()];

/** An inet row of /proc/net/<proto>, labelled with its proto. */
type TruthInet = ProcNetInetRow & { proto: string };

const INET_FIELDS: Fields<SocketRow, TruthInet> = {
  proto: 'proto',
  local: [localText, 'local'],
  remote: [remoteData, 'remote'],
  state: 'state',
  inode: 'inode',
  rxQueue: 'rxQueue',
  txQueue: 'txQueue',
};

describe.each(fixtures)('sockets of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('finds the second network namespace', () => {
    expect(truth.netns.length).toBeGreaterThanOrEqual(2);
    const inodes = new Set(s.tables.sockets('tcp').rows.map((r) => r.netns));
    for (const ns of truth.netns) expect(inodes.has(ns.inode)).toBe(true);
  });

  for (const [family, protos] of [
    ['tcp', ['tcp', 'tcp6']],
    ['udp', ['udp', 'udp6', 'udplite', 'udplite6']],
    ['raw', ['raw', 'raw6', 'icmp', 'icmp6']],
  ] as const) {
    it(`${family} rows equal /proc/net/${protos.join(',')} in every netns`, () => {
      const rows = s.tables.sockets(family).rows;
      expect(s.tables.sockets(family).problems).toEqual([]);
      for (const ns of truth.netns) {
        const theirs = protos.flatMap((p) => ns[p].map((r) => ({ ...r, proto: p })));
        expectRowsMatchTruth(rows.filter((r) => r.netns === ns.inode), theirs, INET_FIELDS, `${family} of ${ns.name}`);
      }
    });
  }

  it('TCP covers LISTEN with a waiting accept queue, TIME_WAIT, SYN_RECV and unread data', () => {
    const rows = s.tables.sockets('tcp').rows;
    expect(rows.some((r) => r.state === 'LISTEN' && r.rxQueue > 0)).toBe(true);
    expect(rows.some((r) => r.state === 'TIME_WAIT' && r.kind === 'timewait')).toBe(true);
    expect(rows.some((r) => r.state === 'SYN_RECV' && r.kind === 'request')).toBe(true);
    expect(rows.some((r) => r.state === 'ESTABLISHED' && r.rxQueue > 0)).toBe(true);
  });

  it('UNIX rows equal /proc/net/unix (inode, path, state, type)', () => {
    const rows = s.tables.sockets('unix').rows;
    for (const ns of truth.netns) {
      expectRowsMatchTruth(rows.filter((r) => r.netns === ns.inode), ns.unix,
        { inode: 'inode', path: [(r) => r.path ?? '', 'path'], state: 'state', type: 'type' }, `unix of ${ns.name}`);
    }
    expect(rows.some((r) => r.path?.startsWith('@'))).toBe(true);
  });

  it('packet rows equal /proc/net/packet (type, proto, iface, inode)', () => {
    const rows = s.tables.sockets('packet').rows;
    for (const ns of truth.netns) {
      expectRowsMatchTruth(rows.filter((r) => r.netns === ns.inode), ns.packet, {
        type: ['type', (p) => (p.type === 2 ? 'DGRAM' : p.type === 3 ? 'RAW' : p.type)],
        proto: [(r) => r.extra?.protocol, 'proto'],
        ifindex: [(r) => r.extra?.ifindex, 'iface'],
        inode: 'inode',
      }, `packet of ${ns.name}`);
    }
  });

  it('owners equal the /proc/PID/fd socket links', () => {
    const idx = s.tables.owners();
    const byInode = new Map<number, string[]>();
    for (const f of ['tcp', 'udp', 'raw', 'unix', 'packet'] as const) {
      for (const r of s.tables.sockets(f).rows) {
        if (!r.inode) continue;
        byInode.set(r.inode, (idx.bySock.get(r.sock) ?? []).map((o) => `${o.pid}:${o.fd}`).sort());
      }
    }
    let checked = 0;
    for (const p of truth.processes) {
      for (const fd of p.fds) {
        if (fd.socketInode === undefined || !byInode.has(fd.socketInode)) continue;
        expect(byInode.get(fd.socketInode)).toContain(`${p.pid}:${fd.fd}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    // and every owner we report is one the guest saw
    const seen = new Set(truth.processes.flatMap((p) => p.fds.map((f) => `${p.pid}:${f.fd}:${f.socketInode ?? 0}`)));
    for (const [ino, os] of byInode) for (const o of os) expect(seen.has(`${o}:${ino}`)).toBe(true);
  });
});

describe.each(fixtures)('the --json contract on %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('-a --json rows carry proto, local, remote, state, inode, netns, queues, sock and owners as /proc says', () => {
    const rows = JSON.parse(runLine(s, '-atuw --json').lines.join('\n'));
    const inet = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'icmp', 'icmp6'] as const;
    const want = truth.netns.flatMap((ns) => inet.flatMap((p) => ns[p].map((t) => ({ ...t, netns: ns.inode, proto: p }))));
    expectRowsMatchTruth(rows, want, ['netns', 'proto', 'local', 'remote', 'state', 'inode', 'rxQueue', 'txQueue'], '-atuw --json');
    for (const r of rows) {
      expect(r.sock).toMatch(/^0xffff[0-9a-f]{12}$/);
      expect(Array.isArray(r.owners)).toBe(true);
      const o = socketOwnersOf(truth, r.inode);
      expect(r.owners.map((x: { pid: number; fd: number }) => `${x.pid}:${x.fd}`).sort()).toEqual(o);
    }
  });

  it('-x --json rows carry path and type', () => {
    const rows = JSON.parse(runLine(s, '-ax --json').lines.join('\n'));
    const want = truth.netns.flatMap((ns) => ns.unix.map((u) => ({ ...u, netns: ns.inode })));
    expectRowsMatchTruth(rows, want, ['netns', 'inode', 'path', 'type'], '-ax --json');
  });
});

function socketOwnersOf(truth: ReturnType<typeof fixtureTruth>, inode: number): string[] {
  if (!inode) return [];
  return truth.processes.flatMap((p) => p.fds.filter((f) => f.socketInode === inode).map((f) => `${p.pid}:${f.fd}`)).sort();
}

describe.each(fixtures)('netlink sockets of %s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);
  it('equal /proc/net/netlink in every netns (protocol, portid, groups, inode)', () => {
    const rows = s.tables.sockets('netlink').rows;
    expect(s.tables.sockets('netlink').problems).toEqual([]);
    for (const ns of truth.netns) {
      expectRowsMatchTruth(rows.filter((r) => r.netns === ns.inode), ns.netlink, {
        protocol: [(r) => r.extra?.protocol, 'protocol'],
        portId: [(r) => r.extra?.portid, 'portId'],
        groups: [(r) => (Number(r.extra?.groups) >>> 0).toString(16).padStart(8, '0'), 'groups'],
        inode: 'inode',
      }, `netlink of ${ns.name}`);
    }
    // the one held by a process shows its owner
    const held = rows.filter((r) => s.tables.owners().bySock.has(r.sock));
    expect(held.length).toBeGreaterThan(0);
  });
});

describe('sock INODE on bookworm-6.1', () => {
  it('opens the socket the guest knew by that inode (as /proc/PID/fd names it)', () => {
    const s = fixtureSession('bookworm-6.1');
    const t = fixtureTruth('bookworm-6.1').netns[0].tcp.find((r) => r.state === 'LISTEN' && r.inode)!;
    for (const w of [String(t.inode), `socket:[${t.inode}]`]) {
      const out = runLine(s, `sock ${w}`).lines.join('\n');
      expect(out).toMatch(new RegExp(`^tcp +${t.local.replace(/\./g, '\\.')} +0\\.0\\.0\\.0:\\* +LISTEN$`, 'm'));
    }
    expect(runLine(s, 'sock 4000000000').error).toBe('no socket with inode 4000000000 in this dump');
  });
});
