// netstat's -n -p -e -o combinations and ss's filter expressions, on real dumps: every row
// count is the guest's own /proc/net/tcp[6] put through an independent reading of the filter.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { parseSocketFilter, parseIp } from '../../src/views/socket-filter.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp, type ProcNetInetRow } from '../support/truth.js';

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host'];

// ss's state names for the /proc numbers (misc/ss.c sstate_name)
const SS: Record<string, string> = {
  ESTABLISHED: 'established', SYN_SENT: 'syn-sent', SYN_RECV: 'syn-recv', FIN_WAIT1: 'fin-wait-1', FIN_WAIT2: 'fin-wait-2',
  TIME_WAIT: 'time-wait', CLOSE: 'closed', CLOSE_WAIT: 'close-wait', LAST_ACK: 'last-ack', LISTEN: 'listening', CLOSING: 'closing',
};

function jsonRows(session: ReturnType<typeof fixtureSession>, line: string): Record<string, unknown>[] {
  const r = runLine(session, line);
  expect(r.error, line).toBeUndefined();
  return JSON.parse(r.lines.join('\n'));
}

describe.each(FIXTURES)('netstat flags and ss filters on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);
  const tcp: ProcNetInetRow[] = truth.netns.flatMap((ns) => allTcp(ns));
  const count = (pred: (r: ProcNetInetRow) => boolean) => tcp.filter(pred).length;
  const ss = (r: ProcNetInetRow) => SS[r.state];

  it('-tulpn, -lnp: the listeners, with PID/Program', () => {
    for (const line of ['-tulpn', '-lnpt', '-ltn']) {
      const r = runLine(session, line);
      expect(r.error).toBeUndefined();
      expect(r.lines[0]).toMatch(/PID\/Program name/);
      const rows = r.lines.filter((l) => /^tcp6? /.test(l));
      expect(rows.length, line).toBe(count((t) => t.state === 'LISTEN'));
      expect(rows.every((l) => l.includes('LISTEN'))).toBe(true);
    }
    const lnp = runLine(session, '-lnp');
    expect(lnp.lines.filter((l) => /^tcp6? /.test(l)).length).toBe(count((t) => t.state === 'LISTEN'));
    expect(lnp.lines.some((l) => l.startsWith('unix'))).toBe(true);
  });

  it('-antp: every TCP socket; -n alone lists connections as netstat -n', () => {
    const r = runLine(session, '-antp');
    expect(r.lines.filter((l) => /^tcp6? /.test(l)).length).toBe(tcp.length);
    const n = runLine(session, '-n');
    expect(n.error).toBeUndefined();
    expect(n.lines.filter((l) => /^tcp6? /.test(l)).length).toBe(count((t) => t.state !== 'LISTEN'));
  });

  it('-e adds the User column, with the uid /proc/net/tcp prints', () => {
    const r = runLine(session, '-antpe');
    const head = r.lines[0];
    expect(head).toMatch(/State\s+User\s+Inode/);
    const userEnd = head.indexOf('User') + 4;
    for (const t of tcp.filter((x) => x.inode !== 0)) {
      const line = r.lines.find((l) => l.includes(` ${t.local} `) && l.includes(` ${t.remote === '0.0.0.0:0' ? '0.0.0.0:*' : t.remote.replace(/:0$/, ':*')} `) && l.includes(` ${t.inode} `));
      expect(line, t.raw).toBeDefined();
      expect(line!.slice(0, userEnd).trim().split(/\s+/).pop()).toBe(String(t.uid));
    }
    // JSON is the same contract with or without -e
    const j = jsonRows(session, '-ante --json');
    expect(j.length).toBe(tcp.length);
  });

  it('-o adds the Timer column, netstat -o style', () => {
    const r = runLine(session, '-anto');
    expect(r.lines[0]).toMatch(/Timer$/);
    const rows = r.lines.filter((l) => /^tcp6? /.test(l));
    expect(rows.length).toBe(tcp.length);
    expect(rows.every((l) => /(off|on|keepalive|timewait|probe) \(\d+\.\d\d\/\d+\/\d+\)$/.test(l))).toBe(true);
    // TIME_WAIT rows always have their timer
    expect(rows.filter((l) => l.includes('TIME_WAIT')).every((l) => /timewait \(/.test(l))).toBe(true);
  });

  const forms: [string, (t: ProcNetInetRow) => boolean][] = [
    ['state established', (t) => ss(t) === 'established'],
    ['state listening', (t) => ss(t) === 'listening'],
    ['state time-wait state syn-recv', (t) => ss(t) === 'time-wait' || ss(t) === 'syn-recv'],
    ['state all', () => true],
    ['state connected', (t) => !['listening', 'closed'].includes(ss(t))],
    ['state synchronized', (t) => !['listening', 'closed', 'syn-sent'].includes(ss(t))],
    ['state bucket', (t) => ['syn-recv', 'time-wait'].includes(ss(t))],
    ['state big', (t) => !['syn-recv', 'time-wait'].includes(ss(t))],
    ['exclude listening exclude established', (t) => !['listening', 'established'].includes(ss(t))],
    ['state all src 127.0.0.1', (t) => t.localAddr === '127.0.0.1'],
    ['state all src 127.0.0.0/8', (t) => t.localAddr.startsWith('127.')],
    ['state all dst 127.0.0.1:8080', (t) => t.remoteAddr === '127.0.0.1' && t.remotePort === 8080],
    ['state all src :8080', (t) => t.localPort === 8080],
    ['state all src [::1]', (t) => t.localAddr === '::1'],
    ['state all dst != 127.0.0.1', (t) => t.remoteAddr !== '127.0.0.1'],
    ['state all sport = :8080', (t) => t.localPort === 8080],
    ['state all sport == 8080', (t) => t.localPort === 8080],
    ['state all dport eq :5432', (t) => t.remotePort === 5432],
    ['state all dport != :0', (t) => t.remotePort !== 0],
    ['state all dport neq :8080', (t) => t.remotePort !== 8080],
    ['state all sport < :1024', (t) => t.localPort < 1024],
    ['state all sport lt :9000', (t) => t.localPort < 9000],
    ["state all sport '>' :9000", (t) => t.localPort > 9000],
    ['state all sport gt :9000', (t) => t.localPort > 9000],
    ['state all dport <= :8080', (t) => t.remotePort <= 8080],
    ['state all dport le :8080', (t) => t.remotePort <= 8080],
    ["state all dport '>=' :8080", (t) => t.remotePort >= 8080],
    ['state all dport ge :8080', (t) => t.remotePort >= 8080],
    ["state established '( dport = :8080 or sport = :8080 )'", (t) => ss(t) === 'established' && (t.remotePort === 8080 || t.localPort === 8080)],
    ['state all not src 127.0.0.1', (t) => t.localAddr !== '127.0.0.1'],
    ['state all ! sport = :8080 and ! dport = :8080', (t) => t.localPort !== 8080 && t.remotePort !== 8080],
    ['state all src 127.0.0.1 dport = :5432', (t) => t.localAddr === '127.0.0.1' && t.remotePort === 5432],
    ["state all '( src 10.0.0.0/8 || dst 10.0.0.0/8 ) && not sport = :9000'", (t) => (t.localAddr.startsWith('10.') || t.remoteAddr.startsWith('10.')) && t.localPort !== 9000],
  ];

  it.each(forms)('-t %s counts as /proc/net/tcp says', (filter, pred) => {
    const rows = jsonRows(session, `-t --json ${filter}`);
    expect(rows.length).toBe(count(pred));
  });

  it('a filter typed after a command word, in one quoted word, or at the prompt', () => {
    const want = count((t) => ss(t) === 'established' && (t.remotePort === 8080 || t.localPort === 8080));
    expect(jsonRows(session, "tcp --json state established '( dport = :8080 or sport = :8080 )'").length).toBe(want);
    expect(jsonRows(session, "sockets -t --json 'state established (dport = :8080 or sport = :8080)'").length).toBe(want);
    // a state filter overrides -l, as in ss
    expect(jsonRows(session, '-lt --json state established').length).toBe(count((t) => ss(t) === 'established'));
  });

  it('wrong syntax: one line naming the word', () => {
    const cases: [string, RegExp][] = [
      ['-t dport = x80', /'x80' \(word 3\).*port/],
      ['-t state establish', /'establish' \(word 2\): not a state/],
      ['-t ( sport = :80', /unexpected end: expected '\)'/],
      ['-t sport = :80 )', /'\)' \(word 4\): '\)' without '\('/],
      ['-t src 999.1.1.1', /'999\.1\.1\.1' \(word 2\): not an address/],
      ['-t sport = :80 state listening', /'state' \(word 4\): 'state' must come before/],
      ['-t sport = :80 frob', /'frob' \(word 4\)/],
    ];
    for (const [line, re] of cases) {
      const r = runLine(session, line);
      expect(r.error, line).toMatch(re);
      expect(r.lines).toHaveLength(1);
    }
    expect(runLine(session, 'tcp frob').error).toMatch(/a filter starts with state/);
  });
});

describe('filter parsing', () => {
  it('parses IPv6 and IPv4 forms', () => {
    expect(parseIp('::1')).toEqual([...Array(15).fill(0), 1]);
    expect(parseIp('fd00:200::2')?.slice(0, 2)).toEqual([0xfd, 0]);
    expect(parseIp('::ffff:10.1.2.3')?.slice(12)).toEqual([10, 1, 2, 3]);
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseSocketFilter(['src', '[fd00::/8]:22']).expr).toMatchObject({ op: 'host', cond: { port: 22, addr: { prefix: 8 } } });
    expect(parseSocketFilter(['dst', '*:443']).expr).toMatchObject({ op: 'host', cond: { port: 443 } });
  });
});
