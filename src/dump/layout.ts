// Declarative binary struct layouts (token-types style): a layout names each field with its
// offset and decoder; parsers call `layout.read(buf, base)` and get a plain object back.
// Layouts say nothing about where a struct lives in a file: that is the parsers' business.

export interface Field<T> {
  readonly offset: number;
  readonly size: number;
  get(buf: Buffer, base: number): T;
}

type FieldValues<F> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export interface Layout<F extends Record<string, Field<unknown>>> {
  readonly name: string;
  /** sizeof(struct) in bytes. */
  readonly size: number;
  readonly fields: F;
  /** Decode every field of the struct starting at `base`. */
  read(buf: Buffer, base?: number): FieldValues<F>;
}

export function layout<F extends Record<string, Field<unknown>>>(name: string, size: number, fields: F): Layout<F> {
  for (const [key, f] of Object.entries(fields)) {
    if (f.offset + f.size > size) throw new Error(`layout ${name}: field ${key} ends past byte ${size}`);
  }
  const entries = Object.entries(fields);
  return {
    name,
    size,
    fields,
    read(buf: Buffer, base = 0): FieldValues<F> {
      if (base < 0 || base + size > buf.length) {
        throw new RangeError(`${name}: need ${size} bytes at ${base}, buffer has ${buf.length}`);
      }
      const out: Record<string, unknown> = {};
      for (const [key, f] of entries) out[key] = f.get(buf, base);
      return out as FieldValues<F>;
    },
  };
}

// --- field decoders --------------------------------------------------------------------

const TWO32 = 2 ** 32;

export const u8 = (offset: number): Field<number> => ({ offset, size: 1, get: (b, o) => b[o + offset]! });
export const u16le = (offset: number): Field<number> => ({ offset, size: 2, get: (b, o) => b.readUInt16LE(o + offset) });
export const u32le = (offset: number): Field<number> => ({ offset, size: 4, get: (b, o) => b.readUInt32LE(o + offset) });
export const i32le = (offset: number): Field<number> => ({ offset, size: 4, get: (b, o) => b.readInt32LE(o + offset) });

/** Unsigned 64-bit as a number: exact below 2^53 (file offsets, physical addresses, sizes);
 *  larger values (e.g. an all-ones "no address") come out approximate but still >= 2^53. */
export const u64le = (offset: number): Field<number> => ({
  offset,
  size: 8,
  get: (b, o) => b.readUInt32LE(o + offset + 4) * TWO32 + b.readUInt32LE(o + offset),
});
/** Signed 64-bit as a number (exact within ±2^53). */
export const i64le = (offset: number): Field<number> => ({
  offset,
  size: 8,
  get: (b, o) => b.readInt32LE(o + offset + 4) * TWO32 + b.readUInt32LE(o + offset),
});
/** Unsigned 64-bit as a bigint, for kernel virtual addresses. */
export const u64leBig = (offset: number): Field<bigint> => ({
  offset,
  size: 8,
  get: (b, o) => b.readBigUInt64LE(o + offset),
});
/** Signed 64-bit big-endian as a number (exact within ±2^53): makedumpfile's flattened format. */
export const i64be = (offset: number): Field<number> => ({
  offset,
  size: 8,
  get: (b, o) => b.readInt32BE(o + offset) * TWO32 + b.readUInt32BE(o + offset + 4),
});
/** A fixed char[len] holding a NUL-terminated string. */
export const cstr = (offset: number, len: number): Field<string> => ({
  offset,
  size: len,
  get: (b, o) => {
    const s = b.subarray(o + offset, o + offset + len);
    const nul = s.indexOf(0);
    return s.toString('latin1', 0, nul < 0 ? len : nul);
  },
});
/** Raw bytes (a copy). */
export const bytes = (offset: number, len: number): Field<Buffer> => ({
  offset,
  size: len,
  get: (b, o) => Buffer.from(b.subarray(o + offset, o + offset + len)),
});
