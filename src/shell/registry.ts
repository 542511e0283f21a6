// Every command, by name, and the views the seed's options ask for. A view the tool cannot
// show yet answers that it is not available yet: never an empty or made-up table.

import type { Command } from './command.js';
import type { Output } from '../report/model.js';
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
import { routeCommand, rulesCommand, rtcacheCommand } from './commands/routes.js';
import { interfacesCommand } from './commands/interfaces.js';
import { arpCommand } from './commands/arp.js';
import { nftCommand, iptablesCommand } from './commands/firewall.js';
import { registerOpener } from './drill.js';
import { socketView } from './commands/sock.js';
import { showSockets, queryFromOptions } from './commands/sockets.js';
import { DEFAULT_FAMILIES } from '../views/families.js';
import { hex } from '../report/model.js';
import { toJsonValue } from '../report/json.js';


export const COMMANDS: Command[] = [
  socketsCommand, ...familyCommands, listenCommand, bindCommand, summaryCommand, sockCommand, skbCommand, skbuffheadCommand, decodeCommand, psCommand, pidCommand, programCommand, netnsCommand,
  routeCommand, rulesCommand, rtcacheCommand, interfacesCommand, arpCommand, nftCommand, iptablesCommand,
  infoCommand, modulesCommand, symCommand, structCommand, rdCommand, reloadCommand,
];
COMMANDS.push(makeHelpCommand(() => COMMANDS, (view) => VIEW_COMMANDS[view] !== undefined));

/** --everything: every view this version can show, one after another. */
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
    return viewGroup(views);
  },
});

/** Option-selected views → the command that shows them. */
export const VIEW_COMMANDS: Record<string, string> = {
  sockets: 'sockets', pid: 'pid', program: 'program', summary: 'summary', everything: 'everything',
  skbuffhead: 'skbuffhead', decode: 'decode', route: 'route', interfaces: 'interfaces', arp: 'arp', rtcache: 'rtcache',
};

registerOpener('sock', (s, ref) => socketView(s, (ref as { address: bigint }).address));
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
export function viewGroup(views: [string, () => Output][]): Output {
  const parts: Output[] = [];
  const data: Record<string, unknown> = {};
  for (const [name, run] of views) {
    let out: Output;
    try {
      out = run();
    } catch (e) {
      out = { kind: 'text', lines: [`!! ${name}: ${(e as Error).message}`], data: { problem: (e as Error).message } };
    }
    parts.push(out);
    data[name] = toJsonValue(out);
  }
  return { kind: 'group', parts, data };
}
