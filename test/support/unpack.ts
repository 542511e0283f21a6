// Compressed fixtures (vmcore.elf.zst, vmcore.felf.zst) are unpacked once into dumps/.cache/:
// with the zstd command when the machine has it, else with fzstd in streaming mode.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decompress } from 'fzstd';

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '../../dumps/.cache');

export function unpackZst(path: string): string {
  mkdirSync(CACHE, { recursive: true });
  const out = join(CACHE, `${basename(dirname(path))}-${basename(path, '.zst')}`);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(path).mtimeMs) return out;
  const tmp = `${out}.part`;
  const z = spawnSync('zstd', ['-d', '-q', '-f', path, '-o', tmp]);
  if (z.status !== 0) {
    const fd = openSync(tmp, 'w');
    const d = new Decompress((chunk) => void writeSync(fd, chunk));
    d.push(readFileSync(path), true);
    closeSync(fd);
  }
  renameSync(tmp, out);
  return out;
}
