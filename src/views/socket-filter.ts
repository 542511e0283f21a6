// ss's filter language over socket rows, as iproute2's misc/ss.c and misc/ssfilter.y parse it:
//   state STATE|all|connected|synchronized|bucket|big   (repeatable; `exclude STATE` removes)
//   src|dst [=|!=] ADDR[/PREFIX][:PORT]   (`*` any address, `:PORT` any address with that port)
//   sport|dport [OP] [:]PORT   with OP one of = == eq != ne neq < lt > gt <= le >= ge
//   and (&& &, or juxtaposition), or (|| |), not (!), parentheses.
// `state`/`exclude` words come first, as in ss; the rest is one expression. A mistake names
// the word it stopped at.

import type { SocketRow } from '../net/socket-row.js';

/** ss's state names (misc/ss.c sstate_name), indexed by the kernel's TCP state number. */
const SS_STATE: Record<number, string> = {
  1: 'established', 2: 'syn-sent', 3: 'syn-recv', 4: 'fin-wait-1', 5: 'fin-wait-2', 6: 'time-wait',
  7: 'closed', 8: 'close-wait', 9: 'last-ack', 10: 'listening', 11: 'closing', 12: 'syn-recv',
};
export const SS_STATE_NAMES = ['established', 'syn-sent', 'syn-recv', 'fin-wait-1', 'fin-wait-2', 'time-wait', 'closed', 'close-wait', 'last-ack', 'listening', 'closing'];
// misc/ss.c: SS_CONN, "synchronized", "bucket", "big"
const STATE_GROUPS: Record<string, string[]> = {
  all: SS_STATE_NAMES,
  connected: SS_STATE_NAMES.filter((s) => s !== 'listening' && s !== 'closed'),
  synchronized: SS_STATE_NAMES.filter((s) => s !== 'listening' && s !== 'closed' && s !== 'syn-sent'),
  bucket: ['syn-recv', 'time-wait'],
  big: SS_STATE_NAMES.filter((s) => s !== 'syn-recv' && s !== 'time-wait'),
};
/** ss also takes the kernel's spellings and a few of its own aliases. */
const STATE_ALIASES: Record<string, string> = { listen: 'listening', close: 'closed', 'syn-recv': 'syn-recv', 'new-syn-recv': 'syn-recv', 'fin-wait1': 'fin-wait-1', 'fin-wait2': 'fin-wait-2', estab: 'established' };

/** The state ss shows for a row: TCP by its number; UDP/RAW unconnected = closed; UNIX likewise. */
export function ssState(r: SocketRow): string {
  if (r.kind === 'request') return 'syn-recv';
  if (r.proto === 'packet' || r.proto === 'netlink') return 'closed';
  return SS_STATE[r.stateNum] ?? 'closed';
}

export type Cmp = '=' | '!=' | '<' | '>' | '<=' | '>=';
export interface HostCond {
  /** Address bytes (4 or 16) and prefix length; undefined: any address. */
  addr?: { bytes: number[]; prefix: number };
  port?: number;
  /** A UNIX path glob (`src /run/*`). */
  path?: string;
  text: string;
}
export type FilterExpr =
  | { op: 'and' | 'or'; a: FilterExpr; b: FilterExpr }
  | { op: 'not'; a: FilterExpr }
  | { op: 'host'; side: 'src' | 'dst'; negate: boolean; cond: HostCond }
  | { op: 'port'; side: 'sport' | 'dport'; cmp: Cmp; port: number };

export interface SocketFilter {
  /** ss state names selected; undefined when no `state`/`exclude` word was given. */
  states?: Set<string>;
  expr?: FilterExpr;
  /** The words as typed, for titles and errors. */
  text: string;
}

export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

/** Words that start a filter: the socket commands treat positionals starting so as one. */
export function startsFilter(word: string): boolean {
  const first = word.trim().split(/[\s(]+/).find(Boolean) ?? '';
  return word.trim().startsWith('(') || word.trim().startsWith('!') || /^(state|exclude|src|dst|sport|dport|not)$/.test(first);
}

/** Split typed words further: parentheses and a leading `!` are words of their own. */
function tokenize(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    for (const part of w.split(/\s+/)) {
      let s = part;
      while (s.startsWith('(') || (s.startsWith('!') && s !== '!=' && s.length > 1 && s[1] !== '=')) {
        out.push(s[0]);
        s = s.slice(1);
      }
      const tail: string[] = [];
      while (s.endsWith(')')) {
        tail.push(')');
        s = s.slice(0, -1);
      }
      if (s) out.push(s);
      out.push(...tail);
    }
  }
  return out;
}

