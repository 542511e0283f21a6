// The one option table, shared by the one-shot CLI and the shell prompt. Short options and
// long names follow the seed (pykdump xportshow) so `-at`, `-atv`, `--port 2049` mean the same
// everywhere; long options may be abbreviated to any unambiguous prefix (`--summ`).

import { parseArgs } from 'node:util';
import { SOCKET_FAMILIES } from '../views/families.js';

export interface OptionSpec {
  name: string;
  short?: string;
  type: 'boolean' | 'string';
  /** `-v` may repeat (`-vv`). */
  multiple?: boolean;
  arg?: string;
  help: string;
  /** Which view it asks for; views not built yet answer "not available yet". */
  view?: string;
  /** Only meaningful on the command line (not at the prompt). */
  cliOnly?: boolean;
  /** A modifier of this view (`-n`, `-p`, `-e`, `-o` of the socket tables): alone, it asks for it
   *  (`-n` lists connections as netstat -n does); next to another view it only modifies. */
  modifies?: string;
}

export const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', help: 'show this help message and exit' },
  { name: 'version', type: 'boolean', help: "print 'xportshow' version and exit" },
  { name: 'verbose', short: 'v', type: 'boolean', multiple: true, help: 'verbose output (repeat for more: -vv)' },
  { name: 'json', type: 'boolean', help: 'print the result as JSON' },
  { name: 'all', short: 'a', type: 'boolean', help: 'print all sockets', view: 'sockets' },
  { name: 'listening', short: 'l', type: 'boolean', help: 'print LISTEN sockets only', view: 'sockets' },
  // -t -u -w -x --packet --netlink: one per socket family, from the registry
  ...SOCKET_FAMILIES.map((f): OptionSpec => ({ name: f.option, ...(f.short ? { short: f.short } : {}), type: 'boolean', help: f.help, view: 'sockets' })),
  { name: 'port', type: 'string', arg: 'PORT', help: 'limit output to the specified port (src or dst)', view: 'sockets' },
  { name: 'tcpstate', type: 'string', arg: 'STATE', help: 'limit TCP output to one state (e.g. ESTABLISHED)', view: 'sockets' },
  { name: 'retransonly', type: 'boolean', help: 'only TCP sockets that are retransmitting', view: 'sockets' },
  { name: 'pid', type: 'string', arg: 'PID', help: 'print sockets for PID', view: 'pid' },
  { name: 'program', type: 'string', arg: 'PROGRAM', help: 'print sockets for cmdname', view: 'program' },
  { name: 'numeric', short: 'n', type: 'boolean', help: "netstat/ss -n: accepted; output is always numeric", modifies: 'sockets' },
  { name: 'owners', short: 'p', type: 'boolean', help: 'netstat/ss -p: accepted; the PID/Program column is always shown', modifies: 'sockets' },
  { name: 'extended', short: 'e', type: 'boolean', help: 'netstat -e: add the User (uid) column (Inode is always shown)', modifies: 'sockets' },
  { name: 'timers', short: 'o', type: 'boolean', help: 'netstat/ss -o: add the Timer column (TCP timer pending at the crash)', modifies: 'sockets' },
  { name: 'info', type: 'boolean', help: "ss -tinm: one line per TCP socket with cwnd, rtt, rto, mss, retrans, bytes, skmem", modifies: 'sockets' },
  { name: 'sort', type: 'string', arg: 'FIELD', help: 'sort socket rows: recv-q send-q local remote port state pid inode (-FIELD: descending; --info fields too)', modifies: 'sockets' },
  { name: 'count', type: 'string', arg: 'BY', help: 'count sockets per port, state, remote or proto (sort | uniq -c); summary: as ss -s', modifies: 'sockets' },
  { name: 'netns', type: 'string', arg: 'INODE|all', help: 'limit to one network namespace (default: all)' },
  { name: 'route', short: 'r', type: 'boolean', help: 'print routing table (the seed\'s -r, as netstat -r; not ss -r)', view: 'route' },
  { name: 'netfilter', type: 'boolean', help: 'print Netfilter hooks', view: 'netfilter' },
  { name: 'softnet', type: 'boolean', help: 'print softnet queues', view: 'softnet' },
  { name: 'summary', type: 'boolean', help: 'print a summary', view: 'summary' },
  { name: 'statistics', short: 's', type: 'boolean', help: 'print statistics (the seed\'s -s, as netstat -s; ss -s is --summary)', view: 'statistics' },
  { name: 'interfaces', short: 'i', type: 'boolean', help: 'print interface info (the seed\'s -i, as netstat -i; ss -i is --info)', view: 'interfaces' },
  { name: 'interface', type: 'string', arg: 'IF', help: 'limit output to the specified interface only' },
  { name: 'decode', type: 'string', arg: 'ADDR', help: 'decode iph/th/uh', view: 'decode' },
  { name: 'sysctl', type: 'boolean', arg: '[PATTERN]', help: 'print net.* sysctls (PATTERN: a glob or prefix, e.g. --sysctl net.ipv4.tcp_*)', view: 'sysctl' },
  { name: 'devpack', type: 'boolean', help: 'print dev_pack info', view: 'devpack' },
  { name: 'arp', type: 'boolean', help: 'print ARP & neighbouring info', view: 'arp' },
  { name: 'rtcache', type: 'boolean', help: 'print the routing cache', view: 'rtcache' },
  { name: 'skbuffhead', type: 'string', arg: 'ADDR', help: 'print sk_buff_head', view: 'skbuffhead' },
  { name: 'ctime', short: 'T', type: 'boolean', help: 'log: wall-clock times (UTC) derived from the crash time' },
  { name: 'everything', type: 'boolean', help: 'run all functions available', view: 'everything' },
  { name: 'system-map', type: 'string', arg: 'FILE', help: 'symbols from a System.map or saved /proc/kallsyms', cliOnly: true },
  { name: 'btf', type: 'string', arg: 'FILE', help: 'types from a raw BTF file or an ELF with .BTF', cliOnly: true },
  { name: 'vmlinux', type: 'string', arg: 'FILE', help: 'symbols and types from a vmlinux', cliOnly: true },
  { name: 'command', short: 'c', type: 'string', arg: 'CMDS', help: 'run commands ("CMD; CMD") and exit', cliOnly: true },
];

