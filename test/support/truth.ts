/**
 * Ground truth of a fixture dump (dumps/<suite>-<ver>/truth.txt).
 *
 * The guest prints, just before its memory is dumped, what its own tools saw
 * (uname, /proc/net/* of every network namespace, ip addr/route/neigh,
 * sysctl net.*, every process with its fds).  Format (see dumps/README.md):
 *
 *   @@@ XPORTSHOW-TRUTH v1
 *   @@@ BEGIN <section name>
 *   ...raw text...
 *   @@@ END <section name>
 *   ...
 *   @@@ READY
 *
 * `loadTruth(dir)` parses it into typed rows.  Addresses are decoded from the
 * kernel's host-endian hex into text: `127.0.0.1:8080`, `[::1]:8443`
 * (IPv6 in the canonical compressed form that inet_ntop prints).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- types

/** One row of /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6,icmp,icmp6}. */
export interface ProcNetInetRow {
  /** hash-slot number ("sl") */
  sl: number;
  family: 'inet' | 'inet6';
  /** "127.0.0.1:8080" or "[::1]:8443" */
  local: string;
  remote: string;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  /** kernel state number (the "st" column) */
  stateCode: number;
  /** kernel name: ESTABLISHED, LISTEN, TIME_WAIT, SYN_RECV, CLOSE, ... */
  state: string;
  txQueue: number;
  rxQueue: number;
  /** timer kind (the "tr" column): 0 none, 1 retransmit/probe, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe */
  timerActive: number;
  /** jiffies until the timer fires (tm->when, hex in the file) */
  timerJiffies: number;
  retransmits: number;
  uid: number;
  timeout: number;
  /** socket inode, 0 for TIME_WAIT / SYN_RECV mini-sockets and not yet accepted ones */
  inode: number;
  /** columns after the inode (refcount, hashed pointer, rto/ato/... for TCP, drops for UDP/RAW) */
  extra: string[];
  /** drops column (UDP, RAW, ICMP) when present */
  drops?: number;
  /** raw hex of the address columns, e.g. "0100007F:1F90" */
  rawLocal: string;
  rawRemote: string;
  /** the whole line */
  raw: string;
}

/** One row of /proc/net/unix. */
export interface ProcNetUnixRow {
  /** hashed kernel address printed first ("Num") */
  num: string;
  refCount: number;
  protocol: number;
  flags: number;
  /** __SO_ACCEPTCON (0x10000) is set: a listener */
  listening: boolean;
  typeCode: number;
  type: 'STREAM' | 'DGRAM' | 'SEQPACKET' | string;
  /** raw st value: 0 FREE, 1 UNCONNECTED, 2 CONNECTING, 3 CONNECTED, 4 DISCONNECTING */
  st: number;
  /** "LISTEN" for listeners, otherwise the SS_ name without prefix */
  state: string;
  inode: number;
  /** bound path; abstract names start with '@'; '' when unbound */
  path: string;
  raw: string;
}

/** One row of /proc/net/packet. */
export interface ProcNetPacketRow {
  sk: string;
  refCount: number;
  /** socket type: 2 SOCK_DGRAM, 3 SOCK_RAW */
  type: number;
  /** ethertype as printed (host order), e.g. 0x0003 = ETH_P_ALL, 0x0800 = IP */
  proto: number;
  /** interface index, 0 = any */
  iface: number;
  running: boolean;
  rmem: number;
  uid: number;
  inode: number;
  raw: string;
}

/** One row of /proc/net/netlink. */
export interface ProcNetNetlinkRow {
  sk: string;
  protocol: number;
  portId: number;
  groups: string;
  rmem: number;
  wmem: number;
  inode: number;
  raw: string;
}

/** One row of /proc/net/dev. */
export interface ProcNetDevRow {
  iface: string;
  rxBytes: number; rxPackets: number; rxErrs: number; rxDrop: number;
  txBytes: number; txPackets: number; txErrs: number; txDrop: number;
  /** all 16 counters in file order */
  counters: number[];
}

/** One row of /proc/net/route (IPv4 main table). */
export interface ProcNetRouteRow {
  iface: string;
  destination: string;
  gateway: string;
  flags: number;
  metric: number;
  mask: string;
  /** prefix length computed from the mask */
  prefixLen: number;
  mtu: number;
  raw: string;
}

/** One row of /proc/net/arp. */
export interface ProcNetArpRow {
  ip: string;
  hwType: number;
  flags: number;
  hwAddr: string;
  device: string;
}

