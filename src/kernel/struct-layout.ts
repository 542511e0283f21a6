// A struct's layout as crash's `struct -o TYPE` prints it: every member with its byte offset
// ("[0x5d4] u32 rcv_nxt;"), anonymous structs and unions expanded in place, bitfields with
// their width, then the size. From BTF alone (no memory read).

import { BtfKind, type Btf } from '../debuginfo/btf.js';
import { TypeNotFoundError } from './errors.js';
import type { Kernel } from './kernel.js';

export interface LayoutLine {
  offset?: number;
  text: string;
}

export function structLayout(k: Kernel, typeSpec: string, radix: 10 | 16 = 16): string[] {
  const ref = k.typeRef(typeSpec);
  if (!ref) throw new TypeNotFoundError(typeSpec, 'not in vmlinux nor in any loaded module');
  const btf = ref.btf;
  const id = btf.resolve(ref.id);
  const kind = btf.kind(id);
  if (kind !== BtfKind.Struct && kind !== BtfKind.Union) throw new TypeNotFoundError(typeSpec, `is a ${btf.kindName(id)}, not a struct or union`);
  const lines: LayoutLine[] = [];
  members(btf, id, 0, '', lines, 0);
  const fmt = (o: number) => (radix === 16 ? `0x${o.toString(16)}` : String(o));
  const width = Math.max(0, ...lines.map((l) => (l.offset === undefined ? 0 : fmt(l.offset).length + 2)));
  const out = [`${btf.typeName(id)} {`];
  for (const l of lines) out.push(`  ${(l.offset === undefined ? '' : `[${fmt(l.offset)}]`).padStart(width)} ${l.text}`);
  out.push('}', `SIZE: ${radix === 16 ? '0x' + btf.size(id).toString(16) : btf.size(id)}`);
  return out;
}

function members(btf: Btf, id: number, base: number, indent: string, out: LayoutLine[], depth: number): void {
  for (const m of btf.members(id)) {
    const offset = base + Math.floor(m.bitOffset / 8);
    const t = btf.resolve(m.typeId);
    const k = btf.kind(t);
    if (!m.name && (k === BtfKind.Struct || k === BtfKind.Union) && depth < 8) {
      out.push({ offset, text: `${indent}${k === BtfKind.Union ? 'union' : 'struct'} {` });
      members(btf, t, offset, indent + '    ', out, depth + 1);
      out.push({ text: `${indent}};` });
      continue;
    }
    const bits = m.bitSize ? ` : ${m.bitSize}` : '';
    out.push({ offset, text: `${indent}${btf.declaration(m.typeId, m.name)}${bits};` });
  }
}
