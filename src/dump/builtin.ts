// Node's built-in modules that only some runs need, loaded on first use instead of when the
// program starts: each costs its compile at start (node:zlib with the stream modules it pulls
// in ~4 ms, node:worker_threads ~5, measured alone in a fresh node), and the usual run
// (`xportshow DUMP -at` on a zlib or uncompressed dump) needs neither: Node's zlib is the
// fallback of the wasm inflater and zstd's decoder on Node >= 22.15, the worker is opt-in.

/** The built-in module `id` (e.g. 'node:zlib'), loaded now if not yet. */
export function builtin<T>(id: `node:${string}`): T {
  // Node >= 20.16; before, the bundle's CommonJS require (the tests run on a Node that has it)
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (get ? get(id) : require(id)) as T;
}

/** A getter of `id` that loads it on its first call. */
export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  let m: T | undefined;
  return () => (m ??= builtin<T>(id));
}
