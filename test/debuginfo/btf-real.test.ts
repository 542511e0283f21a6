// The parser on real kernel BTF: the fixtures dumps/<suite>-<version>/vmlinux.btf (Debian
// kernels) and, when present, this machine's /sys/kernel/btf/vmlinux.
// Layout facts checked here come from the kernel sources of those versions (x86-64):
//   include/net/sock.h struct sock_common: union{__addrpair; {__be32 skc_daddr, skc_rcv_saddr}} @0,
//   union{skc_hash; skc_u16hashes[2]} @8, union{__portpair; {__be16 skc_dport; __u16 skc_num}} @12,
//   unsigned short skc_family @16, volatile unsigned char skc_state @18.
//   include/net/inet_hashtables.h struct inet_hashinfo: lhash2 (all), listening_hash (removed in 5.19).
//   include/net/tcp_states.h: TCP_ESTABLISHED 1, TCP_LISTEN 10, TCP_NEW_SYN_RECV 12;
//   include/uapi/linux/tcp.h enum tcp_ca_state: Open 0, Disorder 1, CWR 2, Recovery 3, Loss 4.
import { existsSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BtfKind, type Btf } from '../../src/debuginfo/btf.js';
import { loadBtfFile } from '../../src/debuginfo/btf-source.js';

// XPORTSHOW_DUMPS: another fixtures directory laid out the same way.
const DUMPS = process.env.XPORTSHOW_DUMPS ?? join(import.meta.dirname, '../../dumps');

interface Source {
  label: string;
  path: string;
  version: [number, number];
}

function versionOf(text: string): [number, number] | undefined {
  const m = /(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function sources(): Source[] {
  const out: Source[] = [];
  if (existsSync(DUMPS)) {
    for (const d of readdirSync(DUMPS).sort()) {
      const path = join(DUMPS, d, 'vmlinux.btf');
      const version = versionOf(d);
      if (version && existsSync(path)) out.push({ label: `dumps/${d}/vmlinux.btf`, path, version });
    }
  }
  const host = '/sys/kernel/btf/vmlinux';
  const hostVersion = versionOf(release());
  if (existsSync(host) && hostVersion) out.push({ label: `${host} (${release()})`, path: host, version: hostVersion });
  return out;
}

const found = sources();
const before = (v: [number, number], maj: number, min: number) => v[0] < maj || (v[0] === maj && v[1] < min);

it('has at least one real BTF to test', () => {
  // Without any, the real-kernel tests below would silently test nothing.
  expect(found.length).toBeGreaterThan(0);
});

describe.each(found)('real BTF $label', ({ path, version }) => {
  let btf: Btf;
  const get = () => (btf ??= loadBtfFile(path));

  it('parses tens of thousands of types', () => {
    expect(get().typeCount).toBeGreaterThan(50000);
  });

  it('struct sock_common: skc_state at byte 18, ports and addresses through anonymous unions', () => {
    const b = get();
    const sc = b.findType('struct sock_common')!;
    expect(b.member(sc, 'skc_state')!.bitOffset).toBe(18 * 8);
    expect(b.member(sc, 'skc_family')!.bitOffset).toBe(16 * 8);
    expect(b.member(sc, 'skc_dport')!.bitOffset).toBe(12 * 8);
    expect(b.member(sc, 'skc_num')!.bitOffset).toBe(14 * 8);
    expect(b.member(sc, 'skc_rcv_saddr')!.bitOffset).toBe(4 * 8);
    expect(b.typeName(b.member(sc, 'skc_dport')!.typeId)).toBe('__be16');
    expect(b.size(b.member(sc, 'skc_state')!.typeId)).toBe(1);
    // the anonymous unions are members with empty names
    expect(b.members(sc).slice(0, 3).map((m) => m.name)).toEqual(['', '', '']);
  });

  it('memberPath(struct sock, "__sk_common.skc_dport")', () => {
    const b = get();
    const sock = b.findType('struct sock')!;
    expect(b.memberPath(sock, '__sk_common.skc_dport').bitOffset).toBe(96);
    expect(b.intInfo(b.memberPath(sock, '__sk_common.skc_num').typeId)).toMatchObject({ signed: false, bits: 16 });
    expect(b.typeName(b.memberPath(sock, 'sk_data_ready').typeId)).toBe('void (*)(struct sock *)');
  });

  it(`struct inet_hashinfo: lhash2 always, listening_hash only before 5.19`, () => {
    const b = get();
    expect(b.hasMember('struct inet_hashinfo', 'lhash2')).toBe(true);
    expect(b.hasMember('struct inet_hashinfo', 'listening_hash')).toBe(before(version, 5, 19));
  });

  it('struct tcp_sock is over 1000 bytes and starts with inet_conn', () => {
    const b = get();
    const tcp = b.findType('struct tcp_sock')!;
    expect(b.size(tcp)).toBeGreaterThan(1000);
    expect(b.members(tcp)[0]).toMatchObject({ name: 'inet_conn', bitOffset: 0 });
    expect(b.typeName(b.members(tcp)[0]!.typeId)).toBe('struct inet_connection_sock');
  });

  it('enumerators: tcp_ca_state and the TCP states', () => {
    const b = get();
    expect(b.enumerators(b.findType('enum tcp_ca_state')!).map((e) => [e.name, e.value])).toEqual([
      ['TCP_CA_Open', 0n], ['TCP_CA_Disorder', 1n], ['TCP_CA_CWR', 2n], ['TCP_CA_Recovery', 3n], ['TCP_CA_Loss', 4n],
    ]);
    expect(b.findEnumerator('TCP_ESTABLISHED')!.value).toBe(1n);
    expect(b.findEnumerator('TCP_LISTEN')!.value).toBe(10n);
    expect(b.findEnumerator('TCP_NEW_SYN_RECV')!.value).toBe(12n);
  });

  it('typedefs, arrays and names', () => {
    const b = get();
    const u32 = b.findType('u32')!;
    expect(b.kind(u32)).toBe(BtfKind.Typedef);
    expect(b.typeName(b.resolve(u32))).toBe('unsigned int');
    expect(b.size(u32)).toBe(4);
    const name = b.memberPath(b.findType('struct net_device')!, 'name');
    expect(b.typeName(name.typeId)).toBe('char [16]'); // IFNAMSIZ
    expect(b.memberPath(b.findType('struct net_device')!, 'name[15]').bitOffset).toBe(name.bitOffset + 15 * 8);
    expect(b.allNames(BtfKind.Struct)).toEqual(expect.arrayContaining(['sock', 'tcp_sock', 'inet_hashinfo']));
    expect(b.findType('struct no_such_struct_anywhere')).toBeUndefined();
  });

  it('every type has a printable name and a size', () => {
    const b = get();
    let named = 0;
    for (let id = 1; id <= b.typeCount; id++) {
      if (b.typeName(id).length > 0) named++;
      b.size(id);
    }
    expect(named).toBe(b.typeCount);
  });
});
