// BTF kinds and the shapes the parser hands out (include/uapi/linux/btf.h; Documentation/bpf/btf.rst).

/** BTF_KIND_* (include/uapi/linux/btf.h; ENUM64 = 19 since Linux 6.0). */
export const BtfKind = {
  Void: 0, // BTF_KIND_UNKN: only type id 0
  Int: 1,
  Ptr: 2,
  Array: 3,
  Struct: 4,
  Union: 5,
  Enum: 6,
  Fwd: 7,
  Typedef: 8,
  Volatile: 9,
  Const: 10,
  Restrict: 11,
  Func: 12,
  FuncProto: 13,
  Var: 14,
  Datasec: 15,
  Float: 16,
  DeclTag: 17,
  TypeTag: 18,
  Enum64: 19,
} as const;
export type BtfKindValue = (typeof BtfKind)[keyof typeof BtfKind];

export const KIND_NAMES = [
  'void', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile',
  'const', 'restrict', 'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag',
  'enum64',
];
export function btfKindName(kind: number): string {
  return KIND_NAMES[kind] ?? `kind${kind}`;
}

export interface BtfMember {
  /** '' for an anonymous struct/union member. */
  name: string;
  typeId: number;
  /** Offset from the start of the enclosing struct, in bits. */
  bitOffset: number;
  /** Bitfield width in bits; 0 when the member is not a bitfield. */
  bitSize: number;
}

/** Where a member (or member path) lies: offset in bits from the start of the outer type. */
export interface BtfMemberRef {
  typeId: number;
  bitOffset: number;
  bitSize: number;
}

export interface BtfIntInfo {
  signed: boolean;
  /** Value width in bits (BTF_INT_BITS); for enums size*8. */
  bits: number;
  /** BTF_INT_OFFSET: bit offset of the value inside its storage (0 in practice). */
  bitOffset: number;
  bool: boolean;
  char: boolean;
  /** Storage size in bytes. */
  size: number;
}

export interface BtfEnumerator {
  name: string;
  value: bigint;
}

export interface BtfParam {
  name: string;
  typeId: number;
}

export interface BtfFuncProto {
  returnType: number;
  params: BtfParam[];
  variadic: boolean;
}

export interface BtfVarSecinfo {
  typeId: number;
  offset: number;
  size: number;
}

// Name namespaces for the name index: C tags vs typedefs vs base types vs variables (a few
// thousand, the per-CPU ones) vs the rest (functions: most of the names).
export type Namespace = 'tag' | 'typedef' | 'base' | 'var' | 'other';
export function namespaceOf(kind: number): Namespace | undefined {
  switch (kind) {
    case BtfKind.Struct:
    case BtfKind.Union:
    case BtfKind.Enum:
    case BtfKind.Enum64:
    case BtfKind.Fwd:
      return 'tag';
    case BtfKind.Typedef:
      return 'typedef';
    case BtfKind.Int:
    case BtfKind.Float:
      return 'base';
    case BtfKind.Var:
      return 'var';
    case BtfKind.Func:
    case BtfKind.Datasec:
      return 'other';
    default:
      return undefined;
  }
}
