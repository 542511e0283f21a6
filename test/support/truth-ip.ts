// Debian iproute2 output of the host fixtures (`ip route show table all`, `ip route show cache`,
// `ip -d link`, `ip addr`, `ip -s -s link`): the parsers the host-view tests compare against.

/** `ip route show table all`: one entry per route, multipath `nexthop` lines joined with "\n\t",
 *  trailing blanks dropped; `expires Nsec` taken out (it counts down between print and dump). */
export function ipRouteEntries(text: string | undefined): { line: string; expires: number | null }[] {
  const out: { line: string; expires: number | null }[] = [];
  for (const raw of (text ?? '').split('\n')) {
    const l = raw.replace(/\s+$/, '');
    if (!l) continue;
    if (/^\s/.test(l) && out.length) out[out.length - 1]!.line += `\n\t${l.trim()}`;
    else out.push({ line: l, expires: null });
  }
  for (const e of out) {
    const m = / expires (\d+)sec/.exec(e.line);
    if (m) {
      e.expires = Number(m[1]);
      e.line = e.line.replace(m[0], ' expires Nsec');
    }
  }
  return out;
}

/** `ip route show cache` (v4: "dst via gw dev d \n cache expires Nsec mtu M") and `ip -6 route
 *  show cache` (one line): destination, gateway, device, mtu, expires. */
export interface IpCacheEntry {
  destination: string;
  gateway: string | null;
  dev: string;
  mtu: number | null;
  expires: number | null;
}
export function ipRouteCache(text: string | undefined): IpCacheEntry[] {
  const out: IpCacheEntry[] = [];
  for (const raw of (text ?? '').split('\n')) {
    const l = raw.trim();
    if (!l) continue;
    if (!/^\s/.test(raw)) {
      const w = l.split(/\s+/);
      const at = (k: string) => (w.indexOf(k) >= 0 ? w[w.indexOf(k) + 1]! : null);
      out.push({ destination: w[0]!, gateway: at('via'), dev: at('dev') ?? '', mtu: null, expires: null });
    }
    const e = out[out.length - 1]!;
    const mtu = / mtu (\d+)/.exec(` ${l}`);
    if (mtu) e.mtu = Number(mtu[1]);
    const ex = / expires (\d+)sec/.exec(` ${l}`);
    if (ex) e.expires = Number(ex[1]);
  }
  return out;
}

/** `ip -d link show` / `ip addr show` (Debian iproute2): one entry per device. */
export interface IpLinkEntry {
  ifindex: number;
  name: string;
  /** after '@': a device name or "ifN" (peer in another netns) */
  link: string | null;
  flags: string[];
  mtu: number;
  qdisc: string;
  master: string | null;
  state: string;
  type: string;
  mac: string;
  /** `vlan protocol 802.1Q id N` of -d */
  vlanId: number | null;
  /** the -d line's kind: dummy, veth, bridge, vlan, bridge_slave … */
  kinds: string[];
  inet: { address: string; prefixLen: number; scope: string; flags: string[]; label: string }[];
  inet6: { address: string; prefixLen: number; scope: string; flags: string[] }[];
  /** ip -s -s link: RX/TX bytes packets errors dropped */
  rx: number[] | null;
  tx: number[] | null;
}

export function parseIpLink(text: string | undefined): IpLinkEntry[] {
  const out: IpLinkEntry[] = [];
  let cur: IpLinkEntry | undefined;
  let want: 'rx' | 'tx' | null = null;
  for (const line of (text ?? '').split('\n')) {
    const h = /^(\d+): ([^:@]+)(?:@([^:]+))?: <([^>]*)> mtu (\d+) qdisc (\S+)(?: master (\S+))? state (\S+)/.exec(line);
    if (h) {
      cur = {
        ifindex: Number(h[1]), name: h[2]!, link: h[3] ?? null, flags: h[4]!.split(',').filter(Boolean), mtu: Number(h[5]),
        qdisc: h[6]!, master: h[7] ?? null, state: h[8]!, type: '', mac: '', vlanId: null, kinds: [], inet: [], inet6: [], rx: null, tx: null,
      };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const t = line.trim();
    if (want) {
      cur[want] = t.split(/\s+/).map(Number);
      want = null;
      continue;
    }
    if (/^RX:\s+bytes/.test(t)) want = 'rx';
    else if (/^TX:\s+bytes/.test(t)) want = 'tx';
    const l = /^link\/(\S+)(?: (\S+))?/.exec(t);
    if (l) {
      cur.type = l[1]!;
      cur.mac = l[2] ?? '';
      continue;
    }
    const v = /^vlan protocol \S+ id (\d+)/.exec(t);
    if (v) cur.vlanId = Number(v[1]);
    const kind = /^(dummy|veth|bridge_slave|bridge|vlan)\b/.exec(t);
    if (kind) cur.kinds.push(kind[1]!);
    const a = /^inet (\S+)\/(\d+)(?: brd \S+)? scope (\S+)(.*?)\s(\S+)$/.exec(t);
    if (a) {
      cur.inet.push({ address: a[1]!, prefixLen: Number(a[2]), scope: a[3]!, flags: a[4]!.trim().split(/\s+/).filter(Boolean), label: a[5]! });
      continue;
    }
    const b = /^inet6 (\S+)\/(\d+) scope (\S+)(.*)$/.exec(t);
    if (b) cur.inet6.push({ address: b[1]!, prefixLen: Number(b[2]), scope: b[3]!, flags: b[4]!.trim().split(/\s+/).filter(Boolean) });
  }
  return out;
}