export interface NetnsTruth {
  /** "init" or "ns1" */
  name: string;
  /** pid whose /proc/<pid>/net was read */
  pid: number;
  /** netns inode number (readlink /proc/<pid>/ns/net) */
  inode: number;
  isInit: boolean;
  tcp: ProcNetInetRow[];
  tcp6: ProcNetInetRow[];
  udp: ProcNetInetRow[];
  udp6: ProcNetInetRow[];
  udplite: ProcNetInetRow[];
  udplite6: ProcNetInetRow[];
  raw: ProcNetInetRow[];
  raw6: ProcNetInetRow[];
  icmp: ProcNetInetRow[];
  icmp6: ProcNetInetRow[];
  unix: ProcNetUnixRow[];
  packet: ProcNetPacketRow[];
  netlink: ProcNetNetlinkRow[];
  dev: ProcNetDevRow[];
  route: ProcNetRouteRow[];
  arp: ProcNetArpRow[];
  /** "Tcp" -> {"ActiveOpens" -> 12, ...} from /proc/net/snmp */
  snmp: Map<string, Map<string, number>>;
  /** "TcpExt" -> {...} from /proc/net/netstat */
  netstat: Map<string, Map<string, number>>;
  /** "Ip6InReceives" -> n from /proc/net/snmp6 */
  snmp6: Map<string, number>;
  /** "TCP" -> {"inuse" -> 20, "tw" -> 3, ...} from /proc/net/sockstat (+ sockstat6) */
  sockstat: Map<string, Map<string, number>>;
  /** net.* sysctls as seen inside this namespace */
  sysctl: Map<string, string>;
  /** raw text of this namespace's sections by short name: "tcp", "ipv6_route", "ip.addr", "ip.route6", "sysctl", ... */
  text: Map<string, string>;
}

export interface FdTruth {
  fd: number;
  /** readlink target, e.g. "socket:[1234]", "/dev/console", "pipe:[5]" */
  target: string;
  /** inode when target is "socket:[N]" */
  socketInode?: number;
}

export interface ProcessTruth {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
  netnsInode: number;
  fds: FdTruth[];
}

export interface UnameTruth {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  /** `uname -a` */
  all: string;
}

export interface FixtureMeta {
  suite: string;
  scenario?: string;
  kernelRelease: string;
  debVersion: string;
  compression: string;
  guestMemMiB: number;
  cpus: number;
  buildId: string;
  files: Record<string, { bytes: number; sha256: string }>;
  [k: string]: unknown;
}

export interface Truth {
  dir: string;
  scenario: string;
  release: string;
  uname: UnameTruth;
  cpus: number;
  /** /proc/uptime first field when the truth started / ended printing */
  uptime: number;
  uptimeEnd: number;
  /** `date +%s` in the guest */
  epoch: number;
  /** jiffies from /proc/timer_list, if it was available */
  jiffies?: bigint;
  /** kernel command line */
  cmdline: string;
  /** netns[0] is init_net */
  netns: NetnsTruth[];
  processes: ProcessTruth[];
  /** net.* sysctls of init_net */
  sysctl: Map<string, string>;
  /** raw text of every section, by its full name ("net.init.tcp", "uname.r", "proc.164", ...) */
  sections: Map<string, string>;
  /** meta.json next to truth.txt, if present */
  meta?: FixtureMeta;
}

// ---------------------------------------------------------------- decoding helpers

export const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2',
  6: 'TIME_WAIT', 7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN',
  11: 'CLOSING', 12: 'NEW_SYN_RECV', 13: 'BOUND_INACTIVE',
};

export const UNIX_TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 5: 'SEQPACKET' };
export const UNIX_SS: Record<number, string> = {
  0: 'FREE', 1: 'UNCONNECTED', 2: 'CONNECTING', 3: 'CONNECTED', 4: 'DISCONNECTING',
};
const SO_ACCEPTCON = 0x10000;

