// `pcap … -w FILE` on real dumps: the file read back (a small pcap parser here, and tcpdump when
// installed) carries, per TCP socket, exactly the bytes the guest's /proc/net/tcp counted:
// unread receive-queue payload (+ a FIN) = rx_queue, write + retransmit queues (+ SYN/FIN) = tx_queue.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runLine } from '../../src/shell/dispatch.js';
import { openRef } from '../../src/shell/drill.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';

interface Pkt { src: string; dst: string; proto: number; payload: number; flags: number; seq: number }

/** libpcap file, LINKTYPE_RAW: IPv4/IPv6 + TCP/UDP headers, as a reader sees them. */
function readPcap(b: Buffer): { linktype: number; packets: Pkt[] } {
  expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
  const linktype = b.readUInt32LE(20);
  const packets: Pkt[] = [];
  for (let o = 24; o < b.length; ) {
    const incl = b.readUInt32LE(o + 8);
    expect(b.readUInt32LE(o + 12)).toBe(incl);
    const ip = b.subarray(o + 16, o + 16 + incl);
    o += 16 + incl;
    const v6 = ip[0] >> 4 === 6;
    const hl = v6 ? 40 : (ip[0] & 15) * 4;
    const total = v6 ? 40 + ip.readUInt16BE(4) : ip.readUInt16BE(2);
    expect(total).toBe(ip.length); // the IP header describes exactly the bytes carried
    const proto = v6 ? ip[6] : ip[9];
    const a = (off: number) => (v6 ? `[${ip.subarray(off, off + 16).toString('hex')}]` : [...ip.subarray(off, off + 4)].join('.'));
    const l4 = ip.subarray(hl);
    const sport = l4.readUInt16BE(0);
    const dport = l4.readUInt16BE(2);
    const thl = proto === 6 ? (l4[12] >> 4) * 4 : 8;
    if (proto === 17) expect(l4.readUInt16BE(4)).toBe(l4.length);
    packets.push({ src: `${a(v6 ? 8 : 12)}:${sport}`, dst: `${a(v6 ? 24 : 16)}:${dport}`, proto, payload: l4.length - thl, flags: proto === 6 ? l4[13] : 0, seq: proto === 6 ? l4.readUInt32BE(4) : 0 });
  }
  return { linktype, packets };
}

const v6hex = (addr: string) => {
  // the truth's compressed IPv6 text → 32 hex digits
  const [l, r = ''] = addr.split('::');
  const g = (s: string) => (s ? s.split(':') : []);
  const all = [...g(l), ...Array(8 - g(l).length - g(r).length).fill('0'), ...g(r)];
  return `[${all.map((x) => x.padStart(4, '0')).join('')}]`;
};

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host', 'bookworm-6.1-host'];

