// `conntrack`: the connection tracking table of the netns as `conntrack -L` prints it, with
// count/max per netns; filters: a protocol (tcp, udp, icmp ...), a TCP state, an address,
// --port N. -v: the l3 prefix of /proc/net/nf_conntrack and each entry's address.

import { conntrackRows, conntrackWord, conntrackFill, CONNTRACK_SPEC, CONNTRACK_WORDS, type ConntrackQuery } from '../../views/conntrack.js';
import { selectNetns } from '../../views/netns.js';
import { rowJson } from '../../views/table.js';
import { conntrackLine } from '../../report/netfilter-text.js';
import { problemLines, type Row, type TableOutput } from '../../report/model.js';
import { UsageError, type Command } from '../command.js';
import { GAP } from '../../views/table.js';

export const conntrackCommand: Command = {
  name: 'conntrack',
  synopsis: 'conntrack [-v] [tcp|udp|icmp|...] [STATE] [ADDRESS] [--port N] [--netns INODE|all]',
  summary: 'connection tracking entries as conntrack -L prints them (timeout left at the dump), with count/max',
  details: [
    'Shows the initial network namespace unless --netns says otherwise.',
    'use= is the kernel\'s reference count as conntrack -L prints it (/proc/net/nf_conntrack shows one more:',
    'its reader\'s own reference). Timeouts are the seconds left when the dump was taken.',
  ],
  examples: ['conntrack', 'conntrack tcp ESTABLISHED', 'conntrack udp --port 53', 'conntrack 10.1.0.1 --json'],
  complete: () => CONNTRACK_WORDS,
  run(s, inv) {
    const t = s.tables;
    const nets = selectNetns(t, inv.line.options.netns as string | undefined, 'init');
    const q: ConntrackQuery = { netns: nets };
    for (const w of inv.args) if (!conntrackWord(q, w)) throw new UsageError(`conntrack: '${w}' is not a protocol, TCP state or address`);
    const port = inv.line.options.port;
    if (port !== undefined) {
      const n = Number(port);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port: '${String(port)}' is not a port number`);
      q.port = n;
    }
    const ct = t.conntrack();
    if (ct.unavailable) {
      const line = `conntrack: ${ct.unavailable}`;
      return { kind: 'text', lines: [line, ...problemLines(ct.problems)], data: [{ problem: line }] };
    }
    const rows = conntrackRows(t, q);
    // One headless column of conntrack -L lines: Enter on an entry opens its socket (or its nf_conn).
    const out: Row[] = [];
    for (const f of conntrackFill(t, nets)) {
      const mine = rows.filter((r) => r.netns === f.netns);
      const count = f.count === null ? GAP : String(f.count);
      const max = f.max === null ? GAP : String(f.max);
      out.push({ cells: { line: `# netns ${f.netns}: ${mine.length} entries shown; count ${count} / max ${max}${f.nearFull ? '  WARNING: table nearly full' : ''}` }, data: null });
      out.push(...mine.map((r) => ({ cells: { line: conntrackLine(r, inv.verbose) }, data: null, ref: CONNTRACK_SPEC.ref!(r) })));
    }
    const notes = problemLines(ct.problems);
    const table: TableOutput = { kind: 'table', headless: true, columns: [{ key: 'line', title: '' }], rows: out, notes };
    return { kind: 'group', parts: [table], data: [...rows.map((r) => rowJson(CONNTRACK_SPEC, r)), ...notes.map((p) => ({ problem: p }))] };
  },
};
