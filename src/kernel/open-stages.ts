// Opening in stages: headers → VMCOREINFO → page tables → symbols → types. A stage that fails
// on a damaged dump (cut short, filtered, corrupt) does not stop the others: it becomes one
// OpenProblem naming what was missing, where, and which commands it limits, and the session
// opens with what could be read (VMCOREINFO's SYMBOL() lines instead of kallsyms, no types…).

import { Btf } from '../debuginfo/btf.js';
import { SortedSymbolTable } from '../debuginfo/symbol-table.js';
import type { KernelSymbol, SymbolTable, VmcoreInfo } from '../debuginfo/types.js';

export type OpenStage = 'vmcoreinfo' | 'page tables' | 'symbols' | 'types';

/** What one stage of opening could not do. */
export interface OpenProblem {
  stage: OpenStage;
  /** What was missing or damaged, and where ("kallsyms_names at 0x… : physical address … truncated"). */
  detail: string;
  /** The commands it limits, in a user's words. */
  limits: string;
}

export function openProblemLine(p: OpenProblem): string {
  return `${p.stage}: ${p.detail} — ${p.limits}`;
}

/** The symbols VMCOREINFO names (SYMBOL(x)=hex), the table of last resort when kallsyms cannot
 *  be read. Values that are not hex are skipped (a damaged note). */
export function vmcoreinfoSymbols(info: VmcoreInfo, why: string): SymbolTable {
  const syms: KernelSymbol[] = [];
  for (const [key, value] of info) {
    const m = /^SYMBOL\((\w+)\)$/.exec(key);
    if (!m || !/^(0x)?[0-9a-f]{1,16}$/i.test(value)) continue;
    syms.push({ name: m[1]!, address: BigInt(value.startsWith('0x') ? value : '0x' + value), type: 'D' });
  }
  return SortedSymbolTable.fromSymbols(syms, `only the ${syms.length} symbols VMCOREINFO names (${why})`);
}

/** A BTF with no types: every type lookup fails with "not in the kernel's BTF". */
export function emptyBtf(): Btf {
  const b = Buffer.alloc(25);
  b.writeUInt16LE(0xeb9f, 0); // magic
  b[2] = 1; // version
  b.writeUInt32LE(24, 4); // hdr_len; type_off = type_len = str_off = 0
  b.writeUInt32LE(1, 20); // str_len: the one empty string
  const btf = Btf.parse(b);
  btf.origin = 'none';
  return btf;
}

/** An error's message without the repetition of nested "cannot read" prefixes. */
export function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Limits of each stage, for the problem lines and `info`. */
export const LIMITS = {
  vmcoreinfo: 'only `info` can answer (no page tables, symbols or types without it)',
  pageTables: 'views of objects outside the kernel image (sockets, routes, interfaces…) cannot be read',
  symbols: (n: number) =>
    `lookups of any other symbol fail: views that start from kernel globals (init_net, sockets, routes…) cannot answer; ` +
    `\`sym\`, \`rd\` and \`struct\` work by address and on the ${n} named symbols`,
  types: 'no struct layouts: every networking view and `struct` fail; `info`, `sym` and `rd` still answer',
};