/** "0100007F" (a __be32 printed as a host-endian x86 u32) -> "127.0.0.1" */
export function decodeHexIPv4(hex: string): string {
  const n = Number.parseInt(hex, 16) >>> 0;
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/** 32 hex digits, four host-endian u32 words -> the 16 address bytes */
export function hexIPv6Bytes(hex: string): Uint8Array {
  if (hex.length !== 32) throw new Error(`bad IPv6 hex ${hex}`);
  const out = new Uint8Array(16);
  for (let w = 0; w < 4; w++) {
    const n = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0;
    out[w * 4] = n & 0xff;
    out[w * 4 + 1] = (n >>> 8) & 0xff;
    out[w * 4 + 2] = (n >>> 16) & 0xff;
    out[w * 4 + 3] = (n >>> 24) & 0xff;
  }
  return out;
}

/**
 * IPv6 text as glibc inet_ntop prints it: lowercase, no leading zeros, the
 * longest run (>= 2) of zero groups as "::" (the first one on ties), and the
 * embedded dotted quad for ::ffff:a.b.c.d and ::a.b.c.d.
 */
export function formatIPv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) { curBase = i; curLen = 1; } else curLen++;
    } else if (curBase !== -1) {
      if (curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
      curBase = -1;
    }
  }
  if (curBase !== -1 && curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      s += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      break;
    }
    s += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) s += ':';
  return s;
}

export function decodeHexIPv6(hex: string): string {
  return formatIPv6(hexIPv6Bytes(hex));
}

/** "0100007F:1F90" -> {addr: "127.0.0.1", port: 8080, text: "127.0.0.1:8080"} */
export function decodeHexEndpoint(field: string): { addr: string; port: number; text: string; family: 'inet' | 'inet6' } {
  const [hex, portHex] = field.split(':');
  if (hex === undefined || portHex === undefined) throw new Error(`bad endpoint ${field}`);
  const port = Number.parseInt(portHex, 16);
  if (hex.length === 8) {
    const addr = decodeHexIPv4(hex);
    return { addr, port, text: `${addr}:${port}`, family: 'inet' };
  }
  const addr = decodeHexIPv6(hex);
  return { addr, port, text: `[${addr}]:${port}`, family: 'inet6' };
}

// ---------------------------------------------------------------- section parsers

function dataLines(text: string | undefined): string[] {
  if (!text) return [];
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** /proc/net/{tcp,udp,raw,...}[6]; `kind` picks the state names (TCP vs others use the same numbers). */
export function parseProcNetInet(text: string | undefined): ProcNetInetRow[] {
  const rows: ProcNetInetRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 10 || !/^\d+:$/.test(t[0]!)) continue;
    const local = decodeHexEndpoint(t[1]!);
    const remote = decodeHexEndpoint(t[2]!);
    const stateCode = Number.parseInt(t[3]!, 16);
    const [tx, rx] = t[4]!.split(':');
    const [tr, when] = t[5]!.split(':');
    const extra = t.slice(10);
    const row: ProcNetInetRow = {
      sl: Number.parseInt(t[0]!, 10),
      family: local.family,
      local: local.text,
      remote: remote.text,
      localAddr: local.addr,
      localPort: local.port,
      remoteAddr: remote.addr,
      remotePort: remote.port,
      stateCode,
      state: TCP_STATES[stateCode] ?? `STATE_${stateCode}`,
      txQueue: Number.parseInt(tx ?? '0', 16),
      rxQueue: Number.parseInt(rx ?? '0', 16),
      timerActive: Number.parseInt(tr ?? '0', 16),
      timerJiffies: Number.parseInt(when ?? '0', 16),
      retransmits: Number.parseInt(t[6]!, 16),
      uid: Number.parseInt(t[7]!, 10),
      timeout: Number.parseInt(t[8]!, 10),
      inode: Number.parseInt(t[9]!, 10),
      extra,
      rawLocal: t[1]!,
      rawRemote: t[2]!,
      raw: line,
    };
    rows.push(row);
  }
  return rows;
}

function withDrops(rows: ProcNetInetRow[]): ProcNetInetRow[] {
  for (const r of rows) {
    // udp/raw/icmp: ref pointer drops
    if (r.extra.length >= 3) {
      const d = Number.parseInt(r.extra[2]!, 10);
      if (Number.isFinite(d)) r.drops = d;
    }
  }
  return rows;
}

