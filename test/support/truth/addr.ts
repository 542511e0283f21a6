// Address decoders for /proc/net/* hex columns, and IPv6 text as inet_ntop prints it.

/** "0100007F" (a __be32 printed as a host-endian x86 u32) -> "127.0.0.1" */
export function decodeHexIPv4(hex: string): string {
  const n = Number.parseInt(hex, 16) >>> 0;
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/** 32 hex digits, four host-endian u32 words -> the 16 address bytes */
export function hexIPv6Bytes(hex: string): Uint8Array {
  if (hex.length !== 32) throw new Error(`bad IPv6 hex ${hex}`);
  const out = new Uint8Array(16);
  for (let w = 0; w < 4; w++) {
    const n = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0;
    out[w * 4] = n & 0xff;
    out[w * 4 + 1] = (n >>> 8) & 0xff;
    out[w * 4 + 2] = (n >>> 16) & 0xff;
    out[w * 4 + 3] = (n >>> 24) & 0xff;
  }
  return out;
}

/**
 * IPv6 text as glibc inet_ntop prints it: lowercase, no leading zeros, the
 * longest run (>= 2) of zero groups as "::" (the first one on ties), and the
 * embedded dotted quad for ::ffff:a.b.c.d and ::a.b.c.d.
 */
export function formatIPv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) { curBase = i; curLen = 1; } else curLen++;
    } else if (curBase !== -1) {
      if (curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
      curBase = -1;
    }
  }
  if (curBase !== -1 && curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      s += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      break;
    }
    s += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) s += ':';
  return s;
}

export function decodeHexIPv6(hex: string): string {
  return formatIPv6(hexIPv6Bytes(hex));
}

/** "0100007F:1F90" -> {addr: "127.0.0.1", port: 8080, text: "127.0.0.1:8080"} */
export function decodeHexEndpoint(field: string): { addr: string; port: number; text: string; family: 'inet' | 'inet6' } {
  const [hex, portHex] = field.split(':');
  if (hex === undefined || portHex === undefined) throw new Error(`bad endpoint ${field}`);
  const port = Number.parseInt(portHex, 16);
  if (hex.length === 8) {
    const addr = decodeHexIPv4(hex);
    return { addr, port, text: `${addr}:${port}`, family: 'inet' };
  }
  const addr = decodeHexIPv6(hex);
  return { addr, port, text: `[${addr}]:${port}`, family: 'inet6' };
}
