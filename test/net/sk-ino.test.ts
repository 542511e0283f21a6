// Where struct sock has sk_ino (include/net/sock.h, 6.18+: sock_i_ino() reads it), the inode
// comes from the sock itself, not from the socket_alloc behind sk_socket: both must agree for
// every socket that has a socket, and the socket_alloc pages are then not read for a table.

import { describe, expect, it } from 'vitest';
import { fixtureSession, presentFixtures } from '../support/fixtures.js';
import { presentHostFixtures } from '../support/truth-host.js';
import { sockFields } from '../../src/net/sock.js';

const fixtures = [...presentFixtures(), ...presentHostFixtures()];

describe('sk_ino', () => {
  const withSkIno = fixtures.filter((n) => sockFields(fixtureSession(n).kernel).skIno !== undefined);

  it('is found by probing BTF, in the 7.2 dump and not in the 6.1 one', () => {
    if (fixtures.includes('sid-7.2-host')) expect(withSkIno).toContain('sid-7.2-host');
    if (fixtures.includes('bookworm-6.1')) expect(withSkIno).not.toContain('bookworm-6.1');
  });

  it.each(withSkIno)('on %s equals SOCK_INODE(sk->sk_socket)->i_ino for every socket that has one', (name) => {
    const s = fixtureSession(name);
    const k = s.kernel;
    const f = sockFields(k);
    const inodeAt = f.inodeOfSocket + BigInt(f.iIno.offset);
    let checked = 0;
    for (const proto of ['tcp', 'udp', 'raw', 'unix', 'packet'] as const) {
      for (const r of s.tables.sockets(proto).rows) {
        if (r.kind === 'timewait' || r.kind === 'request') continue;
        const socket = k.ptr(r.sock, f.socket);
        expect(r.inode, `${proto} ${r.sock.toString(16)}`).toBe(socket === 0n ? 0 : Number(k.mem.read(socket + inodeAt, 8).readBigUInt64LE(0)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
