// The same sockets through every dump form users have: plain and flattened kdump (zlib,
// snappy), QEMU's raw ELF (physical addresses only), QEMU's own flattened kdump-zlib output,
// and a makedumpfile-filtered ELF — each compared with the truth of the boot it came from.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Session } from '../../src/views/session.js';
import { dumpInfo } from '../../src/shell/commands/info.js';
import { localText, remoteData } from '../../src/net/socket-row.js';
import { allTcp, fixtureDir, loadTruth } from '../support/truth.js';
import { expectRowsMatchTruth } from '../support/match.js';
import { unpackZst } from '../support/unpack.js';

const forms: [string, string, string][] = [
  ['bookworm-6.1', 'vmcore.flat', 'kdump-flattened'],
  ['bookworm-6.1', 'vmcore.snappy.kdump', 'kdump'],
  ['bookworm-6.1', 'vmcore.elf.zst', 'elf'],
  ['bookworm-6.1-qemu', 'vmcore.qemu-flat', 'kdump-flattened'],
  ['bookworm-6.1-qemu', 'vmcore.felf.zst', 'elf'],
];

describe.each(forms)('%s/%s', (dir, file, format) => {
  const raw = join(fixtureDir(dir), file);
  const path = file.endsWith('.zst') ? unpackZst(raw) : raw;
  const s = Session.open(path);
  const truth = loadTruth(fixtureDir(dir));

  it(`opens as ${format} and knows the kernel`, () => {
    const i = dumpInfo(s);
    expect(i.format).toBe(format);
    expect(i.release).toBe(truth.release);
    expect(i.cpus).toBe(truth.cpus);
  });

  it('TCP and UNIX sockets equal the guest /proc/net views', () => {
    for (const ns of truth.netns) {
      expectRowsMatchTruth(s.tables.sockets('tcp').rows.filter((r) => r.netns === ns.inode), allTcp(ns), {
        local: [localText, 'local'], remote: [remoteData, 'remote'], state: 'state', inode: 'inode', rxQueue: 'rxQueue', txQueue: 'txQueue',
      }, `tcp of ${ns.name}`);
      expectRowsMatchTruth(s.tables.sockets('unix').rows.filter((r) => r.netns === ns.inode), ns.unix,
        { inode: 'inode', path: [(r) => r.path ?? '', 'path'] }, `unix of ${ns.name}`);
    }
  });
});
