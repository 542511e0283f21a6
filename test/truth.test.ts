import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  FIXTURE_NAMES,
  allTcp,
  decodeHexEndpoint,
  decodeHexIPv4,
  decodeHexIPv6,
  fixtureDir,
  initNetns,
  loadTruth,
  parseProcNetInet,
  parseProcNetUnix,
  socketOwners,
  type Truth,
} from './support/truth.js';

describe('truth decoding helpers', () => {
  it('decodes host-endian IPv4 hex', () => {
    expect(decodeHexIPv4('0100007F')).toBe('127.0.0.1');
    expect(decodeHexIPv4('0100010A')).toBe('10.1.0.1');
    expect(decodeHexIPv4('00000000')).toBe('0.0.0.0');
  });

  it('decodes IPv6 hex words into canonical text', () => {
    expect(decodeHexIPv6('00000000000000000000000001000000')).toBe('::1');
    expect(decodeHexIPv6('00000000000000000000000000000000')).toBe('::');
    expect(decodeHexIPv6('B80D0120000000000000000001000000')).toBe('2001:db8::1');
    expect(decodeHexIPv6('B80D0120000001000000000001000000')).toBe('2001:db8:1::1');
    expect(decodeHexIPv6('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(decodeHexIPv6('000080FE00000000FF005450563412FE')).toBe('fe80::5054:ff:fe12:3456');
    // the first of two equal zero runs is compressed; a longer later run wins
    expect(decodeHexIPv6('B80D0120000000000000010001000000')).toBe('2001:db8::1:0:0:1');
    expect(decodeHexIPv6('B80D0120000000000100000000000000')).toBe('2001:db8::1:0:0');
    // a single zero group is not compressed
    expect(decodeHexIPv6('B80D0120010000000100000001000000')).toBe('2001:db8:0:1:0:1:0:1');
  });

  it('formats endpoints', () => {
    expect(decodeHexEndpoint('0100007F:1F90').text).toBe('127.0.0.1:8080');
    expect(decodeHexEndpoint('00000000000000000000000001000000:20FB').text).toBe('[::1]:8443');
  });

  it('parses /proc/net/tcp and unix lines', () => {
    const tcp = parseProcNetInet(
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
        '   0: 00000000:2328 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 10871 4 00000000e8e3b48d 100 0 0 10 0\n' +
        '   8: 0100007F:D9FC 0100007F:1539 06 00000000:00000000 03:00001671 00000000     0        0 0 3 000000006b7edae4\n',
    );
    expect(tcp).toHaveLength(2);
    expect(tcp[0]).toMatchObject({ local: '0.0.0.0:9000', state: 'LISTEN', rxQueue: 3, inode: 10871 });
    expect(tcp[1]).toMatchObject({ remote: '127.0.0.1:5433', state: 'TIME_WAIT', timerActive: 3, timerJiffies: 0x1671, inode: 0 });
    const unix = parseProcNetUnix(
      'Num       RefCount Protocol Flags    Type St Inode Path\n' +
        '00000000febb6508: 00000002 00000000 00010000 0001 01  1236 /run/unixd.sock\n' +
        '00000000d96c5330: 00000003 00000000 00000000 0002 03  1242\n' +
        '000000005376fc77: 00000002 00000000 00010000 0001 01  1237 @xportshow.abstract\n',
    );
    expect(unix.map((u) => [u.type, u.state, u.inode, u.path])).toEqual([
      ['STREAM', 'LISTEN', 1236, '/run/unixd.sock'],
      ['DGRAM', 'CONNECTED', 1242, ''],
      ['STREAM', 'LISTEN', 1237, '@xportshow.abstract'],
    ]);
  });
});

const present = FIXTURE_NAMES.filter((n) => existsSync(join(fixtureDir(n), 'truth.txt')));

const releasePrefix: Record<string, string> = {
  'bullseye-5.10': '5.10.',
  'bookworm-6.1': '6.1.',
  'trixie-6.12': '6.12.',
};

describe.each(present)('fixture %s', (name) => {
  const dir = fixtureDir(name);
  const truth: Truth = loadTruth(dir);
  const init = initNetns(truth);

  it('has uname, cpus and meta that agree', () => {
    expect(truth.release.startsWith(releasePrefix[name]!)).toBe(true);
    expect(truth.uname.sysname).toBe('Linux');
    expect(truth.uname.machine).toBe('x86_64');
    expect(truth.uname.all).toContain(truth.release);
    expect(truth.uname.version).toMatch(/^#1 SMP/);
    expect(truth.cpus).toBe(2);
    expect(truth.meta?.kernelRelease).toBe(truth.release);
    expect(truth.meta?.cpus).toBe(truth.cpus);
    expect(truth.meta?.buildId).toMatch(/^[0-9a-f]{40}$/);
    expect(truth.uptime).toBeGreaterThan(0);
    expect(truth.uptimeEnd).toBeGreaterThanOrEqual(truth.uptime);
  });

  it('lists files in meta.json with correct sizes and hashes', () => {
    const files = truth.meta?.files ?? {};
    expect(Object.keys(files)).toContain('vmcore.kdump');
    expect(Object.keys(files)).toContain('truth.txt');
    for (const [f, info] of Object.entries(files)) {
      const buf = readFileSync(join(dir, f));
      expect(buf.length, f).toBe(info.bytes);
      if (buf.length < 64 * 1024 * 1024) {
        expect(createHash('sha256').update(buf).digest('hex'), f).toBe(info.sha256);
      }
    }
    const head = readFileSync(join(dir, 'vmcore.kdump')).subarray(0, 8).toString('latin1');
    expect(head).toBe('KDUMP   ');
  });

  it('has two network namespaces with distinct inodes', () => {
    expect(truth.netns).toHaveLength(2);
    expect(truth.netns[0]!.isInit).toBe(true);
    expect(init.inode).toBeGreaterThan(0);
    expect(truth.netns[1]!.inode).toBeGreaterThan(0);
    expect(truth.netns[1]!.inode).not.toBe(init.inode);
    const nsProc = truth.processes.find((p) => p.comm === 'nsworker');
    expect(nsProc?.netnsInode).toBe(truth.netns[1]!.inode);
    expect(truth.processes.find((p) => p.pid === 1)?.netnsInode).toBe(init.inode);
  });

  it('has the TCP states the scenario creates', () => {
    const tcp = allTcp(init);
    const states = new Set(tcp.map((r) => r.state));
    for (const s of ['LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'FIN_WAIT2', 'CLOSE_WAIT', 'SYN_SENT', 'SYN_RECV']) {
      expect(states, s).toContain(s);
    }
    const l8080 = init.tcp.find((r) => r.state === 'LISTEN' && r.local === '0.0.0.0:8080');
    expect(l8080?.rxQueue).toBe(3); // three connections never accepted
    expect(init.tcp6.some((r) => r.state === 'LISTEN' && r.local === '[::]:8443')).toBe(true);
    expect(init.tcp6.some((r) => r.state === 'ESTABLISHED' && r.local === '[::1]:8443' && r.rxQueue > 0)).toBe(true);
    // the SYN queue of :9000 holds requests from 10.99.0.x (replies go out dummy0)
    const synRecv = init.tcp.filter((r) => r.state === 'SYN_RECV');
    expect(synRecv.length).toBeGreaterThanOrEqual(1);
    expect(synRecv.every((r) => r.local === '10.1.0.1:9000' && r.remoteAddr.startsWith('10.99.0.'))).toBe(true);
    // the bulk sender has a full send queue
    expect(init.tcp.some((r) => r.state === 'ESTABLISHED' && r.remote === '127.0.0.1:5432' && r.txQueue > 100_000)).toBe(true);
  });

  it('has UDP, RAW, UNIX and PACKET sockets', () => {
    expect(init.udp.some((r) => r.local === '0.0.0.0:5353')).toBe(true);
    expect(init.udp6.some((r) => r.local === '[::]:5353')).toBe(true);
    expect(init.udp.some((r) => r.state === 'ESTABLISHED' && r.remote === '10.1.0.53:53')).toBe(true);
    expect(init.udp.find((r) => r.local === '127.0.0.1:5300')?.rxQueue).toBeGreaterThan(0);
    expect(init.udp.find((r) => r.local === '127.0.0.1:5301')?.drops).toBeGreaterThan(0);
    expect(init.udplite.some((r) => r.local === '0.0.0.0:5400')).toBe(true);
    expect(init.raw.some((r) => r.localPort === 1)).toBe(true); // IPPROTO_ICMP
    expect(init.raw6.some((r) => r.localPort === 58)).toBe(true); // IPPROTO_ICMPV6
    const paths = init.unix.map((u) => u.path);
    expect(paths).toContain('/run/unixd.sock');
    expect(paths).toContain('@xportshow.abstract');
    expect(init.unix.some((u) => u.type === 'SEQPACKET' && u.state === 'LISTEN')).toBe(true);
    expect(init.unix.some((u) => u.type === 'DGRAM')).toBe(true);
    expect(init.packet.some((p) => p.proto === 0x0003)).toBe(true); // ETH_P_ALL
    expect(init.packet.some((p) => p.proto === 0x0800 && p.iface > 0)).toBe(true);
  });

  it('has sockets shared by two fds and by two processes', () => {
    const websrv = truth.processes.find((p) => p.comm === 'websrv');
    expect(websrv).toBeDefined();
    const onFd100 = websrv!.fds.find((f) => f.fd === 100)?.socketInode;
    expect(onFd100).toBeGreaterThan(0);
    expect(socketOwners(truth, onFd100!).filter((o) => o.comm === 'websrv')).toHaveLength(2);
    const listener = init.tcp.find((r) => r.state === 'LISTEN' && r.local === '0.0.0.0:8080');
    const owners = socketOwners(truth, listener!.inode).map((o) => o.comm).sort();
    expect(owners).toEqual(['websrv', 'websrv-worker']);
  });

  it('second netns has its own sockets and loopback', () => {
    const ns = truth.netns[1]!;
    expect(ns.tcp.some((r) => r.state === 'LISTEN' && r.local === '127.0.0.1:7000')).toBe(true);
    expect(ns.tcp.filter((r) => r.state === 'ESTABLISHED').length).toBeGreaterThanOrEqual(3);
    expect(ns.udp.some((r) => r.local === '0.0.0.0:7053')).toBe(true);
    expect(ns.unix.some((u) => u.path === '@nsworker.ctl')).toBe(true);
    expect(ns.dev.map((d) => d.iface).sort()).toEqual(['lo', 'veth1']);
    expect(ns.sysctl.get('net.ipv4.tcp_fin_timeout')).toBe('45');
    // no init_net socket leaks into it
    expect(ns.tcp.some((r) => r.localPort === 8080)).toBe(false);
  });

  it('has interfaces, routes, neighbours and changed sysctls', () => {
    const ifs = init.dev.map((d) => d.iface);
    for (const i of ['lo', 'eth0', 'dummy0', 'dummy1', 'veth0', 'br0']) expect(ifs).toContain(i);
    expect(init.route.some((r) => r.destination === '10.99.0.0' && r.gateway === '10.1.0.254' && r.iface === 'dummy0')).toBe(true);
    expect(init.route.some((r) => r.destination === '0.0.0.0' && r.gateway === '10.0.2.2')).toBe(true);
    expect(init.text.get('ip.route')).toContain('blackhole 198.51.100.0/24');
    expect(init.arp.some((a) => a.ip === '10.0.2.99' && a.hwAddr === '52:54:00:12:34:99' && (a.flags & 0x4) !== 0)).toBe(true);
    expect(truth.sysctl.get('net.ipv4.tcp_fin_timeout')).toBe('30');
    expect(truth.sysctl.get('net.core.somaxconn')).toBe('1024');
    expect(truth.sysctl.get('net.ipv4.ip_forward')).toBe('1');
    expect(init.snmp.get('Tcp')?.get('ActiveOpens')).toBeGreaterThan(10);
    expect(init.sockstat.get('TCP')?.get('tw')).toBeGreaterThanOrEqual(3);
  });
});

describe('bookworm-6.1-vxlan (default scenario + VXLAN/GENEVE kernel sockets)', () => {
  const dir = fixtureDir('bookworm-6.1-vxlan');
  it.runIf(existsSync(join(dir, 'truth.txt')))('parses, matches meta.json and shows the tunnel sockets', () => {
    const truth = loadTruth(dir);
    const init = initNetns(truth);
    expect(truth.scenario).toBe('vxlan');
    expect(truth.release.startsWith('6.1.')).toBe(true);
    expect(truth.meta?.scenario).toBe('vxlan');
    for (const [f, info] of Object.entries(truth.meta?.files ?? {})) {
      const buf = readFileSync(join(dir, f));
      expect(buf.length, f).toBe(info.bytes);
      expect(createHash('sha256').update(buf).digest('hex'), f).toBe(info.sha256);
    }
    // kernel sockets: a sockfs inode but no file, so no process owns them
    for (const port of [4789, 6081]) {
      const row = init.udp.find((r) => r.local === `0.0.0.0:${port}`);
      expect(row, String(port)).toBeDefined();
      expect(row!.inode).toBeGreaterThan(0);
      expect(socketOwners(truth, row!.inode)).toEqual([]);
    }
    expect(init.dev.map((d) => d.iface)).toEqual(expect.arrayContaining(['vxlan42', 'geneve7', 'dummy0']));
    // the default scenario is there too
    expect(init.tcp.find((r) => r.state === 'LISTEN' && r.local === '0.0.0.0:8080')?.rxQueue).toBe(3);
    expect(truth.netns).toHaveLength(2);
  });
});

describe('bullseye extras', () => {
  const dir = fixtureDir('bullseye-5.10');
  it.runIf(existsSync(join(dir, 'kallsyms')))('ships kallsyms and the vmlinux BTF', () => {
    const ks = readFileSync(join(dir, 'kallsyms'), 'utf8');
    expect(ks).toMatch(/^ffffffff[0-9a-f]{8} [Tt] _stext$/m);
    expect(ks).toMatch(/ [Dd] init_net$/m);
    const btf = readFileSync(join(dir, 'vmlinux.btf'));
    expect(btf.readUInt16LE(0)).toBe(0xeb9f); // BTF magic
  });
});

// ---------------------------------------------------------------- raw kdump sanity (fixture integrity)

const CODEC_FLAG: Record<string, number> = { zlib: 0x1, lzo: 0x2, snappy: 0x4, zstd: 0x20 };

interface KdumpPages {
  blockSize: number;
  status: number;
  descs: { offset: number; size: number; flags: number }[];
  buf: Buffer;
}

/** Minimal reader of a makedumpfile kdump-compressed file: header fields and page descriptors. */
function readKdump(path: string): KdumpPages {
  const buf = readFileSync(path);
  expect(buf.subarray(0, 8).toString('latin1')).toBe('KDUMP   ');
  const version = buf.readInt32LE(8);
  const status = buf.readUInt32LE(424);
  const blockSize = buf.readInt32LE(428);
  const subHdrSize = buf.readInt32LE(432);
  const bitmapBlocks = buf.readUInt32LE(436);
  let maxMapnr = buf.readUInt32LE(440);
  if (version >= 6) maxMapnr = Number(buf.readBigUInt64LE(blockSize + 96));
  const half = (bitmapBlocks / 2) * blockSize;
  const bm2 = (1 + subHdrSize) * blockSize + half;
  let n = 0;
  for (let pfn = 0; pfn < maxMapnr && pfn >> 3 < half; pfn++) if (buf[bm2 + (pfn >> 3)]! & (1 << (pfn & 7))) n++;
  const descOff = (1 + subHdrSize + bitmapBlocks) * blockSize;
  const descs: KdumpPages['descs'] = [];
  for (let i = 0; i < n; i++) {
    const o = descOff + i * 24;
    descs.push({ offset: Number(buf.readBigInt64LE(o)), size: buf.readUInt32LE(o + 8), flags: buf.readUInt32LE(o + 12) });
  }
  return { blockSize, status, descs, buf };
}

const require = createRequire(import.meta.url);
const snappy = require('snappyjs') as { uncompress(b: Uint8Array): Uint8Array };

function pageOf(k: KdumpPages, i: number): Buffer {
  const d = k.descs[i]!;
  const raw = k.buf.subarray(d.offset, d.offset + d.size);
  if (d.flags === 0) return raw;
  if (d.flags & 0x1) return inflateSync(raw);
  if (d.flags & 0x4) return Buffer.from(snappy.uncompress(raw));
  throw new Error(`codec ${d.flags} not decoded here`);
}

describe.each(present)('kdump file of %s', (name) => {
  const dir = fixtureDir(name);
  const meta = loadTruth(dir).meta!;
  it('stores its pages with the codec meta.json names', () => {
    const k = readKdump(join(dir, 'vmcore.kdump'));
    const flag = CODEC_FLAG[meta.compression]!;
    expect(flag).toBeDefined();
    expect(k.blockSize).toBe(4096);
    expect(k.status & flag).toBe(flag);
    expect(k.descs.length).toBeGreaterThan(10_000);
    const flags = new Set(k.descs.map((d) => d.flags));
    for (const f of flags) expect([0, flag]).toContain(f);
    expect(flags).toContain(flag);
    for (const d of k.descs) expect(d.offset + d.size).toBeLessThanOrEqual(k.buf.length);
  });
});

describe('bookworm snappy variant', () => {
  const dir = fixtureDir('bookworm-6.1');
  it.runIf(existsSync(join(dir, 'vmcore.snappy.kdump')))('holds the same pages as the zlib file', () => {
    const z = readKdump(join(dir, 'vmcore.kdump'));
    const s = readKdump(join(dir, 'vmcore.snappy.kdump'));
    expect(s.status & 0x4).toBe(0x4);
    expect(s.descs.length).toBe(z.descs.length);
    expect(s.descs.some((d) => d.flags === 0x4)).toBe(true);
    // same header up to the status field, same VMCOREINFO
    expect(s.buf.subarray(0, 424).equals(z.buf.subarray(0, 424))).toBe(true);
    // sub-header: all but offset_eraseinfo (+64) are the same, and so are VMCOREINFO and the notes after it
    expect(s.buf.subarray(4096, 4096 + 64).equals(z.buf.subarray(4096, 4096 + 64))).toBe(true);
    expect(s.buf.subarray(4096 + 72, 8192).equals(z.buf.subarray(4096 + 72, 8192))).toBe(true);
    for (let i = 0; i < z.descs.length; i += 7) {
      expect(pageOf(s, i).equals(pageOf(z, i)), `page ${i}`).toBe(true);
    }
  });
});