export function parseProcNetUnix(text: string | undefined): ProcNetUnixRow[] {
  const rows: ProcNetUnixRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    const m = /^([0-9a-fA-F]+):\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+(\d+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const flags = Number.parseInt(m[4]!, 16);
    const typeCode = Number.parseInt(m[5]!, 16);
    const st = Number.parseInt(m[6]!, 16);
    const listening = (flags & SO_ACCEPTCON) !== 0;
    rows.push({
      num: m[1]!,
      refCount: Number.parseInt(m[2]!, 16),
      protocol: Number.parseInt(m[3]!, 16),
      flags,
      listening,
      typeCode,
      type: UNIX_TYPES[typeCode] ?? `TYPE_${typeCode}`,
      st,
      state: listening ? 'LISTEN' : (UNIX_SS[st] ?? `SS_${st}`),
      inode: Number.parseInt(m[7]!, 10),
      path: m[8] ?? '',
      raw: line,
    });
  }
  return rows;
}

export function parseProcNetPacket(text: string | undefined): ProcNetPacketRow[] {
  const rows: ProcNetPacketRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 9) continue;
    rows.push({
      sk: t[0]!,
      refCount: Number.parseInt(t[1]!, 10),
      type: Number.parseInt(t[2]!, 10),
      proto: Number.parseInt(t[3]!, 16),
      iface: Number.parseInt(t[4]!, 10),
      running: t[5] === '1',
      rmem: Number.parseInt(t[6]!, 10),
      uid: Number.parseInt(t[7]!, 10),
      inode: Number.parseInt(t[8]!, 10),
      raw: line,
    });
  }
  return rows;
}

export function parseProcNetNetlink(text: string | undefined): ProcNetNetlinkRow[] {
  const rows: ProcNetNetlinkRow[] = [];
  const lines = dataLines(text);
  // net/netlink/af_netlink.c: netlink_seq_show — "sk Eth Pid Groups Rmem Wmem Dump Locks Drops
  // Inode"; kernels before 4.x also had a RefCnt column after sk.
  const refcnt = /RefCnt/.test(lines[0] ?? '') ? 1 : 0;
  for (const line of lines.slice(1)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 10 + refcnt) continue;
    rows.push({
      sk: t[0]!,
      protocol: Number.parseInt(t[1 + refcnt]!, 10),
      portId: Number.parseInt(t[2 + refcnt]!, 10),
      groups: t[3 + refcnt]!,
      rmem: Number.parseInt(t[4 + refcnt]!, 10),
      wmem: Number.parseInt(t[5 + refcnt]!, 10),
      inode: Number.parseInt(t[9 + refcnt]!, 10),
      raw: line,
    });
  }
  return rows;
}

export function parseProcNetDev(text: string | undefined): ProcNetDevRow[] {
  const rows: ProcNetDevRow[] = [];
  for (const line of dataLines(text).slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const c = m[2]!.trim().split(/\s+/).map((x) => Number(x));
    rows.push({
      iface: m[1]!.trim(),
      rxBytes: c[0]!, rxPackets: c[1]!, rxErrs: c[2]!, rxDrop: c[3]!,
      txBytes: c[8]!, txPackets: c[9]!, txErrs: c[10]!, txDrop: c[11]!,
      counters: c,
    });
  }
  return rows;
}

function popcount32(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x >>>= 1) c += x & 1;
  return c;
}

export function parseProcNetRoute(text: string | undefined): ProcNetRouteRow[] {
  const rows: ProcNetRouteRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
    const t = line.trim().split(/\s+/);
    if (t.length < 11) continue;
    rows.push({
      iface: t[0]!,
      destination: decodeHexIPv4(t[1]!),
      gateway: decodeHexIPv4(t[2]!),
      flags: Number.parseInt(t[3]!, 16),
      metric: Number.parseInt(t[6]!, 10),
      mask: decodeHexIPv4(t[7]!),
      prefixLen: popcount32(Number.parseInt(t[7]!, 16)),
      mtu: Number.parseInt(t[8]!, 10),
      raw: line,
    });
  }
  return rows;
}

export function parseProcNetArp(text: string | undefined): ProcNetArpRow[] {
  const rows: ProcNetArpRow[] = [];
  for (const line of dataLines(text).slice(1)) {
    // IP address  HW type  Flags  HW address  Mask  Device
    const t = line.trim().split(/\s+/);
    if (t.length < 6) continue;
    rows.push({
      ip: t[0]!,
      hwType: Number.parseInt(t[1]!, 16),
      flags: Number.parseInt(t[2]!, 16),
      hwAddr: t[3]!,
      device: t[5]!,
    });
  }
  return rows;
}