export type ParsedOptions = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedLine {
  options: ParsedOptions;
  positionals: string[];
  /** -v count. */
  verbose: number;
}

export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/** Replace `--pre` / `--pre=v` with the one long option it abbreviates (error if ambiguous or
 *  unknown), and give a string option the next word as its value even when that starts with
 *  '-' (`-c '--summary; -at'`), which parseArgs would refuse and the seed's optparse took. */
export function expandLongPrefixes(args: string[], table = OPTIONS): string[] {
  const names = table.map((o) => o.name);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let name: string | undefined;
    let rest = '';
    if (a.startsWith('--') && a !== '--') {
      const eq = a.indexOf('=');
      const key = a.slice(2, eq < 0 ? undefined : eq);
      rest = eq < 0 ? '' : a.slice(eq);
      const hits = names.includes(key) ? [key] : names.filter((n) => n.startsWith(key));
      if (hits.length === 0) throw new OptionError(`unknown option --${key}`);
      if (hits.length > 1) throw new OptionError(`ambiguous option --${key}: could be ${hits.map((h) => '--' + h).join(', ')}`);
      name = hits[0];
    } else if (/^-[A-Za-z]$/.test(a)) {
      name = table.find((o) => o.short === a[1])?.name;
    }
    const o = name === undefined ? undefined : table.find((x) => x.name === name);
    if (o && o.type === 'string' && !rest && i + 1 < args.length) {
      out.push(`--${o.name}=${args[++i]}`);
    } else out.push(name !== undefined && a.startsWith('--') ? `--${name}${rest}` : a);
  }
  return out;
}

export function parseOptionWords(args: string[], table = OPTIONS): ParsedLine {
  const config: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {};
  // Node 20 parseArgs rejects keys present with an undefined value (`multiple: undefined`).
  for (const o of table) {
    config[o.name] = { type: o.type };
    if (o.short) config[o.name].short = o.short;
    if (o.multiple) config[o.name].multiple = true;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: expandLongPrefixes(args, table), options: config, allowPositionals: true, strict: true });
  } catch (e) {
    throw new OptionError(cleanParseError((e as Error).message));
  }
  const v = parsed.values.verbose;
  return {
    options: parsed.values as ParsedOptions,
    positionals: parsed.positionals,
    verbose: Array.isArray(v) ? v.length : v ? 1 : 0,
  };
}

function cleanParseError(msg: string): string {
  return msg.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option '(.*)'$/, 'unknown option $1');
}

/** The views the options ask for, in table order, without repeats. */
export function requestedViews(p: ParsedLine): string[] {
  const views: string[] = [];
  for (const o of OPTIONS) {
    if (o.view && p.options[o.name] !== undefined && !views.includes(o.view)) views.push(o.view);
  }
  // `-n`, `-tulpn` without a table option: the modifiers alone ask for their view (netstat -n)
  if (views.length === 0) {
    for (const o of OPTIONS) if (o.modifies && p.options[o.name] !== undefined && !views.includes(o.modifies)) views.push(o.modifies);
  }
  return views;
}

/** Help lines for the options; a view not built yet is marked '*'. */
export function optionHelp(available: (view: string) => boolean = () => true, table = OPTIONS): string[] {
  return table.map((o) => {
    const flags = [o.short ? `-${o.short}` : '', `--${o.name}${o.arg ? (o.arg.startsWith('[') ? ' ' : '=') + o.arg : ''}`].filter(Boolean).join(', ');
    const star = o.view && !available(o.view) ? '*' : ' ';
    return ` ${star}${flags.padEnd(28)} ${o.help}`;
  });
}

/** Options every command takes: output form, help, and what steers opening the dump. */
export const GLOBAL_OPTIONS = ['help', 'version', 'verbose', 'json', 'system-map', 'btf', 'vmlinux', 'command'];
