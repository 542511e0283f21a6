// Errors the kernel layer raises: each names what was asked for and what to try instead.

export class SymbolNotFoundError extends Error {
  constructor(readonly symbol: string, source: string) {
    super(`symbol '${symbol}' is not in the symbol table (${source})`);
    this.name = 'SymbolNotFoundError';
  }
}

export class TypeNotFoundError extends Error {
  constructor(readonly type: string, detail = '') {
    super(`type '${type}' is not in the kernel's BTF${detail ? ': ' + detail : ''}`);
    this.name = 'TypeNotFoundError';
  }
}

/** Opening failed for a reason the user can fix (missing symbols or types): says which file to pass. */
export class OpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenError';
  }
}

/** Nothing at the address asked for could be read: one line ("invalid kernel virtual address"). */
export class UnreadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableError';
  }
}
