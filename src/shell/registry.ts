// Every command, by name, and the views the seed's options ask for. A view the tool cannot
// show yet answers that it is not available yet: never an empty or made-up table.

import type { Command } from './command.js';
import type { Output, GroupOutput } from '../report/model.js';
import { infoCommand } from './commands/info.js';
import { symCommand } from './commands/sym.js';
import { structCommand } from './commands/struct.js';
import { rdCommand } from './commands/rd.js';
import { reloadCommand } from './commands/reload.js';
import { makeHelpCommand } from './commands/help.js';
import { socketsCommand, familyCommands, listenCommand } from './commands/sockets.js';
import { pidCommand, programCommand, psCommand, processView, taskByPid } from './commands/tasks.js';
import { sockCommand } from './commands/sock.js';
import { netnsCommand } from './commands/netns.js';
import { bindCommand } from './commands/bind.js';
import { summaryCommand } from './commands/summary.js';
import { skbuffheadCommand, decodeCommand, skbCommand, skbView } from './commands/skb.js';
import { modulesCommand } from './commands/modules.js';
import { routeCommand, rulesCommand, rtcacheCommand, nexthopCommand } from './commands/routes.js';
import { interfacesCommand } from './commands/interfaces.js';
import { arpCommand } from './commands/arp.js';
import { softnetCommand } from './commands/softnet.js';
import { devpackCommand } from './commands/devpack.js';
import { logCommand } from './commands/log.js';
import { statisticsCommand } from './commands/statistics.js';
import { sysctlCommand } from './commands/sysctl.js';
import { netfilterCommand } from './commands/netfilter.js';
import { conntrackCommand } from './commands/conntrack.js';
import { nftCommand, iptablesCommand } from './commands/firewall.js';
import { pcapCommand, pcapKey } from './commands/pcap.js';
import { printCommand } from './commands/print.js';
import { listCommand, filesCommand, kmemCommand } from './commands/crash-walks.js';
import { registerOpener } from './drill.js';
import { socketView } from './commands/sock.js';
import { showSockets, queryFromOptions } from './commands/sockets.js';
import { DEFAULT_FAMILIES } from '../views/families.js';
import { hex } from '../report/model.js';
import { toJsonValue } from '../report/json.js';
import { OPTIONS } from './options.js';
import { interfaceJson } from '../views/interfaces.js';
import { interfaceDetail, BOUND_SOCKET_SPEC } from '../views/iface-detail.js';
import { routeJson, type RouteRow } from '../views/routes.js';
import { NEIGHBOUR_SPEC } from '../views/neighbours.js';
import type { RowSpec } from '../views/table.js';
import { ipNexthopLine, ipRouteLine } from '../report/routes-text.js';
import { interfaceBlock } from '../report/interfaces-text.js';
import { SOFTNET_SPEC } from '../views/softnet.js';
import { tableOutput } from '../report/table.js';


export const COMMANDS: Command[] = [
  socketsCommand, ...familyCommands, listenCommand, bindCommand, summaryCommand, sockCommand, skbCommand, skbuffheadCommand, decodeCommand, psCommand, pidCommand, programCommand, netnsCommand,
  routeCommand, rulesCommand, rtcacheCommand, nexthopCommand, interfacesCommand, arpCommand, softnetCommand, devpackCommand, logCommand, statisticsCommand, sysctlCommand, netfilterCommand, conntrackCommand,
  nftCommand, iptablesCommand, pcapCommand,
  infoCommand, modulesCommand, symCommand, structCommand, rdCommand, printCommand, listCommand, filesCommand, kmemCommand, reloadCommand,
];
COMMANDS.push(makeHelpCommand(() => COMMANDS, (view) => VIEW_COMMANDS[view] !== undefined));

/** --everything: every view this version can show, one after another. A view that cannot
 *  answer (its tables unreadable) is one marked line in its place, and the views not built
 *  yet are named at the end: the others still print, and the command succeeds. */
COMMANDS.push({
  name: 'everything',
  synopsis: 'everything',
  summary: 'run every view available: summary, all sockets, bind hash, namespaces, processes',
  run: (s, inv) => {
    const views: [string, () => Output][] = [
      ['summary', () => summaryCommand.run(s, inv)],
      ['sockets', () => showSockets(s, { ...queryFromOptions(inv.line.options), all: true }, inv.verbose)],
      ['bind', () => bindCommand.run(s, inv)],
      ['netns', () => netnsCommand.run(s, { ...inv, args: [] })],
      ['ps', () => psCommand.run(s, inv)],
    ];
    const out = viewGroup(views);
    const notYet = OPTIONS.filter((o) => o.view && !VIEW_COMMANDS[o.view]).map((o) => `--${o.name}`);
    if (notYet.length) out.parts.push({ kind: 'text', lines: [`(not available yet in this version: ${notYet.join(' ')})`], data: { notAvailable: notYet } });
    return out;
  },
});

