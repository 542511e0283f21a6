// crash's habits on real dumps: struct -o (offsets checked against BTF), struct TYPE.a,b,
// -x, C-escaped char arrays, rd -8/-16/-32/-64/-a, p SYMBOL (checked against the truth).
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { cString } from '../../src/kernel/format-struct.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';

describe.each(['bookworm-6.1', 'bullseye-5.10', 'sid-7.2-host'])('crash commands on dumps/%s', (name) => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);
  const k = session.kernel;

  it('struct -o TYPE: every member at the offset BTF gives, as crash prints it', () => {
    for (const type of ['tcp_sock', 'sock', 'inet_connection_sock', 'sk_buff']) {
      const r = runLine(session, `struct -o ${type}`);
      expect(r.error).toBeUndefined();
      expect(r.lines[0]).toBe(`struct ${type} {`);
      expect(r.lines.at(-1)).toBe(`SIZE: 0x${k.sizeof(`struct ${type}`).toString(16)}`);
      // the top-level named members (4 spaces of indent are anonymous members' insides)
      let n = 0;
      for (const l of r.lines) {
        const m = /^\s*\[0x([0-9a-f]+)\] (?!union|struct \{)(.*?)([A-Za-z_]\w*)(\[\d+\])*( : \d+)?;$/.exec(l);
        if (!m || (m[2].includes('(*') )) continue;
        const f = k.tryField(`struct ${type}`, m[3]);
        if (!f) continue;
        expect(Number.parseInt(m[1], 16), l).toBe(f.offset);
        n++;
      }
      expect(n).toBeGreaterThan(5);
    }
    const tcp = runLine(session, 'struct -o tcp_sock').lines;
    expect(tcp).toContain(`  [0x${k.off('struct tcp_sock', 'rcv_nxt').toString(16)}] u32 rcv_nxt;`);
    expect(runLine(session, 'struct -o -d tcp_sock').lines.at(-1)).toBe(`SIZE: ${k.sizeof('struct tcp_sock')}`);
    expect(runLine(session, 'struct -o no_such_type_xyz').error).toMatch(/no type/);
  });

  it('struct TYPE.a,b ADDR, -x, and char arrays C-escaped', () => {
    const uts = k.symbol('init_uts_ns');
    const a = '0x' + uts.toString(16);
    const r = runLine(session, `struct uts_namespace.name.nodename,name.sysname ${a}`);
    expect(r.lines).toEqual([`  name.nodename = "${truth.uname.nodename}",`, '  name.sysname = "Linux",']);
    const x = runLine(session, `struct sock_common.skc_family ${a} -x`);
    expect(x.lines[0]).toMatch(/^ {2}skc_family = 0x[0-9a-f]+,$/);
  });

  it('rd -8/-16/-32/-64 and -a', () => {
    const sys = `init_uts_ns+${k.off('struct uts_namespace', 'name.sysname')}`;
    const r32 = runLine(session, `rd -32 ${sys} 8`);
    expect(r32.error).toBeUndefined();
    expect(r32.lines).toHaveLength(2);
    expect(r32.lines[0]).toMatch(/^[0-9a-f]+: {2}([0-9a-f]{8} ){3}[0-9a-f]{8} {3}/);
    expect(runLine(session, `rd -8 ${sys} 5`).lines[0]).toMatch(/: {2}4c 69 6e 75 78 {4}.* {3}Linux$/);
    expect(runLine(session, `rd -16 ${sys} 2`).lines[0]).toMatch(/: {2}([0-9a-f]{4}) ([0-9a-f]{4}) +/);
    expect(runLine(session, 'rd -64 jiffies 1').lines[0]).toMatch(/^[0-9a-f]+: {2}[0-9a-f]{16}/);
    expect(runLine(session, 'rd -a linux_banner').lines.join('')).toContain(`Linux version ${truth.release}`);
    expect(runLine(session, 'rd -12 jiffies').error).toMatch(/rd does not take -1/);
  });

  it('p SYMBOL: globals by their type', () => {
    expect(runLine(session, 'p init_uts_ns.name.nodename').lines).toEqual([`init_uts_ns.name.nodename = "${truth.uname.nodename}"`]);
    const j = runLine(session, 'p jiffies').lines[0];
    const m = /^jiffies = (\d+)$/.exec(j);
    expect(m).not.toBeNull();
    if (truth.jiffies !== undefined) expect(BigInt(m![1]) >= truth.jiffies).toBe(true); // the dump came after the truth
    expect(runLine(session, 'p -x init_net.ipv4.sysctl_ip_default_ttl').lines[0]).toMatch(/= 0x40$/);
    expect(runLine(session, 'p no_such_symbol_xyz').error).toMatch(/no symbol/);
  });
});

describe('C-escaped char arrays', () => {
  it('escapes as C source does, trailing NULs dropped', () => {
    expect(cString(Buffer.from('lo\0\0\0'))).toBe('"lo"');
    expect(cString(Buffer.from('a\0b\n"\\\x7f\0'))).toBe('"a\\000b\\n\\"\\\\\\177"');
  });
});
