// The contract between symbol sources (kallsyms in the dump, System.map, vmlinux .symtab)
// and the layers above. Addresses are the running kernel's (KASLR already applied).

export interface KernelSymbol {
  name: string;
  address: bigint;
  /** nm-style type letter: 'T' text, 'D' data, 'd' local data, 'A' absolute, ... */
  type: string;
}

export interface SymbolTable {
  /** Where the symbols came from, for `info`: "kallsyms in the dump (base-relative)", "System.map FILE" */
  readonly source: string;
  readonly size: number;
  lookup(name: string): bigint | undefined;
  /** The symbol at or below `address` (for printing function pointers as name+0xoff). */
  nearest(address: bigint): { symbol: KernelSymbol; offset: bigint } | undefined;
  /** All symbols sorted by address (for completion and listing). */
  all(): readonly KernelSymbol[];
  /** Every symbol named `name`, in the order `all()` lists them, without listing them all. */
  named?(name: string): readonly KernelSymbol[];
  /** Symbols whose name holds `infix` after its first character, by the name before it (the
   *  first in address order wins), without making a KernelSymbol of each: `name.llvm.<hash>`. */
  byStem?(infix: string): Map<string, bigint>;
  /** What byStem(infix).get(stem) gives, without finding every name that holds `infix`. */
  withStem?(stem: string, infix: string): bigint | undefined;
  /** The address of the first symbol above `address`, without making symbol objects. */
  nextAddress?(address: bigint): bigint | undefined;
}

/** Reads kernel virtual memory; throws (PageMissingError or an address error) when it cannot. */
export type VirtualReader = (address: bigint, length: number) => Buffer;

/** VMCOREINFO parsed: "SYMBOL(init_top_pgt)" -> "ffffffff...", "OSRELEASE" -> "6.1.0-..." */
export type VmcoreInfo = ReadonlyMap<string, string>;
