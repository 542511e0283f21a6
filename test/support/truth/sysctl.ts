// `sysctl -a` output of one namespace.

import { dataLines } from './lines.js';

/** `sysctl -a` output: "net.ipv4.tcp_fin_timeout = 30"; tabs inside values are kept as printed */
export function parseSysctl(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of dataLines(text)) {
    const i = line.indexOf(' = ');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 3));
  }
  return out;
}
