// Types for snappyjs 0.7 (raw Snappy format, what makedumpfile's -p writes), which ships none.
declare module 'snappyjs' {
  /** Decompress a raw Snappy block; throws on a bad stream or one longer than maxLength. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  /** Compress into a raw Snappy block (used by the tests). */
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
  const snappy: { uncompress: typeof uncompress; compress: typeof compress };
  export default snappy;
}
