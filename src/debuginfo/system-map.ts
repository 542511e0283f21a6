// Symbols from a text map: a System.map (`nm -n vmlinux`, link-time addresses) or a saved
// /proc/kallsyms (runtime addresses, module symbols tagged "[module]").
// Line format (scripts/mksysmap; kernel/kallsyms.c s_show): "ADDR TYPE NAME" or
// "ADDR TYPE NAME\t[MODULE]".

import type { SymbolTable, VmcoreInfo } from './types.js';
import { HI_WORD as HI, LO_WORD as LO, SortedSymbolTable, relocateKernelImage } from './symbol-table.js';
import { symbolAddress } from './vmcoreinfo.js';

export class SystemMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SystemMapError';
  }
}

interface Parsed {
  names: string[];
  types: Uint8Array;
  addresses: BigUint64Array;
  modules: (string | undefined)[] | undefined;
  moduleCount: number;
  hashes: Uint32Array;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09;

function badLine(source: string, ln: number, line: string, why: string): SystemMapError {
  return new SystemMapError(`${source}:${ln}: ${why}: ${JSON.stringify(line.slice(0, 80))}`);
}

/** One pass over the text by character (a split/regex per line costs 3× more on 150,000 lines). */
function parseLines(text: string, source: string): Parsed {
  const names: string[] = [];
  const typeCodes: number[] = [];
  const his: number[] = [];
  const los: number[] = [];
  const hashes: number[] = [];
  let modules: (string | undefined)[] | undefined;
  let moduleCount = 0;
  let ln = 0;
  for (let pos = 0; pos < text.length; ) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    ln++;
    let stop = eol;
    if (stop > pos && text.charCodeAt(stop - 1) === 0x0d) stop--;
    const start = pos;
    pos = eol + 1;
    if (stop === start) continue;
    // ADDR: up to 16 hex digits, parsed into 32-bit halves on the way
    let i = start;
    let hi = 0;
    let lo = 0;
    for (; i < stop; i++) {
      const c = text.charCodeAt(i);
      if (isBlank(c)) break;
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0 || i - start >= 16) throw badLine(source, ln, text.slice(start, stop), 'not a System.map or /proc/kallsyms line');
      hi = ((hi << 4) | (lo >>> 28)) >>> 0;
      lo = ((lo << 4) | d) >>> 0;
    }
    if (i === start) throw badLine(source, ln, text.slice(start, stop), 'not a System.map or /proc/kallsyms line');
    while (i < stop && isBlank(text.charCodeAt(i))) i++;
    // TYPE: one letter
    const type = text.charCodeAt(i);
    if (i + 1 >= stop || !isBlank(text.charCodeAt(i + 1))) throw badLine(source, ln, text.slice(start, stop), 'not a System.map or /proc/kallsyms line');
    i += 1;
    while (i < stop && isBlank(text.charCodeAt(i))) i++;
    // NAME, hashed on the way (nameHash)
    const nameStart = i;
    let h = 0x811c9dc5;
    for (; i < stop; i++) {
      const c = text.charCodeAt(i);
      if (isBlank(c)) break;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (i === nameStart) throw badLine(source, ln, text.slice(start, stop), 'no symbol name');
    const name = text.slice(nameStart, i);
    while (i < stop && isBlank(text.charCodeAt(i))) i++;
    if (i < stop) {
      // [MODULE]
      let end = stop;
      while (end > i && isBlank(text.charCodeAt(end - 1))) end--;
      if (text.charCodeAt(i) !== 0x5b || text.charCodeAt(end - 1) !== 0x5d || end - i < 3) {
        throw badLine(source, ln, text.slice(start, stop), 'unexpected text after the symbol name');
      }
      (modules ??= [])[names.length] = text.slice(i + 1, end - 1);
      moduleCount++;
    }
    his.push(hi);
    los.push(lo);
    hashes.push(h >>> 0);
    typeCodes.push(type);
    names.push(name);
  }
  const n = names.length;
  const addresses = new BigUint64Array(n);
  const words = new Uint32Array(addresses.buffer);
  for (let k = 0; k < n; k++) {
    words[2 * k + HI] = his[k];
    words[2 * k + LO] = los[k];
  }
  if (modules) modules.length = n;
  return { names, types: Uint8Array.from(typeCodes), addresses, modules, moduleCount, hashes: Uint32Array.from(hashes) };
}

