// Parsers for the neighbour sections of truth.txt: busybox `ip neigh` / `ip -6 neigh`
// (`ip.<ns>.neigh`, `ip.<ns>.neigh6`).

import type { Truth } from './truth.js';

/** One line of busybox `ip neigh`: "10.0.2.2 dev eth0 lladdr 52:55:0a:00:02:02 ref 1 used 0/0/0 probes 4 REACHABLE". */
export interface IpNeighRow {
  ip: string;
  dev: string;
  lladdr: string;
  /** "router", "proxy", … */
  flags: string[];
  /** ndm_refcnt (refcnt - 1); 0 when busybox printed no "ref" (it omits 0). */
  ref: number;
  probes: number | undefined;
  /** NUD state names, space-joined ("REACHABLE", "PERMANENT"). */
  state: string;
  raw: string;
}

export function parseIpNeigh(text: string | undefined): IpNeighRow[] {
  const rows: IpNeighRow[] = [];
  for (const line of (text ?? '').split('\n')) {
    const t = line.trim().split(/\s+/).filter(Boolean);
    if (t.length < 2) continue;
    const row: IpNeighRow = { ip: t[0]!, dev: '', lladdr: '', flags: [], ref: 0, probes: undefined, state: '', raw: line };
    const state: string[] = [];
    for (let i = 1; i < t.length; i++) {
      const w = t[i]!;
      if (w === 'dev') row.dev = t[++i]!;
      else if (w === 'lladdr') row.lladdr = t[++i]!;
      else if (w === 'ref') row.ref = Number(t[++i]);
      else if (w === 'used') i++;
      else if (w === 'probes') row.probes = Number(t[++i]);
      else if (/^[A-Z]+$/.test(w)) state.push(w);
      else row.flags.push(w);
    }
    row.state = state.join(' ');
    rows.push(row);
  }
  return rows;
}

/** ip neigh rows of a namespace ("init", "ns1"): IPv4 from `ip.<ns>.neigh`, IPv6 from `ip.<ns>.neigh6`
 *  (busybox `ip neigh` without -4 prints both families; -6 only IPv6). */
export function ipNeighTruth(truth: Truth, ns: string): { v4: IpNeighRow[]; v6: IpNeighRow[]; all: IpNeighRow[] } {
  const all = parseIpNeigh(truth.sections.get(`ip.${ns}.neigh`));
  const v6 = parseIpNeigh(truth.sections.get(`ip.${ns}.neigh6`));
  return { v4: all.filter((r) => !r.ip.includes(':')), v6, all };
}
