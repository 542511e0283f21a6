// Parsers for the firewall truth sections: `nft -a list ruleset` (nft.<ns>.ruleset) and
// `iptables-legacy-save -c` (iptables.<ns>.save, ip6tables.<ns>.save).

export interface TruthNftRule { handle: number; text: string; packets: number | null; bytes: number | null }
export interface TruthNftChain { name: string; handle: number; spec: string | null; rules: TruthNftRule[] }
export interface TruthNftSet { name: string; handle: number; type: string; flags: string | null; elements: string[] }
export interface TruthNftTable { family: string; name: string; handle: number; chains: TruthNftChain[]; sets: TruthNftSet[] }

/** Counters replaced, so two prints taken at different moments compare equal. */
export const stripCounters = (s: string) => s.replace(/packets \d+ bytes \d+/g, 'packets N bytes N').replace(/\[\d+:\d+\]/g, '[N:N]');

export function parseNftRuleset(text: string | undefined): TruthNftTable[] {
  const tables: TruthNftTable[] = [];
  let table: TruthNftTable | undefined;
  let chain: TruthNftChain | undefined;
  let set: TruthNftSet | undefined;
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^table (\S+) (\S+) \{ # handle (\d+)$/.exec(line))) tables.push((table = { family: m[1], name: m[2], handle: Number(m[3]), chains: [], sets: [] }));
    else if ((m = /^chain (\S+) \{ # handle (\d+)$/.exec(line))) table!.chains.push((chain = { name: m[1], handle: Number(m[2]), spec: null, rules: [] }));
    else if ((m = /^set (\S+) \{ # handle (\d+)$/.exec(line))) table!.sets.push((set = { name: m[1], handle: Number(m[2]), type: '', flags: null, elements: [] }));
    else if (line === '}') { if (set) set = undefined; else if (chain) chain = undefined; else table = undefined; }
    else if (set && (m = /^type (.*)$/.exec(line))) set.type = m[1];
    else if (set && (m = /^flags (.*)$/.exec(line))) set.flags = m[1];
    else if (set && (m = /^elements = \{ (.*) \}$/.exec(line))) set.elements = m[1].split(', ');
    else if (chain && line.startsWith('type ')) chain.spec = line;
    else if (chain && (m = /^(.*) # handle (\d+)$/.exec(line))) {
      const c = /counter packets (\d+) bytes (\d+)/.exec(m[1]);
      chain.rules.push({ handle: Number(m[2]), text: m[1], packets: c ? Number(c[1]) : null, bytes: c ? Number(c[2]) : null });
    }
  }
  return tables;
}

export interface TruthXtTable { name: string; chains: { name: string; policy: string; packets: number; bytes: number }[]; rules: { packets: number; bytes: number; line: string }[] }

export function parseIptablesSave(text: string | undefined): TruthXtTable[] {
  const out: TruthXtTable[] = [];
  let t: TruthXtTable | undefined;
  for (const line of (text ?? '').split('\n')) {
    let m: RegExpExecArray | null;
    if (line.startsWith('#') || !line.trim()) continue;
    if ((m = /^\*(\S+)$/.exec(line))) out.push((t = { name: m[1], chains: [], rules: [] }));
    else if ((m = /^:(\S+) (\S+) \[(\d+):(\d+)\]$/.exec(line))) t!.chains.push({ name: m[1], policy: m[2], packets: Number(m[3]), bytes: Number(m[4]) });
    else if ((m = /^\[(\d+):(\d+)\] (-A .*)$/.exec(line))) t!.rules.push({ packets: Number(m[1]), bytes: Number(m[2]), line: m[3] });
  }
  return out;
}
