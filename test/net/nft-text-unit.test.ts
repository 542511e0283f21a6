// Parser unit tests on hand-built expressions, for what no host fixture's ruleset has (their
// chains use the standard priorities exactly and their NAT is IPv4 only): chain priorities as
// nft prints them with an offset ("filter + 5", "mangle - 10"), and IPv6 SNAT/DNAT addresses.

import { describe, expect, it } from 'vitest';
import { priorityName } from '../../src/net/nft-names.js';
import { ruleText } from '../../src/net/nft-rule-text.js';
import type { NftExpr } from '../../src/net/nft-expr.js';

describe('chain priority text (nftables src/rule.c prio2str)', () => {
  it('standard names, with an offset within 10', () => {
    expect(priorityName('inet', 'input', 0)).toBe('filter');
    expect(priorityName('inet', 'input', 5)).toBe('filter + 5');
    expect(priorityName('ip', 'forward', -10)).toBe('filter - 10');
    expect(priorityName('ip6', 'prerouting', -160)).toBe('mangle - 10');
    expect(priorityName('ip', 'prerouting', -95)).toBe('dstnat + 5');
    expect(priorityName('ip', 'postrouting', 101)).toBe('srcnat + 1');
    expect(priorityName('inet', 'output', 55)).toBe('security + 5');
    expect(priorityName('netdev', 'ingress', -3)).toBe('filter - 3');
    expect(priorityName('bridge', 'forward', -195)).toBe('filter + 5');
    expect(priorityName('bridge', 'output', 100)).toBe('out');
  });
  it('a number when out of reach, or when the nearest standard name does not fit the hook or family', () => {
    expect(priorityName('inet', 'input', 11)).toBe('11');
    expect(priorityName('ip', 'output', -100)).toBe('-100'); // dstnat is prerouting's (as the fixtures' nft prints it)
    expect(priorityName('ip', 'input', 100)).toBe('100');
    expect(priorityName('netdev', 'ingress', -500)).toBe('-500');
    expect(priorityName('arp', 'input', -150)).toBe('-150');
    expect(priorityName('bridge', 'input', 300)).toBe('300');
  });
});

describe('IPv6 NAT statements', () => {
  const v6 = Buffer.from('fd000200000000000000000000000002', 'hex');
  const port = Buffer.from([0x1b, 0xa8, 0, 0]); // 7080, network order
  const imm = (dreg: number, data: Buffer): NftExpr => ({ type: 'immediate', dreg, data });
  const nat = (manip: number, a: number, p: number): NftExpr => ({ type: 'nat', manip, family: 10, addrMin: a, addrMax: a, protoMin: p, protoMax: p, flags: 0 });
  it('dnat to [addr]:port in an ip6 table, snat ip6 to addr in an inet table', () => {
    expect(ruleText([imm(1, v6), imm(2, port), nat(1, 1, 2)], 'ip6', () => undefined)).toBe('dnat to [fd00:200::2]:7080');
    expect(ruleText([imm(1, v6), nat(0, 1, 0)], 'inet', () => undefined)).toBe('snat ip6 to fd00:200::2');
  });
});
