// Load BTF from a file: raw BTF (as /sys/kernel/btf/vmlinux) or an ELF vmlinux with a .BTF section.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { Btf } from './btf.js';
import { readSection } from './elf-sections.js';

export function loadBtfFile(path: string): Btf {
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  let got: number;
  try {
    got = readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (got >= 2 && (head.readUInt16LE(0) === 0xeb9f || head.readUInt16LE(0) === 0x9feb)) {
    const btf = parseNamed(readFileSync(path), path);
    btf.origin = `raw BTF file ${path}`;
    return btf;
  }
  if (got === 4 && head.toString('latin1') === '\x7fELF') {
    const sec = readSection(path, '.BTF');
    if (!sec) {
      throw new Error(`${path}: ELF file has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?); give a raw BTF file such as /sys/kernel/btf/vmlinux instead`);
    }
    const btf = parseNamed(sec, `${path} (.BTF section)`);
    btf.origin = `.BTF section of ${path}`;
    return btf;
  }
  throw new Error(`${path}: neither raw BTF (magic 0xeb9f) nor an ELF file with a .BTF section (first bytes: ${head.subarray(0, got).toString('hex') || 'empty file'})`);
}

function parseNamed(buf: Buffer, what: string): Btf {
  try {
    return Btf.parse(buf);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}
