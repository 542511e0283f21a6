// Sockets held by the kernel itself (no process owns them) carry sk_user_data: on the vxlan
// fixture, the UDP sockets of a VXLAN and a GENEVE device. What they point to is told by the
// callback their owner installed, named through the dump's module symbols.

import { describe, expect, it } from 'vitest';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { userData } from '../../src/net/sock-info.js';
import { runLine } from '../../src/shell/dispatch.js';
import { localText, remoteData } from '../../src/net/socket-row.js';

describe('kernel-owned sockets on bookworm-6.1-vxlan', () => {
  const s = fixtureSession('bookworm-6.1-vxlan');
  const truth = fixtureTruth('bookworm-6.1-vxlan');
  const held = new Set(truth.processes.flatMap((p) => p.fds.map((f) => f.socketInode)));
  const kernelUdp = truth.netns.flatMap((ns) => ns.udp).filter((r) => r.inode && !held.has(r.inode));

  it('lists UDP exactly as /proc/net/udp, with the kernel sockets unowned', () => {
    expect(kernelUdp.length).toBe(2);
    const rows = s.tables.sockets('udp').rows.filter((r) => r.proto === 'udp');
    const init = truth.netns.flatMap((ns) => ns.udp.map((t) => `${ns.inode} ${t.local} ${t.remote} ${t.inode}`)).sort();
    expect(rows.map((r) => `${r.netns} ${localText(r)} ${remoteData(r)} ${r.inode}`).sort()).toEqual(init);
    for (const t of kernelUdp) {
      const r = rows.find((x) => x.inode === t.inode)!;
      expect(s.tables.owners().bySock.get(r.sock)).toBeUndefined();
    }
  });

  it("decodes their sk_user_data as the tunnel's socket struct, via encap_rcv in the module", () => {
    const types = kernelUdp.map((t) => {
      const r = s.tables.sockets('udp').rows.find((x) => x.inode === t.inode)!;
      const ud = userData(s.kernel, r.sock)!;
      expect(ud.address).toBeGreaterThan(0xffff800000000000n);
      expect(ud.encapRcv).toMatch(/ \[(vxlan|geneve)\]$/);
      return ud.type;
    });
    expect(types.sort()).toEqual(['struct geneve_sock', 'struct vxlan_sock']);
    const v = runLine(s, `-auv --port ${kernelUdp[0].localPort}`).lines.join('\n');
    expect(v).toMatch(/user_data 0xffff[0-9a-f]+ -> 'struct (vxlan|geneve)_sock' \(encap_rcv=(vxlan_rcv|geneve_udp_encap_recv) \[(vxlan|geneve)\]\)/);
    const sum = JSON.parse(runLine(s, '--summary --json').lines.join('\n'));
    expect(sum.checks.find((c: { name: string }) => c.name === 'sockets with sk_user_data').count).toBe(2);
  });
});

describe('module types (split BTF from the dump) on bookworm-6.1-vxlan', () => {
  const s = fixtureSession('bookworm-6.1-vxlan');
  const k = s.kernel;
  const truth = fixtureTruth('bookworm-6.1-vxlan');
  const held = new Set(truth.processes.flatMap((p) => p.fds.map((f) => f.socketInode)));
  const vx = truth.netns.flatMap((ns) => ns.udp).filter((r) => r.inode && !held.has(r.inode));

  it("reads the tunnel's struct from the vxlan/geneve module's BTF and it points back at the socket", () => {
    for (const t of vx) {
      const r = s.tables.sockets('udp').rows.find((x) => x.inode === t.inode)!;
      const ud = userData(k, r.sock)!;
      const ref = k.typeRef(ud.type!)!;
      expect(ref.module).toMatch(/^(vxlan|geneve)$/);
      expect(ref.id).toBeGreaterThan(k.btf.typeCount);
      // struct vxlan_sock / geneve_sock { ...; struct socket *sock; ... }: socket->sk is our sock
      const socket = k.ptr(ud.address, k.field(ud.type!, 'sock'));
      expect(k.ptr(socket, k.field('struct socket', 'sk'))).toBe(r.sock);
      const text = runLine(s, `struct ${ud.type!.replace('struct ', '')} 0x${ud.address.toString(16)}`).lines.join('\n');
      expect(text).toContain(`${ud.type} [${ref.module}] 0x${ud.address.toString(16)}`);
      expect(text).toContain(`sock = 0x${socket.toString(16)}`);
    }
  });

  it('vmlinux types stay vmlinux types, and unknown names stay unknown', () => {
    expect(k.typeRef('struct sock')!.btf).toBe(k.btf);
    expect(k.typeRef('struct no_such_type_anywhere')).toBeUndefined();
  });
});
