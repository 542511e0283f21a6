// IPv4/IPv6 address text as netstat and ss print it (inet_ntop forms, [v6]:port).

/** An IPv4 address stored in network byte order, read as a little-endian u32. */
export function ipv4FromLE(v: number): string {
  return `${v & 0xff}.${(v >>> 8) & 0xff}.${(v >>> 16) & 0xff}.${v >>> 24}`;
}

/** 16 bytes in network order → RFC 5952 text (longest zero run compressed, v4-mapped dotted). */
export function ipv6(b: Buffer | Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function endpoint(addr: string, port: number | '*', v6: boolean): string {
  return v6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Network-order u16 read as little-endian → host port. */
export function ntohs(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}