const CMP: Record<string, Cmp> = {
  '=': '=', '==': '=', eq: '=', '!=': '!=', ne: '!=', neq: '!=', '<': '<', lt: '<', '>': '>', gt: '>', '<=': '<=', le: '<=', '>=': '>=', ge: '>=',
};

/** Parse the words after the options (`state established '( dport = :80 or sport = :80 )'`). */
export function parseSocketFilter(words: string[]): SocketFilter {
  const toks = tokenize(words);
  const text = toks.join(' ');
  let i = 0;
  const fail = (what: string): never => {
    const at = toks[i];
    const shown = toks.map((t, j) => (j === i ? `>>${t}<<` : t)).join(' ') + (at === undefined ? ' >><<' : '');
    throw new FilterError(`filter: ${at === undefined ? 'unexpected end' : `'${at}' (word ${i + 1})`}: ${what}  [${shown}]`);
  };
  let states: Set<string> | undefined;
  while (toks[i] === 'state' || toks[i] === 'exclude') {
    const excl = toks[i++] === 'exclude';
    const w = toks[i]?.toLowerCase().replace(/_/g, '-');
    if (w === undefined) fail(`${excl ? 'exclude' : 'state'} needs a state name`);
    const name = STATE_ALIASES[w!] ?? w!;
    const set = STATE_GROUPS[name] ?? (SS_STATE_NAMES.includes(name) ? [name] : undefined);
    if (!set) fail(`not a state (${SS_STATE_NAMES.join(', ')}, or all, connected, synchronized, bucket, big)`);
    i++;
    if (excl) {
      states ??= new Set(SS_STATE_NAMES);
      for (const s of set!) states.delete(s);
    } else {
      // ss: the first `state` replaces the default set, later ones add to it
      states ??= new Set();
      for (const s of set!) states.add(s);
    }
  }

  const parseOr = (): FilterExpr => {
    let a = parseAnd();
    while (toks[i] === 'or' || toks[i] === '||' || toks[i] === '|') {
      i++;
      a = { op: 'or', a, b: parseAnd() };
    }
    return a;
  };
  const parseAnd = (): FilterExpr => {
    let a = parseNot();
    for (;;) {
      if (toks[i] === 'and' || toks[i] === '&&' || toks[i] === '&') i++;
      else if (toks[i] === undefined || toks[i] === ')' || toks[i] === 'or' || toks[i] === '||' || toks[i] === '|') break;
      a = { op: 'and', a, b: parseNot() };
    }
    return a;
  };
  const parseNot = (): FilterExpr => {
    if (toks[i] === 'not' || toks[i] === '!') {
      i++;
      return { op: 'not', a: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): FilterExpr => {
    const w = toks[i];
    if (w === '(') {
      i++;
      const e = parseOr();
      if (toks[i] !== ')') fail("expected ')'");
      i++;
      return e;
    }
    if (w === 'src' || w === 'dst') {
      i++;
      let negate = false;
      const op = toks[i] !== undefined ? CMP[toks[i]] : undefined;
      if (op === '=' || op === '!=') {
        negate = op === '!=';
        i++;
      } else if (op) fail(`${w} takes = or != (not ${toks[i]})`);
      if (toks[i] === undefined) fail(`${w} needs ADDR[/PREFIX][:PORT]`);
      const cond = parseHostCond(toks[i]);
      if (!cond) fail(`not an address: ADDR[/PREFIX][:PORT], [IPv6]:PORT, *:PORT, :PORT or a UNIX path`);
      i++;
      return { op: 'host', side: w, negate, cond: cond! };
    }
    if (w === 'sport' || w === 'dport') {
      i++;
      let cmp: Cmp = '=';
      if (toks[i] !== undefined && CMP[toks[i]]) cmp = CMP[toks[i++]];
      const p = toks[i] === undefined ? undefined : parsePort(toks[i]);
      if (p === undefined) fail(`${w} needs a port (:PORT or a number 0-65535)`);
      i++;
      return { op: 'port', side: w, cmp, port: p! };
    }
    if (w === undefined) return fail('expected src, dst, sport, dport, not or (');
    return fail(w === 'state' || w === 'exclude' ? `'${w}' must come before the expression (as in ss)` : 'expected src, dst, sport, dport, not or (');
  };

  let expr: FilterExpr | undefined;
  if (i < toks.length) {
    expr = parseOr();
    if (i < toks.length) fail(toks[i] === ')' ? "')' without '('" : 'expected and, or or the end');
  }
  return { states, expr, text };
}

function parsePort(w: string): number | undefined {
  const m = /^:?(\d{1,5})$/.exec(w);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 65535 ? n : undefined;
}

/** ADDR, ADDR/PREFIX, ADDR:PORT, ADDR/PREFIX:PORT, [V6]:PORT, [V6/PREFIX]:PORT, *:PORT, :PORT, *, or a UNIX path. */
export function parseHostCond(w: string): HostCond | undefined {
  if (w.startsWith('/') || w.startsWith('@') || w.startsWith('unix:')) return { path: w.replace(/^unix:/, ''), text: w };
  let addr = w;
  let port: number | undefined;
  const br = /^\[([^\]]+)\](?::(.+))?$/.exec(w);
  if (br) {
    addr = br[1];
    if (br[2] !== undefined) {
      port = parsePort(br[2]);
      if (port === undefined && br[2] !== '*') return undefined;
    }
  } else if ((w.match(/:/g) ?? []).length === 1) {
    const c = w.lastIndexOf(':');
    addr = w.slice(0, c);
    const ps = w.slice(c + 1);
    port = ps === '*' ? undefined : parsePort(ps);
    if (port === undefined && ps !== '*') return undefined;
  }
  if (addr === '' || addr === '*') return { port, text: w };
  const slash = addr.indexOf('/');
  const ip = slash < 0 ? addr : addr.slice(0, slash);
  const bytes = parseIp(ip);
  if (!bytes) return undefined;
  const prefix = slash < 0 ? bytes.length * 8 : Number(addr.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bytes.length * 8) return undefined;
  return { addr: { bytes, prefix }, port, text: w };
}

/** Dotted IPv4 or IPv6 text (with ::, and a dotted tail) to bytes. */
export function parseIp(s: string): number[] | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) {
    const b = s.split('.').map(Number);
    return b.every((x) => x <= 255) ? b : undefined;
  }
  if (!s.includes(':')) return undefined;
  let tail: number[] = [];
  let v = s;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const t = parseIp(dotted[2]);
    if (!t) return undefined;
    tail = t;
    v = dotted[1] + '0:0';
  }
  const halves = v.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...right];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const bytes = all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function prefixMatch(a: number[], b: number[], prefix: number): boolean {
  if (a.length !== b.length) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const n = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - n)) & 0xff;
    if ((a[bit / 8] & mask) !== (b[bit / 8] & mask)) return false;
  }
  return true;
}

