// Print a typed object from memory the way crash's `struct TYPE ADDR` does:
// one member per line, nested structs indented, pointers in hex with the symbol they point at,
// char arrays as strings, enums by name, bitfields decoded. Unreadable memory prints a marked gap.

import { BtfKind, type Btf } from '../debuginfo/btf.js';
import { TypeNotFoundError, UnreadableError } from './errors.js';
import { nextReadable, unreadable } from './readable.js';
import type { Kernel } from './kernel.js';
import { symbolAt, formatHit } from './symbolize.js';

const MAX_ARRAY = 16; // elements printed before "..."; long arrays are summarised

export interface FormatOptions {
  /** Nesting depth to expand structs (default 6). */
  depth?: number;
  /** Integers in hex (crash's -x) or decimal (-d, the default). */
  radix?: 10 | 16;
}

/** Lines for `struct TYPE` at `addr`. */
export function formatStruct(k: Kernel, typeSpec: string, addr: bigint, opts: FormatOptions = {}): string[] {
  const ref = k.typeRef(typeSpec);
  if (!ref) throw new TypeNotFoundError(typeSpec, 'not in vmlinux nor in any loaded module');
  const lines: string[] = [];
  const name = ref.btf.typeName(ref.id);
  // Nothing of it readable: one line, as crash says it, not a line per member.
  if (nextReadable(k.mem, addr, addr + BigInt(Math.max(1, ref.btf.size(ref.id)))) === undefined) {
    throw new UnreadableError(`${name}: ${unreadable(k.mem, addr)}`);
  }
  const head = `${name}${ref.module ? ` [${ref.module}]` : ''} 0x${addr.toString(16)}`;
  formatValue(k, ref.btf, ref.id, addr, 0, 0, opts.depth ?? 6, lines, head + ' ', '', pageCheck(k), opts.radix);
  return lines;
}

/** A value of BTF type `typeId` at `addr` (crash's `p VAR`): "name = value" or a struct. */
export function formatTyped(k: Kernel, btf: Btf, typeId: number, addr: bigint, name: string, opts: FormatOptions = {}): string[] {
  const lines: string[] = [];
  formatValue(k, btf, typeId, addr, 0, 0, opts.depth ?? 6, lines, `${name} = `, '', pageCheck(k), opts.radix);
  return lines;
}

/** crash's `struct TYPE.a,b ADDR`: the named members (paths like `__sk_common.skc_state`). */
export function formatMembers(k: Kernel, typeSpec: string, addr: bigint, paths: string[], opts: FormatOptions = {}): string[] {
  const ref = k.typeRef(typeSpec);
  if (!ref) throw new TypeNotFoundError(typeSpec, 'not in vmlinux nor in any loaded module');
  const lines: string[] = [];
  for (const path of paths) {
    const m = ref.btf.memberPath(ref.id, path);
    const byte = Math.floor(m.bitOffset / 8);
    formatValue(k, ref.btf, m.typeId, addr + BigInt(byte), m.bitOffset - byte * 8, m.bitSize, opts.depth ?? 6, lines, `${path} = `, '  ', pageCheck(k), opts.radix);
  }
  return lines;
}

/** Why a page cannot be read (cached per page), undefined when it can. */
type PageCheck = (addr: bigint) => string | undefined;
function pageCheck(k: Kernel): PageCheck {
  const pages = new Map<bigint, string | undefined>();
  return (addr) => {
    const page = addr & ~0xfffn;
    if (!pages.has(page)) pages.set(page, unreadable(k.mem, page));
    return pages.get(page);
  };
}

function formatValue(
  k: Kernel,
  btf: Btf,
  typeId: number,
  addr: bigint,
  bitShift: number,
  bitSize: number,
  depth: number,
  out: string[],
  prefix: string,
  indent = '',
  bad: PageCheck = () => undefined,
  radix: 10 | 16 = 10,
): void {
  const id = btf.resolve(typeId);
  const kind = btf.kind(id);
  try {
    if (kind === BtfKind.Struct || kind === BtfKind.Union) {
      if (depth <= 0) {
        out.push(`${indent}${prefix}{...}`);
        return;
      }
      out.push(`${indent}${prefix}{`);
      // A run of members on pages that cannot be read: one line for the whole run.
      let run: { first: string; last: string; from: bigint; why: string } | undefined;
      const endRun = (to: bigint) => {
        if (!run) return;
        const names = run.first === run.last ? run.first : `${run.first} … ${run.last}`;
        out.push(`${indent}  <${names} (0x${run.from.toString(16)}-0x${to.toString(16)}): ${run.why}>`);
        run = undefined;
      };
      for (const m of btf.members(id)) {
        const byte = Math.floor(m.bitOffset / 8);
        const at = addr + BigInt(byte);
        const why = bad(at);
        if (why) {
          run ??= { first: m.name || '(anonymous)', last: '', from: at, why };
          run.last = m.name || '(anonymous)';
          continue;
        }
        endRun(at);
        const name = m.name ? `${m.name} = ` : '';
        formatValue(k, btf, m.typeId, at, m.bitOffset - byte * 8, m.bitSize, depth - 1, out, name, indent + '  ', bad, radix);
      }
      endRun(addr + BigInt(btf.size(id)));
      out.push(`${indent}}${indent ? ',' : ''}`);
      return;
    }
    out.push(`${indent}${prefix}${scalar(k, btf, id, addr, bitShift, bitSize, radix)}${indent ? ',' : ''}`);
  } catch (e) {
    out.push(`${indent}${prefix}<unreadable: ${(e as Error).message}>`);
  }
}