function hex(a: bigint): string {
  return '0x' + a.toString(16);
}

/**
 * Parse a System.map or a saved /proc/kallsyms.
 *
 * @param kaslrOffset VMCOREINFO KERNELOFFSET: added to link-time addresses.
 * @param source the file name, for messages and `info`.
 * @param info the dump's VMCOREINFO: with it, the file's _stext is compared with
 *   SYMBOL(_stext) to tell runtime addresses (a /proc/kallsyms of the crashed boot: used as
 *   they are) from link-time ones (a System.map: KERNELOFFSET added), and a map of another
 *   kernel is refused. Without it the addresses get `kaslrOffset` added, unless the file has
 *   module symbols (then it is a /proc/kallsyms, already at runtime addresses).
 */
export function parseSystemMap(text: string, kaslrOffset: bigint, source: string, info?: VmcoreInfo): SymbolTable {
  if (/The real System\.map is in/.test(text.slice(0, 4096))) {
    throw new SystemMapError(
      `${source} is Debian's placeholder, not a symbol map ("${text.split('\n')[0].replace(/^\S+\s+\S+\s+/, '')}"). ` +
        `Install that kernel's -dbg package and pass its System.map, or pass a /proc/kallsyms saved as root on the crashed system.`,
    );
  }
  const p = parseLines(text, source);
  const n = p.names.length;
  if (n === 0) throw new SystemMapError(`${source} holds no symbols`);
  let nonZero = false;
  for (let i = 0; i < n && !nonZero; i++) nonZero = p.addresses[i] !== 0n;
  if (!nonZero) {
    throw new SystemMapError(
      `${source} lists every address as 0: it is a /proc/kallsyms read by a user without the right to see ` +
        `kernel addresses (kernel.kptr_restrict). Save it again as root.`,
    );
  }

  const si = p.names.indexOf('_stext');
  const fileStext = si >= 0 ? p.addresses[si] : undefined;
  const dumpStext = info ? symbolAddress(info, '_stext') : undefined;
  const kaslr = kaslrOffset;
  let delta: bigint;
  let kind: string;
  if (dumpStext !== undefined && fileStext !== undefined) {
    if (fileStext === dumpStext) {
      delta = 0n;
      kind = 'runtime addresses';
    } else if (((fileStext + kaslr) & 0xffff_ffff_ffff_ffffn) === dumpStext) {
      delta = kaslr;
      kind = `link-time addresses + KERNELOFFSET ${hex(kaslr)}`;
    } else {
      throw new SystemMapError(
        `${source} does not belong to this dump: its _stext is ${hex(fileStext)}, the dump's is ${hex(dumpStext)} ` +
          `(KERNELOFFSET ${hex(kaslr)}). Is it from another kernel build, or a /proc/kallsyms of another boot?`,
      );
    }
  } else if (p.moduleCount > 0) {
    delta = 0n;
    kind = 'runtime addresses (it lists modules: a /proc/kallsyms)';
  } else {
    delta = kaslr;
    kind = delta === 0n ? 'addresses as they are' : `link-time addresses + KERNELOFFSET ${hex(delta)}`;
  }

  let { names, types, addresses, modules } = p;
  let hashes: Uint32Array | undefined = p.hashes;
  let moduleNote = '';
  if (p.moduleCount > 0 && delta !== 0n) {
    // Module addresses of a /proc/kallsyms are only good for the boot it was saved in.
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (modules![i] === undefined) keep.push(i);
    names = keep.map((i) => p.names[i]);
    types = Uint8Array.from(keep, (i) => p.types[i]);
    addresses = BigUint64Array.from(keep, (i) => p.addresses[i]);
    modules = undefined;
    hashes = undefined;
    moduleNote = `, ${p.moduleCount} module symbols dropped`;
  } else if (p.moduleCount > 0) moduleNote = `, ${p.moduleCount} of them from modules`;
  relocateKernelImage(addresses, delta);
  return new SortedSymbolTable(
    { names, types, addresses, modules, hashes },
    `${source} (${kind}, ${names.length} symbols${moduleNote})`,
  );
}
