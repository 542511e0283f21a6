// Times BTF parsing and first lookups.
// `npx tsx bench/btf.ts [FILE...]` (raw BTF or ELF with .BTF; default /sys/kernel/btf/vmlinux and dumps/*/vmlinux.btf).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Btf, BtfKind } from '../src/debuginfo/btf.js';
import { readSection } from '../src/debuginfo/elf-sections.js';

function defaultFiles(): string[] {
  const out: string[] = [];
  const dumps = join(import.meta.dirname, '../dumps');
  if (existsSync(dumps)) {
    for (const d of readdirSync(dumps).sort()) {
      const p = join(dumps, d, 'vmlinux.btf');
      if (existsSync(p)) out.push(p);
    }
  }
  if (existsSync('/sys/kernel/btf/vmlinux')) out.push('/sys/kernel/btf/vmlinux');
  return out;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
function time<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [r, ms(t0)];
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const files = process.argv.slice(2).length ? process.argv.slice(2) : defaultFiles();
for (const file of files) {
  const head = readFileSync(file).subarray(0, 4);
  const blob = head.toString('latin1') === '\x7fELF' ? readSection(file, '.BTF')! : readFileSync(file);
  const parses: number[] = [];
  let btf!: Btf;
  for (let i = 0; i < 15; i++) [btf, parses[i]] = time(() => Btf.parse(blob));
  console.log(`\n${file}: ${(blob.length / 1e6).toFixed(2)} MB, ${btf.typeCount} types`);
  console.log(`  Btf.parse: first ${parses[0]!.toFixed(2)} ms, median of 15 ${median(parses).toFixed(2)} ms`);
  // First lookups on a fresh instance build the lazy indexes.
  const fresh = Btf.parse(blob);
  const steps: [string, () => unknown][] = [
    ['findType("struct sock") (builds struct/union/enum index)', () => fresh.findType('struct sock')],
    ['findType("u32") (builds typedef index)', () => fresh.findType('u32')],
    ['memberPath(sock, "__sk_common.skc_dport") first', () => fresh.memberPath(fresh.findType('struct sock')!, '__sk_common.skc_dport')],
    ['memberPath(sock, "__sk_common.skc_dport") cached', () => fresh.memberPath(fresh.findType('struct sock')!, '__sk_common.skc_dport')],
    ['hasMember("struct inet_hashinfo", "lhash2")', () => fresh.hasMember('struct inet_hashinfo', 'lhash2')],
    ['findEnumerator("TCP_LISTEN") (builds index)', () => fresh.findEnumerator('TCP_LISTEN')],
    ['allNames(struct)', () => fresh.allNames(BtfKind.Struct).length],
    ['typeName of every type', () => { for (let i = 1; i <= fresh.typeCount; i++) fresh.typeName(i); }],
  ];
  for (const [label, f] of steps) console.log(`  ${label.padEnd(58)} ${time(f)[1].toFixed(2)} ms`);
}
