// Every command, by name, and the views the seed's options ask for. A view the tool cannot
// show yet answers that it is not available yet: never an empty or made-up table.

import type { Command } from './command.js';
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
import { skbuffheadCommand, decodeCommand, skbCommand } from './commands/skb.js';
import { modulesCommand } from './commands/modules.js';
import { registerOpener } from './drill.js';
import { socketDetailView } from './socket-view.js';
import { showSockets } from './commands/sockets.js';
import { FAMILIES } from './tables.js';
import { hex, type Output } from '../report/model.js';
import { OPTIONS } from './options.js';
import { formatStruct } from '../kernel/format-struct.js';


export const COMMANDS: Command[] = [
  socketsCommand, ...familyCommands, listenCommand, bindCommand, summaryCommand, sockCommand, skbCommand, skbuffheadCommand, decodeCommand, psCommand, pidCommand, programCommand, netnsCommand,
  infoCommand, modulesCommand, symCommand, structCommand, rdCommand, reloadCommand,
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
    const parts: Output[] = ['summary', 'sockets', 'bind', 'netns', 'ps'].map((name) => {
      try {
        return findCommand(name)!.run(s, { ...inv, line: { ...inv.line, options: name === 'sockets' ? { ...inv.line.options, all: true } : inv.line.options } });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        return { kind: 'text', lines: [`!! ${name}: could not be shown: ${error}`], data: { view: name, error } };
      }
    });
    const notYet = OPTIONS.filter((o) => o.view && !VIEW_COMMANDS[o.view]).map((o) => `--${o.name}`);
    if (notYet.length) parts.push({ kind: 'text', lines: [`(not available yet in this version: ${notYet.join(' ')})`], data: { notAvailable: notYet } });
    return { kind: 'group', parts };
  },
});

/** Option-selected views → the command that shows them. */
export const VIEW_COMMANDS: Record<string, string> = {
  sockets: 'sockets', pid: 'pid', program: 'program', summary: 'summary', everything: 'everything',
  skbuffhead: 'skbuffhead', decode: 'decode',
};

registerOpener('sock', (s, ref) => socketDetailView(s, (ref as { address: bigint }).address));
registerOpener('task', (s, ref) => {
  const t = taskByPid(s, (ref as { pid: number }).pid);
  return { title: `pid ${t.pid} ${t.comm}`, output: processView(s, t) };
});
registerOpener('netns', (s, ref) => {
  const inode = (ref as { inode: number }).inode;
  return { title: `netns ${inode}`, output: showSockets(s, { families: FAMILIES, all: true, listening: false, retransOnly: false, netns: inode }, 0) };
});
registerOpener('struct', (s, ref) => {
  const r = ref as { type: string; address: bigint };
  return { title: `${r.type} ${hex(r.address)}`, output: { kind: 'text', lines: formatStruct(s.kernel, r.type, r.address) } };
});
registerOpener('skb', (s, ref) => {
  const a = (ref as { address: bigint }).address;
  return { title: `skb ${hex(a)}`, output: skbCommand.run(s, { args: [hex(a)], line: { options: {}, positionals: [], verbose: 0 }, verbose: 0 }) };
});

export function findCommand(word: string): Command | undefined {
  return COMMANDS.find((c) => c.name === word || c.aliases?.includes(word));
}

/** Words the prompt offers for completion of the first word. */
export function commandWords(): string[] {
  return COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]).concat(['quit']);
}