function glob(pattern: string, s: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return re.test(s);
}

const inet = (r: SocketRow) => r.proto !== 'unix' && r.proto !== 'packet' && r.proto !== 'netlink';

function hostMatches(r: SocketRow, side: 'src' | 'dst', c: HostCond): boolean {
  if (c.path !== undefined) {
    if (r.proto !== 'unix') return false;
    return side === 'src' ? glob(c.path, r.path ?? '') : false;
  }
  if (!inet(r)) return false;
  const addr = side === 'src' ? r.localAddr : r.remoteAddr;
  const port = side === 'src' ? r.localPort : r.remotePort;
  if (c.port !== undefined && port !== c.port) return false;
  if (!c.addr) return true;
  const bytes = parseIp(addr);
  return !!bytes && prefixMatch(bytes, c.addr.bytes, c.addr.prefix);
}

function compare(a: number, cmp: Cmp, b: number): boolean {
  switch (cmp) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
}

export function evalFilter(e: FilterExpr, r: SocketRow): boolean {
  switch (e.op) {
    case 'and': return evalFilter(e.a, r) && evalFilter(e.b, r);
    case 'or': return evalFilter(e.a, r) || evalFilter(e.b, r);
    case 'not': return !evalFilter(e.a, r);
    case 'host': return hostMatches(r, e.side, e.cond) !== e.negate;
    case 'port': return inet(r) && compare(e.side === 'sport' ? r.localPort : r.remotePort, e.cmp, e.port);
  }
}

/** Whether a row passes the filter (its states, then its expression). */
export function filterRow(f: SocketFilter, r: SocketRow): boolean {
  if (f.states && !f.states.has(ssState(r))) return false;
  return f.expr ? evalFilter(f.expr, r) : true;
}
