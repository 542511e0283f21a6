// Open a dump file of any supported format: sniff the first bytes and dispatch.

import fs from 'node:fs';
import type { OpenOptions } from './base.js';
import { ElfDump } from './elf.js';
import { ELFMAG } from './elf-layout.js';
import { FileReader } from './file.js';
import { FlattenedReader } from './flattened.js';
import { KdumpDump } from './kdump.js';
import { DISKDUMP_SIGNATURE, KDUMP_SIGNATURE, MDF_SIGNATURE } from './kdump-layout.js';
import { DumpFormatError, type PhysicalDump } from './types.js';

export type { OpenOptions } from './base.js';

/** Magic numbers of files people may pass by mistake, with advice. */
const WRAPPERS: { magic: number[]; what: string }[] = [
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file: decompress it first (zstd -d FILE)' },
  { magic: [0x1f, 0x8b], what: 'a gzip-compressed file: decompress it first (gunzip FILE)' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file: decompress it first (unxz FILE)' },
  { magic: [0x42, 0x5a, 0x68], what: 'a bzip2-compressed file: decompress it first (bunzip2 FILE)' },
];

function isKcore(path: string): boolean {
  try {
    return fs.realpathSync(path) === '/proc/kcore';
  } catch {
    return false;
  }
}

/** Open an ELF vmcore, a kdump-compressed file (plain or flattened) or /proc/kcore.
 *  Throws DumpFormatError for anything else, or for headers that are damaged or cut short. */
export function openDump(path: string, opts: OpenOptions = {}): PhysicalDump {
  const kcore = isKcore(path);
  const file = new FileReader(path, { unbounded: kcore });
  try {
    const head = file.read(0, 64);
    const startsWith = (sig: string | Buffer): boolean => {
      const b = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : sig;
      return head.length >= b.length && head.subarray(0, b.length).equals(b);
    };
    if (head.length === 0) throw new DumpFormatError(path, 'the file is empty');
    if (startsWith(ELFMAG)) return new ElfDump(path, file, { ...opts, kcore });
    if (startsWith(KDUMP_SIGNATURE)) return new KdumpDump(path, file, opts);
    if (startsWith(MDF_SIGNATURE + '\0')) {
      const flat = new FlattenedReader(path, file);
      const sig = flat.read(0, 8).toString('latin1');
      if (sig !== KDUMP_SIGNATURE) {
        throw new DumpFormatError(path, `flattened file does not hold a kdump-compressed dump (rearranged data starts with ${JSON.stringify(sig)})`);
      }
      return new KdumpDump(path, flat, { ...opts, flattened: { records: flat.records, complete: flat.complete } });
    }
    if (startsWith(DISKDUMP_SIGNATURE)) {
      throw new DumpFormatError(path, 'an old "DISKDUMP" (diskdump) file: not supported; only makedumpfile\'s "KDUMP" format is');
    }
    for (const w of WRAPPERS) if (startsWith(Buffer.from(w.magic))) throw new DumpFormatError(path, `${w.what}`);
    const shown = head.subarray(0, 16);
    const hex = [...shown].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = shown.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    throw new DumpFormatError(path, `not an ELF core or kdump-compressed file (first bytes: ${hex} "${text}")`);
  } catch (e) {
    file.close();
    if (e instanceof RangeError) throw new DumpFormatError(path, `damaged header: ${e.message}`);
    throw e;
  }
}