/** "Tcp: A B C" / "Tcp: 1 2 3" pairs (/proc/net/snmp and /proc/net/netstat) */
export function parseHeaderValuePairs(text: string | undefined): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = dataLines(text);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const h = lines[i]!.split(/\s+/);
    const v = lines[i + 1]!.split(/\s+/);
    const name = h[0]!.replace(/:$/, '');
    const m = out.get(name) ?? new Map<string, number>();
    for (let j = 1; j < h.length && j < v.length; j++) m.set(h[j]!, Number(v[j]));
    out.set(name, m);
  }
  return out;
}

/** "Ip6InReceives   12" lines */
export function parseKeyValueLines(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of dataLines(text)) {
    const t = line.trim().split(/\s+/);
    if (t.length >= 2) out.set(t[0]!, Number(t[1]));
  }
  return out;
}

/** "TCP: inuse 10 orphan 0 tw 3 alloc 20 mem 1" */
export function parseSockstat(text: string | undefined): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of dataLines(text)) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const kv = m[2]!.trim().split(/\s+/);
    const map = new Map<string, number>();
    for (let i = 0; i + 1 < kv.length; i += 2) map.set(kv[i]!, Number(kv[i + 1]));
    out.set(m[1]!, map);
  }
  return out;
}

/** `sysctl -a` output: "net.ipv4.tcp_fin_timeout = 30"; tabs inside values are kept as printed */
export function parseSysctl(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of dataLines(text)) {
    const i = line.indexOf(' = ');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 3));
  }
  return out;
}

/** Split a truth file into its sections. */
export function parseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let buf: string[] = [];
  for (const line of text.replace(/\r/g, '').split('\n')) {
    if (line.startsWith('@@@ BEGIN ')) {
      name = line.slice(10);
      buf = [];
    } else if (line.startsWith('@@@ END ') && name !== undefined) {
      sections.set(name, buf.join('\n'));
      name = undefined;
    } else if (name !== undefined) {
      buf.push(line);
    }
  }
  return sections;
}

function nsInodeOf(link: string | undefined): number {
  const m = /net:\[(\d+)\]/.exec(link ?? '');
  return m ? Number(m[1]) : 0;
}

function parseProcess(text: string): ProcessTruth {
  const p: ProcessTruth = { pid: 0, ppid: 0, comm: '', cmdline: '', netnsInode: 0, fds: [] };
  for (const line of text.split('\n')) {
    const fd = /^fd (\d+) -> (.*)$/.exec(line);
    if (fd) {
      const target = fd[2]!;
      const s = /^socket:\[(\d+)\]$/.exec(target);
      p.fds.push(s ? { fd: Number(fd[1]), target, socketInode: Number(s[1]) } : { fd: Number(fd[1]), target });
      continue;
    }
    const i = line.indexOf('=');
    if (i < 0) continue;
    const k = line.slice(0, i);
    const v = line.slice(i + 1);
    if (k === 'pid') p.pid = Number(v);
    else if (k === 'ppid') p.ppid = Number(v);
    else if (k === 'comm') p.comm = v;
    else if (k === 'cmdline') p.cmdline = v;
    else if (k === 'netns') p.netnsInode = nsInodeOf(v);
  }
  p.fds.sort((a, b) => a.fd - b.fd);
  return p;
}

