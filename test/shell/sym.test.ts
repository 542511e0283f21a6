// `sym` with module symbols both ways, bounded offsets, and `sym -q` — on the vxlan dump, whose
// vxlan module's vxlan_rcv is the encap_rcv of the VXLAN socket.

import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureSession } from '../support/fixtures.js';

const s = fixtureSession('bookworm-6.1-vxlan');
const k = s.kernel;

describe('sym on bookworm-6.1-vxlan', () => {
  const rcv = k.moduleSymbols().lookup('vxlan_rcv')!;

  it('finds a module symbol by name, tagged with its module', () => {
    const r = runLine(s, 'sym vxlan_rcv');
    expect(r.error).toBeUndefined();
    expect(r.lines).toEqual([`${rcv.toString(16)} (t) vxlan_rcv [vxlan]`]);
  });

  it('names the module symbol an address falls in', () => {
    expect(runLine(s, `sym 0x${(rcv + 0x10n).toString(16)}`).lines).toEqual([`${(rcv + 0x10n).toString(16)} (t) vxlan_rcv+0x10 [vxlan]`]);
    expect(runLine(s, `sym ${rcv.toString(16)}`).lines[0]).toMatch(/ vxlan_rcv \[vxlan\]$/);
  });

  it('an address no symbol covers is "no symbol", never a huge offset from the last vmlinux symbol', () => {
    const end = k.symbols.lookup('_end')!;
    const vx = k.moduleSymbols().modules.find((m) => m.name === 'vxlan')!;
    const pastModules = vx.ranges.map((r) => r.base + BigInt(r.size)).reduce((a, b) => (a > b ? a : b)) + 0x100000n;
    for (const a of [end + 0x1000n, end + 0x20000000n, pastModules]) {
      const r = runLine(s, `sym 0x${a.toString(16)}`);
      expect(r.error).toMatch(/no symbol/);
      expect(r.lines.join('\n')).not.toMatch(/\+\d{6,}|\+0x[0-9a-f]{6,}/);
    }
  });

  it('sym -q lists vmlinux and module symbols containing the text', () => {
    const r = runLine(s, 'sym -q vxlan_rc');
    expect(r.lines).toContain(`${rcv.toString(16)} (t) vxlan_rcv [vxlan]`);
    const v = runLine(s, 'sym -q tcp_v4_rc').lines;
    expect(v.some((l) => / \(T\) tcp_v4_rcv$/.test(l))).toBe(true);
    expect(runLine(s, 'sym -q no_such_symbol_anywhere').error).toMatch(/no symbol contains/);
  });

  it('a vmlinux address still gets name+0xoff', () => {
    const a = k.symbols.lookup('tcp_v4_rcv')! + 0x10n;
    expect(runLine(s, `sym ${a.toString(16)}`).lines).toEqual([`${a.toString(16)} (T) tcp_v4_rcv+0x10`]);
  });
});
