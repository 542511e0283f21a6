// Print a typed object from memory the way crash's `struct TYPE ADDR` does:
// one member per line, nested structs indented, pointers in hex with the symbol they point at,
// char arrays as strings, enums by name, bitfields decoded. Unreadable memory prints a marked gap.

import { BtfKind, type Btf } from '../debuginfo/btf.js';
import { TypeNotFoundError } from './errors.js';
import type { Kernel } from './kernel.js';
import { symbolAt, formatHit } from './symbolize.js';

const MAX_ARRAY = 16; // elements printed before "..."; long arrays are summarised

export interface FormatOptions {
  /** Nesting depth to expand structs (default 6). */
  depth?: number;
}

/** Lines for `struct TYPE` at `addr`. */
export function formatStruct(k: Kernel, typeSpec: string, addr: bigint, opts: FormatOptions = {}): string[] {
  const ref = k.typeRef(typeSpec);
  if (!ref) throw new TypeNotFoundError(typeSpec, 'not in vmlinux nor in any loaded module');
  const lines: string[] = [];
  const head = `${ref.btf.typeName(ref.id)}${ref.module ? ` [${ref.module}]` : ''} 0x${addr.toString(16)}`;
  formatValue(k, ref.btf, ref.id, addr, 0, 0, opts.depth ?? 6, lines, head + ' ');
  return lines;
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
      for (const m of btf.members(id)) {
        const byte = Math.floor(m.bitOffset / 8);
        const name = m.name ? `${m.name} = ` : '';
        formatValue(k, btf, m.typeId, addr + BigInt(byte), m.bitOffset - byte * 8, m.bitSize, depth - 1, out, name, indent + '  ');
      }
      out.push(`${indent}}${indent ? ',' : ''}`);
      return;
    }
    out.push(`${indent}${prefix}${scalar(k, btf, id, addr, bitShift, bitSize)}${indent ? ',' : ''}`);
  } catch (e) {
    out.push(`${indent}${prefix}<unreadable: ${(e as Error).message}>`);
  }
}

/** One value that is not a struct: integers, pointers, enums, arrays. */
export function scalar(k: Kernel, btf: Btf, id: number, addr: bigint, bitShift = 0, bitSize = 0): string {
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
      return v.toString();
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
        return JSON.stringify(k.mem.cstring(addr, nelems));
      }
      if (btf.kind(elem) === BtfKind.Struct || btf.kind(elem) === BtfKind.Union) {
        return `{${nelems} × ${btf.typeName(elem)} at 0x${addr.toString(16)}}`;
      }
      const shown = Math.min(nelems, MAX_ARRAY);
      const vals: string[] = [];
      for (let i = 0; i < shown; i++) vals.push(scalar(k, btf, elem, addr + BigInt(i * esize)));
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
