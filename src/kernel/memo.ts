// One value per opened kernel, built on first use: field offsets and readers are pure
// functions of the BTF, so every walker keeps them here instead of in a WeakMap of its own.

import type { Kernel } from './kernel.js';

/** `perKernel(build)(k)` builds once per Kernel and returns the same value afterwards. */
export function perKernel<T>(build: (k: Kernel) => T): (k: Kernel) => T {
  const memo = new WeakMap<Kernel, T>();
  return (k) => {
    let v = memo.get(k);
    if (v === undefined) {
      v = build(k);
      memo.set(k, v);
    }
    return v;
  };
}
