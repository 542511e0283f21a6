// One network namespace of the truth: its net.<ns>.*, ip.<ns>.* and sysctl.<ns> sections.

import { parseProcNetArp, type ProcNetArpRow } from './arp.js';
import { parseProcNetDev, type ProcNetDevRow } from './dev.js';
import { parseProcNetInet, withDrops, type ProcNetInetRow } from './inet.js';
import { dataLines } from './lines.js';
import { parseProcNetNetlink, type ProcNetNetlinkRow } from './netlink.js';
import { parseProcNetPacket, type ProcNetPacketRow } from './packet.js';
import { nsInodeOf } from './processes.js';
import { parseProcNetRoute, type ProcNetRouteRow } from './route.js';
import type { Truth } from './sections.js';
import { parseHeaderValuePairs, parseKeyValueLines, parseSockstat } from './snmp.js';
import { parseSysctl } from './sysctl.js';
import { parseProcNetUnix, type ProcNetUnixRow } from './unix.js';

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

function parseNetns(sections: Map<string, string>, name: string, pid: number, link: string | undefined): NetnsTruth {
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
  return {
    name,
    pid,
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
  };
}

/** Every namespace listed in `netns.list` ("<name> <pid> net:[inode]"), init_net first. */
export function parseNetnsList(sections: Map<string, string>): NetnsTruth[] {
  const netns: NetnsTruth[] = [];
  for (const line of dataLines(sections.get('netns.list'))) {
    const [name, pidS, link] = line.trim().split(/\s+/);
    if (!name || !pidS) continue;
    netns.push(parseNetns(sections, name, Number(pidS), link));
  }
  return netns.sort((a, b) => (a.isInit === b.isInit ? a.name.localeCompare(b.name) : a.isInit ? -1 : 1));
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