/** One value that is not a struct: integers, pointers, enums, arrays. */
export function scalar(k: Kernel, btf: Btf, id: number, addr: bigint, bitShift = 0, bitSize = 0, radix: 10 | 16 = 10): string {
  const kind = btf.kind(id);
  const size = btf.size(id);
  switch (kind) {
    case BtfKind.Int:
    case BtfKind.Enum:
    case BtfKind.Enum64: {
      let v = readUnsigned(k, addr, bitSize ? Math.ceil((bitShift + bitSize) / 8) : size);
      if (bitSize) v = (v >> BigInt(bitShift)) & ((1n << BigInt(bitSize)) - 1n);
      const info = btf.intInfo(id);
      const width = bitSize || size * 8;
      if (info.signed && v >= 1n << BigInt(width - 1)) v -= 1n << BigInt(width);
      if (kind !== BtfKind.Int) {
        const e = btf.enumerators(id).find((x) => x.value === v);
        return e ? e.name : v.toString();
      }
      if (info.bool) return v ? 'true' : 'false';
      return radix === 16 ? (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16)) : v.toString();
    }
    case BtfKind.Ptr: {
      const p = k.mem.ptr(addr);
      if (p === 0n) return '0x0';
      // Kernel image or module pointers only: small values are not per-CPU offsets here.
      const h = p >= 0xffffffff80000000n ? symbolAt(k, p) : undefined;
      const sym = h ? ` <${formatHit(h)}>` : '';
      return `0x${p.toString(16)}${sym}`;
    }
    case BtfKind.Array: {
      const { elemType, nelems } = btf.array(id);
      const elem = btf.resolve(elemType);
      const esize = btf.size(elem);
      // pahole emits `char` as a plain 1-byte int (no BTF_INT_CHAR): go by the name too.
      if (btf.kind(elem) === BtfKind.Int && esize === 1 && (btf.intInfo(elem).char || btf.name(elem) === 'char')) {
        return cString(k.mem.read(addr, nelems));
      }
      if (btf.kind(elem) === BtfKind.Struct || btf.kind(elem) === BtfKind.Union) {
        return `{${nelems} × ${btf.typeName(elem)} at 0x${addr.toString(16)}}`;
      }
      const shown = Math.min(nelems, MAX_ARRAY);
      const vals: string[] = [];
      for (let i = 0; i < shown; i++) vals.push(scalar(k, btf, elem, addr + BigInt(i * esize), 0, 0, radix));
      return `{${vals.join(', ')}${nelems > shown ? `, ... (${nelems})` : ''}}`;
    }
    case BtfKind.Float:
      return size === 8 ? k.mem.read(addr, 8).readDoubleLE(0).toString() : k.mem.read(addr, 4).readFloatLE(0).toString();
    case BtfKind.FuncProto:
    case BtfKind.Void:
      return '';
    default:
      return `<${btf.typeName(id)}>`;
  }
}

function readUnsigned(k: Kernel, addr: bigint, size: number): bigint {
  if (size === 8) return k.mem.u64(addr);
  if (size === 4) return BigInt(k.mem.u32(addr));
  if (size === 2) return BigInt(k.mem.u16(addr));
  if (size === 1) return BigInt(k.mem.u8(addr));
  const b = k.mem.read(addr, size);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** A char array as C source would write it (crash prints them so): up to the last non-NUL
 *  byte, printable ASCII as is, \\ \" \n \t \r, the rest as octal escapes (\000). */
export function cString(b: Buffer): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  let s = '';
  for (let i = 0; i < end; i++) {
    const c = b[i];
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x22) s += '\\"';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + c.toString(8).padStart(3, '0');
  }
  return `"${s}"`;
}