describe.each(FIXTURES)('pcap on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);
  const dir = mkdtempSync(join(tmpdir(), 'xps-pcap-'));

  it('payload bytes add up to rx_queue and tx_queue of every TCP socket', () => {
    // -at in one file writes every queue; each socket's own file tells its queues apart (on
    // loopback one socket's write queue and its peer's receive queue look alike)
    const all = join(dir, 'all.pcap');
    expect(runLine(session, `pcap -at -w ${all}`).error).toBeUndefined();
    expect(readPcap(readFileSync(all)).linktype).toBe(101);
    const files = new Map<number, Pkt[]>();
    const packetsOf = (inode: number) => {
      let ps = files.get(inode);
      if (!ps) {
        const f = join(dir, `${inode}.pcap`);
        const r = runLine(session, `pcap ${inode} -w ${f}`);
        expect(r.error).toBeUndefined();
        files.set(inode, (ps = readPcap(readFileSync(f)).packets));
      }
      return ps;
    };
    let checked = 0;
    let txChecked = 0;
    for (const ns of truth.netns) {
      const tcp = allTcp(ns);
      for (const t of tcp) {
        if (t.state === 'LISTEN' || t.state === 'TIME_WAIT' || t.state === 'SYN_RECV') continue;
        // a connection not accepted yet has no inode: its listener's file holds its data
        const owner = t.inode || tcp.find((l) => l.state === 'LISTEN' && l.localPort === t.localPort)?.inode;
        if (!owner) continue;
        const ep = (a: string, p: number) => `${t.family === 'inet6' ? v6hex(a) : a}:${p}`;
        const local = ep(t.localAddr, t.localPort);
        const remote = ep(t.remoteAddr, t.remotePort);
        const seqSpace = (ps: Pkt[]) => ps.reduce((n, p) => n + p.payload + (p.flags & 1) + ((p.flags >> 1) & 1), 0);
        const ps = packetsOf(owner).filter((p) => p.proto === 6);
        expect(seqSpace(ps.filter((p) => p.src === remote && p.dst === local)), `rx of ${t.local} ${t.remote}`).toBe(t.rxQueue);
        expect(seqSpace(ps.filter((p) => p.src === local && p.dst === remote)), `tx of ${t.local} ${t.remote}`).toBe(t.txQueue);
        checked += t.rxQueue > 0 ? 1 : 0;
        txChecked += t.txQueue > 0 ? 1 : 0;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5); // websrv's unread requests, dbserver's 4 KiB, nsworker's pair…
    expect(txChecked).toBeGreaterThanOrEqual(1); // dbclient's ~650 KB unsent
  });

  it('one socket by inode; a listener gives its accept queue; UDP datagrams; tcpdump reads it', () => {
    const tcp = truth.netns.flatMap((ns) => allTcp(ns));
    const db = tcp.find((t) => t.txQueue > 600_000)!;
    expect(db).toBeDefined();
    const file = join(dir, 'db.pcap');
    const r = runLine(session, `pcap ${db.inode} -w ${file} --json`);
    expect(r.error).toBeUndefined();
    const j = JSON.parse(r.lines.join('\n'));
    expect(j.sockets[0].txBytes).toBe(db.txQueue);
    const { packets } = readPcap(readFileSync(file));
    expect(packets.reduce((n, p) => n + p.payload, 0)).toBe(db.txQueue);
    // sequence numbers follow each other from snd_una on
    for (let i = 1; i < packets.length; i++) expect(packets[i].seq).toBe((packets[i - 1].seq + packets[i - 1].payload) >>> 0);

    const listener = tcp.find((t) => t.state === 'LISTEN' && t.localPort === 8080)!;
    const lf = join(dir, 'listener.pcap');
    const lr = runLine(session, `pcap ${listener.inode} -w ${lf} --json`);
    const lj = JSON.parse(lr.lines.join('\n'));
    expect(lj.sockets.length).toBe(listener.rxQueue); // the connections never accepted
    expect(readPcap(readFileSync(lf)).packets.filter((p) => p.payload > 0).length).toBe(listener.rxQueue);

    const uf = join(dir, 'udp.pcap');
    expect(runLine(session, `pcap -au --port 5300 -w ${uf}`).error).toBeUndefined();
    const udp = readPcap(readFileSync(uf)).packets.filter((p) => p.dst === '127.0.0.1:5300');
    expect(udp.length).toBe(3); // resolver's 3 unread datagrams
    if (spawnSync('tcpdump', ['--version']).status === 0) {
      const td = spawnSync('tcpdump', ['-nn', '-vv', '-r', file], { encoding: 'utf8' });
      expect(td.status).toBe(0);
      const lines = td.stdout.split('\n').filter((l) => / length \d+/.test(l) && /Flags/.test(l));
      expect(lines.length).toBe(packets.length);
      expect(td.stdout).not.toMatch(/incorrect|bad /i);
    }
  });

  it("the shell's socket view writes its pcap with the key w", () => {
    const db = truth.netns.flatMap((ns) => allTcp(ns)).find((t) => t.txQueue > 600_000)!;
    const row = session.tables.findSocketByInode(db.inode)!;
    const view = openRef(session, { kind: 'sock', address: row.sock });
    const w = view.keys?.find((k) => k.key === 'w');
    expect(w?.help).toBe(`write xportshow-${db.inode}.pcap`);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(w!.run()).toMatch(new RegExp(`^wrote \\d+ packets \\(\\d+ bytes\\) to xportshow-${db.inode}.pcap$`));
      expect(readPcap(readFileSync(join(dir, `xportshow-${db.inode}.pcap`))).packets.reduce((n, p) => n + p.payload, 0)).toBe(db.txQueue);
    } finally {
      process.chdir(cwd);
    }
  });

  it('UNIX and TIME_WAIT sockets say why they have no pcap; -w is required', () => {
    const unix = session.tables.sockets('unix').rows.find((u) => u.inode);
    const r = runLine(session, `pcap ${unix!.inode} -w ${join(dir, 'u.pcap')}`);
    expect(r.error).toBeUndefined();
    expect(r.lines.join('\n')).toMatch(/no pcap link type fits/);
    expect(runLine(session, 'pcap 1234').error).toMatch(/-w FILE is needed/);
    rmSync(dir, { recursive: true, force: true });
  });
});