/** Parse truth text (without reading any file). */
export function parseTruth(text: string, dir = ''): Truth {
  if (!text.startsWith('@@@ XPORTSHOW-TRUTH v1')) throw new Error('not an xportshow truth file');
  const sections = parseSections(text);
  const one = (k: string): string => (sections.get(k) ?? '').trim();

  const netns: NetnsTruth[] = [];
  for (const line of dataLines(sections.get('netns.list'))) {
    const [name, pidS, link] = line.trim().split(/\s+/);
    if (!name || !pidS) continue;
    const sec = (f: string): string | undefined => sections.get(`net.${name}.${f}`);
    const text = new Map<string, string>();
    const prefixes = [`net.${name}.`, `ip.${name}.`];
    for (const [k, v] of sections) {
      for (const pre of prefixes) {
        if (k.startsWith(pre)) text.set((pre.startsWith('ip.') ? 'ip.' : '') + k.slice(pre.length), v);
      }
    }
    if (sections.has(`sysctl.${name}`)) text.set('sysctl', sections.get(`sysctl.${name}`)!);
    const sockstat = parseSockstat(sec('sockstat'));
    for (const [k, v] of parseSockstat(sec('sockstat6'))) sockstat.set(k, v);
    netns.push({
      name,
      pid: Number(pidS),
      inode: nsInodeOf(sec('inode') ?? link),
      isInit: name === 'init',
      tcp: parseProcNetInet(sec('tcp')),
      tcp6: parseProcNetInet(sec('tcp6')),
      udp: withDrops(parseProcNetInet(sec('udp'))),
      udp6: withDrops(parseProcNetInet(sec('udp6'))),
      udplite: withDrops(parseProcNetInet(sec('udplite'))),
      udplite6: withDrops(parseProcNetInet(sec('udplite6'))),
      raw: withDrops(parseProcNetInet(sec('raw'))),
      raw6: withDrops(parseProcNetInet(sec('raw6'))),
      icmp: withDrops(parseProcNetInet(sec('icmp'))),
      icmp6: withDrops(parseProcNetInet(sec('icmp6'))),
      unix: parseProcNetUnix(sec('unix')),
      packet: parseProcNetPacket(sec('packet')),
      netlink: parseProcNetNetlink(sec('netlink')),
      dev: parseProcNetDev(sec('dev')),
      route: parseProcNetRoute(sec('route')),
      arp: parseProcNetArp(sec('arp')),
      snmp: parseHeaderValuePairs(sec('snmp')),
      netstat: parseHeaderValuePairs(sec('netstat')),
      snmp6: parseKeyValueLines(sec('snmp6')),
      sockstat,
      sysctl: parseSysctl(sections.get(`sysctl.${name}`)),
      text,
    });
  }
  netns.sort((a, b) => (a.isInit === b.isInit ? a.name.localeCompare(b.name) : a.isInit ? -1 : 1));

  const processes: ProcessTruth[] = [];
  for (const [k, v] of sections) if (/^proc\.\d+$/.test(k)) processes.push(parseProcess(v));
  processes.sort((a, b) => a.pid - b.pid);

  const jf = /jiffies:\s*(\d+)/.exec(sections.get('jiffies') ?? '');
  const cpus = Number(one('nproc'));
  return {
    dir,
    scenario: one('scenario') || 'default',
    release: one('uname.r'),
    uname: {
      sysname: one('uname.s'),
      nodename: one('uname.n'),
      release: one('uname.r'),
      version: one('uname.v'),
      machine: one('uname.m'),
      all: one('uname.a'),
    },
    cpus: Number.isFinite(cpus) && cpus > 0 ? cpus : Number(one('cpuinfo.processors')),
    uptime: Number(one('uptime').split(/\s+/)[0]),
    uptimeEnd: Number(one('uptime.end').split(/\s+/)[0]),
    epoch: Number(one('date.epoch')),
    ...(jf ? { jiffies: BigInt(jf[1]!) } : {}),
    cmdline: one('cmdline'),
    netns,
    processes,
    sysctl: netns.find((n) => n.isInit)?.sysctl ?? new Map(),
    sections,
  };
}

/** Load `<dir>/truth.txt` (and `<dir>/meta.json` when present). */
export function loadTruth(dir: string): Truth {
  const truth = parseTruth(readFileSync(join(dir, 'truth.txt'), 'utf8'), dir);
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) truth.meta = JSON.parse(readFileSync(metaPath, 'utf8')) as FixtureMeta;
  return truth;
}

// ---------------------------------------------------------------- convenience

/** The processes (and fds) holding the socket with this inode. */
export function socketOwners(truth: Truth, inode: number): { pid: number; comm: string; fd: number }[] {
  const out: { pid: number; comm: string; fd: number }[] = [];
  for (const p of truth.processes)
    for (const f of p.fds) if (f.socketInode === inode) out.push({ pid: p.pid, comm: p.comm, fd: f.fd });
  return out;
}

/** init_net's truth */
export function initNetns(truth: Truth): NetnsTruth {
  const n = truth.netns.find((x) => x.isInit);
  if (!n) throw new Error('truth has no init netns');
  return n;
}

/** All TCP rows (v4 + v6) of a namespace. */
export function allTcp(ns: NetnsTruth): ProcNetInetRow[] {
  return [...ns.tcp, ...ns.tcp6];
}

/** Fixture directories committed in the repo (absolute paths), newest kernel last. */
export const FIXTURE_NAMES = ['bullseye-5.10', 'bookworm-6.1', 'trixie-6.12'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** Absolute path of dumps/<name> relative to this file (test/support/ -> ../../dumps). */
export function fixtureDir(name: FixtureName | string): string {
  return join(fileURLToPath(new URL('../../dumps/', import.meta.url)), name);
}
