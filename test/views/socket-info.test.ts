// --info (ss -tinm): cwnd, ssthresh, rto and ato against the guest's own /proc/net/tcp[6]
// (get_tcp4_sock prints rto, ato, cwnd and ssthresh after the inode), the queues against what
// the skmem counters must hold, and skmem against BTF reads of struct sock.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { allTcp } from '../support/truth.js';
import { runJson as json } from '../support/fixtures.js';

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host'];

type Info = Record<string, number | string | null> & { skmem: Record<string, number | null> };
type Row = Record<string, unknown> & { info: Info | null };


describe.each(FIXTURES)('--info on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);
  const tcp = truth.netns.flatMap((ns) => allTcp(ns).map((t) => ({ ...t, netns: ns.inode })));
  const rows = json(session, '-a --info --json');

  it('lists every TCP socket, one line each, and only TCP', () => {
    expect(rows.length).toBe(tcp.length);
    expect(rows.every((r) => String(r.proto).startsWith('tcp'))).toBe(true);
    const text = runLine(session, '-a --info');
    expect(text.lines[0]).toMatch(/State\s+Recv-Q\s+Send-Q.*Info/);
    expect(text.lines.filter((l) => /skmem:\(r\d+,rb\d+,t\d+,tb\d+,f-?\d+,w\d+,o\d+,bl\d+,d\d+\)/.test(l)).length)
      .toBe(rows.filter((r) => r.kind === 'sock').length);
  });

  it('cwnd, ssthresh, rto and ato are what /proc/net/tcp printed', () => {
    let compared = 0;
    for (const t of tcp.filter((x) => x.state !== 'TIME_WAIT' && x.state !== 'SYN_RECV')) {
      const r = rows.find((x) => x.local === t.local && x.netns === t.netns && x.state === t.state &&
        (x.remote === t.remote || (t.remotePort === 0 && String(x.remote).startsWith(t.remoteAddr === '::' ? '[::]' : t.remoteAddr))));
      expect(r, t.raw).toBeDefined();
      const i = r!.info!;
      const [, , rto, ato, , cwnd, ssthresh] = t.extra.map(Number);
      expect(i.cwnd, t.raw).toBe(cwnd);
      // jiffies_to_clock_t(icsk_rto): hundredths of a second, rounded down. A socket that was
      // retransmitting when the truth was taken backed off since: its rto doubled n times.
      const crashRto = Math.floor(Number(i.rtoMs) / 10);
      if (t.timerActive === 1 && t.retransmits > 0) expect(Math.log2(crashRto / rto) % 1, t.raw).toBe(0);
      else expect(crashRto, t.raw).toBe(rto);
      expect(Math.floor(Number(i.atoMs) / 10), t.raw).toBe(ato);
      if (t.state !== 'LISTEN') expect(i.ssthresh, t.raw).toBe(ssthresh === -1 ? 'initial' : ssthresh);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('skmem holds the queues: rmem_alloc ≥ rx_queue, wmem_queued ≥ tx_queue, rb/tb are sk_rcvbuf/sk_sndbuf', () => {
    const k = session.kernel;
    const rcvbuf = k.field('struct sock', 'sk_rcvbuf');
    const sndbuf = k.field('struct sock', 'sk_sndbuf');
    for (const r of rows.filter((x) => x.kind === 'sock' && x.state !== 'LISTEN')) {
      const m = r.info!.skmem;
      const sk = BigInt(String(r.sock));
      expect(m.rb).toBe(k.num(sk, rcvbuf));
      expect(m.tb).toBe(k.num(sk, sndbuf));
      expect(m.r!, String(r.sock)).toBeGreaterThanOrEqual(Number(r.rxQueue));
      expect(m.w!, String(r.sock)).toBeGreaterThanOrEqual(Number(r.txQueue));
      expect(Number(r.info!.bytesReceived)).toBeGreaterThanOrEqual(Number(r.rxQueue));
      const mss = Number(r.info!.mss);
      expect(mss > 0 && mss <= 65535).toBe(true);
    }
  });

  it('--sort orders by info fields and row fields, -FIELD descending; a wrong field is one clear line', () => {
    const byCwnd = json(session, '-a --info --sort -cwnd --json').filter((r) => r.info).map((r) => Number(r.info!.cwnd));
    expect(byCwnd).toEqual([...byCwnd].sort((a, b) => b - a));
    const bad = runLine(session, '--info --sort nonsense');
    expect(bad.error).toMatch(/--sort: 'nonsense' is not a field/);
    const noInfo = runLine(session, '-at --sort cwnd');
    expect(noInfo.error).toMatch(/a field of --info/);
  });
});
