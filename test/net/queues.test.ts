// -v details and -vv queue contents against what the guest's /proc/net/tcp says of the same
// sockets: accept-queue length = a listener's rx_queue, SYN queue = its SYN_RECV rows,
// receive-queue bytes = rx_queue of an ESTABLISHED socket.

import { describe, expect, it } from 'vitest';
import { presentFixtures, fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { acceptQueue, synQueue, socketQueues } from '../../src/net/queues.js';
import { listenInfo } from '../../src/net/sock-info.js';
import { runLine } from '../../src/shell/dispatch.js';
import { initNetns, allTcp } from '../support/truth.js';

describe.each(presentFixtures())('queues of %s', (name) => {
  const s = fixtureSession(name);
  const k = s.kernel;
  const truth = fixtureTruth(name);
  const init = initNetns(truth);
  const tcp = s.tables.sockets('tcp').rows;

  it('every listener: accept queue length = /proc rx_queue; SYN queue = its SYN_RECV rows', () => {
    let withSyn = 0;
    for (const t of allTcp(init).filter((r) => r.state === 'LISTEN')) {
      const row = tcp.find((r) => r.inode === t.inode)!;
      expect(acceptQueue(k, row.sock).entries).toHaveLength(t.rxQueue);
      expect(listenInfo(k, row.sock).ack_backlog).toBe(t.rxQueue);
      const syn = synQueue(k, row.sock, tcp);
      const wild = t.localAddr === '0.0.0.0' || t.localAddr === '::';
      const want = allTcp(init).filter((r) => r.state === 'SYN_RECV' && r.localPort === t.localPort && (wild || r.localAddr === t.localAddr));
      expect(syn.map((r) => r.remotePort).sort()).toEqual(want.map((r) => r.remotePort).sort());
      if (syn.length) withSyn++;
    }
    expect(withSyn).toBeGreaterThan(0);
  });

  it('an ESTABLISHED socket with unread data holds that many bytes in its receive queue', () => {
    const t = allTcp(init).find((r) => r.state === 'ESTABLISHED' && r.rxQueue > 0 && r.inode)!;
    const row = tcp.find((r) => r.inode === t.inode)!;
    const rq = socketQueues(k, row.sock, true).find((q) => q.name === 'receive queue')!;
    expect(rq.problems).toEqual([]);
    expect(rq.entries.length).toBe(rq.qlen);
    expect(rq.entries.reduce((a, e) => a + e.len, 0)).toBeGreaterThanOrEqual(t.rxQueue);
  });

  it('-tavv prints the accept queue of the 8080 listener with its peers', () => {
    const out = runLine(s, '-tavv --port 8080').lines.join('\n');
    const t = allTcp(init).find((r) => r.state === 'LISTEN' && r.localPort === 8080)!;
    expect(out).toContain(`backlog=${t.rxQueue}(16)`);
    expect(out).toContain(`--- Accept Queue (${t.rxQueue})`);
    const peers = allTcp(init).filter((r) => r.localPort === 8080 && r.state === 'ESTABLISHED' && r.inode === 0);
    for (const p of peers) expect(out).toContain(`raddr=${p.remote}`);
  });

  it('-atv --json carries the details', () => {
    const rows = JSON.parse(runLine(s, '-atv --json --tcpstate ESTABLISHED').lines.join('\n'));
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(r.details.rcv_wnd).toBeGreaterThanOrEqual(0);
      expect(['Open', 'Disorder', 'CWR', 'Recovery', 'Loss']).toContain(r.details.ca_state);
    }
    // the scenario's reader that never reads has closed its window to the sender
    expect(rows.some((r: { details: { rcv_wnd: number } }) => r.details.rcv_wnd === 0)).toBe(true);
  });
});

describe('summary of bookworm-6.1', () => {
  const s = fixtureSession('bookworm-6.1');
  const truth = fixtureTruth('bookworm-6.1');
  it('counts states as /proc/net does and warns about what the scenario set up', () => {
    const j = JSON.parse(runLine(s, '--summary --json').lines.join('\n'));
    const procTcp = truth.netns.flatMap((n) => allTcp(n));
    for (const st of ['ESTABLISHED', 'LISTEN', 'TIME_WAIT', 'SYN_RECV']) {
      expect(j.tcpStates[st], st).toBe(procTcp.filter((r) => r.state === st).length);
    }
    const names = j.checks.filter((c: { warning: boolean }) => c.warning).map((c: { name: string }) => c.name);
    expect(names).toContain('listen queue full'); // 127.0.0.1:8081 has backlog 0 and one queued
    expect(names).toContain('receive window closed');
    expect(names).toContain('UDP receive buffer >= 75% full');
    const nodelay = j.checks.find((c: { name: string }) => c.name.startsWith('NAGLE'));
    expect(nodelay.count).toBe(2);
  });
});

describe('--skbuffhead, skb and --decode on bookworm-6.1', () => {
  const s = fixtureSession('bookworm-6.1');
  const k = s.kernel;
  const truth = fixtureTruth('bookworm-6.1');
  const init = initNetns(truth);
  // an accepted-and-unread IPv4 connection: its receive queue holds the peer's request
  const t = allTcp(init).find((r) => r.state === 'ESTABLISHED' && r.rxQueue > 0 && r.family === 'inet' && r.localAddr === '127.0.0.1')!;
  const row = s.tables.sockets('tcp').rows.find((r) => r.localPort === t.localPort && r.remotePort === t.remotePort)!;
  const head = row.sock + k.off('struct sock', 'sk_receive_queue');

  it('lists the receive queue of that socket and decodes the TCP header of its data', () => {
    const j = JSON.parse(runLine(s, `--skbuffhead 0x${head.toString(16)} --json`).lines.join('\n'));
    // the peer wrote its request once and nothing has been read: one skb holding rx_queue bytes
    expect(j).toHaveLength(1);
    expect(j[0].len).toBe(t.rxQueue);
    // IPv4 header (20) + TCP header (20, + 12 of timestamp option when the guest had them on) + data
    const tcpHeader = truth.sysctl.get('net.ipv4.tcp_timestamps') === '0' ? 20 : 32;
    expect(j[0].headers[0]).toMatch(new RegExp(`^IPv4 127\\.0\\.0\\.1 > 127\\.0\\.0\\.1 proto=6 ttl=${truth.sysctl.get('net.ipv4.ip_default_ttl')} tot_len=${20 + tcpHeader + t.rxQueue} id=\\d+$`));
    // the data came from the peer
    expect(j[0].headers[1]).toMatch(new RegExp(`^TCP ${t.remotePort} > ${t.localPort} seq=\\d+ ack=\\d+ \\[.*ACK.*\\]`));
    const skb = runLine(s, `skb ${j[0].skb}`).lines.join('\n');
    expect(skb).toContain(`TCP ${t.remotePort} > ${t.localPort}`);
  });

  it('--decode reads the same headers from the packet bytes', () => {
    const j = JSON.parse(runLine(s, `--skbuffhead 0x${head.toString(16)} --json`).lines.join('\n'));
    const skb = BigInt(j[0].skb);
    const ip = k.ptr(skb, k.field('struct sk_buff', 'head')) + BigInt(k.num(skb, k.field('struct sk_buff', 'network_header')));
    const d = runLine(s, `--decode 0x${ip.toString(16)}`).lines;
    expect(d[1]).toMatch(new RegExp(`^TCP ${t.remotePort} > ${t.localPort} `));
  });
});