/** Option-selected views → the command that shows them. */
export const VIEW_COMMANDS: Record<string, string> = {
  sockets: 'sockets', pid: 'pid', program: 'program', summary: 'summary', everything: 'everything',
  skbuffhead: 'skbuffhead', decode: 'decode', route: 'route', interfaces: 'interfaces', arp: 'arp', rtcache: 'rtcache',
  softnet: 'softnet', devpack: 'devpack', statistics: 'statistics', sysctl: 'sysctl', netfilter: 'netfilter',
};

registerOpener('sock', (s, ref) => {
  const address = (ref as { address: bigint }).address;
  const view = socketView(s, address);
  const row = s.tables.findSocket(address);
  // from a socket's view, `w` writes what its queues hold as a pcap file in the current directory
  const file = `xportshow-${row?.inode || address.toString(16)}.pcap`;
  return { ...view, keys: [{ key: 'w', help: `write ${file}`, run: () => pcapKey(s, address, file) }] };
});
registerOpener('task', (s, ref) => {
  const t = taskByPid(s, (ref as { pid: number }).pid);
  return { title: `pid ${t.pid} ${t.comm}`, output: processView(s, t) };
});
registerOpener('netns', (s, ref) => {
  const inode = (ref as { inode: number }).inode;
  return { title: `netns ${inode}`, output: showSockets(s, { families: DEFAULT_FAMILIES, all: true, listening: false, retransOnly: false, netns: inode }, 0) };
});
registerOpener('struct', (s, ref) => {
  const r = ref as { type: string; address: bigint };
  return { title: `${r.type} ${hex(r.address)}`, output: { kind: 'text', lines: s.inspect.struct(r.type, r.address, 6) } };
});
// An interface opens onto its block and what hangs off it: routes through it (each opening its
// next hop's device), neighbours, nexthop objects and the sockets bound to it.
registerOpener('iface', (s, ref) => {
  const r = ref as { netns: number; ifindex: number };
  const d = interfaceDetail(s.tables, r.netns, r.ifindex);
  if (!d) return { title: `ifindex ${r.ifindex}`, output: { kind: 'text', lines: [`no device with ifindex ${r.ifindex} in netns ${r.netns}`] } };
  const routeSpec: RowSpec<RouteRow> = {
    columns: [{ key: 'route', title: 'Route', text: (x) => ipRouteLine(x).replace(/\n\t/g, ' '), json: false }],
    extra: routeJson,
    // a multipath route opens its other device; a route through this device only, this one again
    ref: (x) => {
      const nh = x.nexthops.find((n) => n.ifindex && n.ifindex !== r.ifindex) ?? x.nexthops.find((n) => n.ifindex);
      return nh ? { kind: 'iface', netns: x.netns, ifindex: nh.ifindex } : undefined;
    },
  };
  const parts: Output[] = [
    { kind: 'text', lines: interfaceBlock(d.dev, true), data: interfaceJson(d.dev) },
    tableOutput(routeSpec, d.routes, { title: `Routes through ${d.dev.name}: ${d.routes.length}` }),
    tableOutput(NEIGHBOUR_SPEC, d.neighbours, { title: `Neighbours on ${d.dev.name}: ${d.neighbours.length}`, hide: ['device'] }),
    { kind: 'text', lines: [`Nexthop objects on ${d.dev.name}: ${d.nexthops.length}`, ...d.nexthops.map(ipNexthopLine)] },
    tableOutput(BOUND_SOCKET_SPEC, d.sockets, { title: `Sockets bound to ${d.dev.name}: ${d.sockets.length}` }),
  ];
  return { title: d.dev.name, output: { kind: 'group', parts } };
});
registerOpener('cpu', (s, ref) => {
  const cpu = (ref as { cpu: number }).cpu;
  return { title: `cpu ${cpu}`, output: tableOutput(SOFTNET_SPEC, s.tables.softnet().rows.filter((r) => r.cpu === cpu), { title: `softnet_data of cpu ${cpu}` }) };
});
registerOpener('skb', (s, ref) => {
  const a = (ref as { address: bigint }).address;
  return { title: `skb ${hex(a)}`, output: skbView(s, a) };
});

export function findCommand(word: string): Command | undefined {
  return COMMANDS.find((c) => c.name === word || c.aliases?.includes(word));
}

/** Words the prompt offers for completion of the first word. */
export function commandWords(): string[] {
  return COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]).concat(['quit']);
}

/** Several views in one output: text one after another; JSON one object keyed by view name.
 *  A view that cannot answer is marked in its place and the others still run. */
export function viewGroup(views: [string, () => Output][]): GroupOutput {
  const parts: Output[] = [];
  const data: Record<string, unknown> = {};
  for (const [name, run] of views) {
    let out: Output;
    try {
      out = run();
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      out = { kind: 'text', lines: [`!! ${name}: could not be shown: ${error}`], data: { view: name, error } };
    }
    parts.push(out);
    data[name] = toJsonValue(out);
  }
  return { kind: 'group', parts, data };
}
