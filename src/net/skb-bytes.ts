// The bytes an sk_buff carries, as skb_copy_bits() gathers them: the linear part at skb->data
// (len - data_len bytes), then each page fragment of skb_shinfo(skb)->frags[] (a page, an
// offset, a length: page → direct map via vmemmap), then every skb on skb_shinfo->frag_list.
// Mirrors net/core/skbuff.c skb_copy_bits and include/linux/skbuff.h (skb_shinfo = head + end,
// skb_frag_t: struct bio_vec { bv_page, bv_len, bv_offset } until 6.x, then struct skb_frag
// { netmem_ref netmem; len; offset } with netmem bit 0 marking a net_iov, not a page).

import type { Kernel, Field } from '../kernel/kernel.js';
import { pageAddress } from '../kernel/page.js';

export interface SkbLayout {
  skb: bigint;
  head: bigint;
  data: bigint;
  len: number;
  dataLen: number;
  /** Offsets from head; undefined when unset ((u16)~0). */
  networkHeader?: number;
  transportHeader?: number;
  /** skb->tstamp in ns (0: not set). */
  tstamp: bigint;
  /** struct tcp_skb_cb in skb->cb: seq, end_seq, tcp_flags (meaningful on TCP queues only). */
  seq: number;
  endSeq: number;
  tcpFlags: number;
}

interface Fields {
  head: Field; data: Field; len: Field; dataLen: Field; end: Field; nh: Field; th: Field; tstamp?: Field;
  cb: bigint; cbSeq: number; cbEnd: number; cbFlags: number;
  nrFrags: Field; fragList: Field; frags: Field; fragSize: number;
  fragPage: number; fragLen: number; fragOff: number; netmem: boolean;
}

const cache = new WeakMap<Kernel, Fields>();
function fields(k: Kernel): Fields {
  let f = cache.get(k);
  if (!f) {
    const B = 'struct sk_buff';
    const SI = 'struct skb_shared_info';
    const fragType = k.btf.resolve(k.findType('skb_frag_t')!);
    const fm = (names: string[]) => {
      for (const n of names) {
        const m = k.btf.member(fragType, n);
        if (m) return m.bitOffset / 8;
      }
      throw new Error(`skb_frag_t has none of ${names.join(', ')}`);
    };
    f = {
      head: k.field(B, 'head'), data: k.field(B, 'data'), len: k.field(B, 'len'), dataLen: k.field(B, 'data_len'), end: k.field(B, 'end'),
      nh: k.field(B, 'network_header'), th: k.field(B, 'transport_header'), tstamp: k.tryField(B, 'tstamp'),
      cb: k.off(B, 'cb'),
      cbSeq: k.field('struct tcp_skb_cb', 'seq').offset, cbEnd: k.field('struct tcp_skb_cb', 'end_seq').offset, cbFlags: k.field('struct tcp_skb_cb', 'tcp_flags').offset,
      nrFrags: k.field(SI, 'nr_frags'), fragList: k.field(SI, 'frag_list'), frags: k.field(SI, 'frags'), fragSize: k.btf.size(fragType),
      fragPage: fm(['bv_page', 'netmem']), fragLen: fm(['bv_len', 'len']), fragOff: fm(['bv_offset', 'offset']),
      netmem: k.btf.member(fragType, 'netmem') !== undefined,
    };
    cache.set(k, f);
  }
  return f;
}

const UNSET = 0xffff;

export function skbLayout(k: Kernel, skb: bigint): SkbLayout {
  const f = fields(k);
  const nh = k.num(skb, f.nh);
  const th = k.num(skb, f.th);
  const cb = k.mem.read(skb + f.cb, 16);
  return {
    skb,
    head: k.ptr(skb, f.head),
    data: k.ptr(skb, f.data),
    len: k.num(skb, f.len),
    dataLen: k.num(skb, f.dataLen),
    networkHeader: nh === UNSET ? undefined : nh,
    transportHeader: th === UNSET ? undefined : th,
    tstamp: f.tstamp ? k.big(skb, f.tstamp) : 0n,
    seq: cb.readUInt32LE(f.cbSeq),
    endSeq: cb.readUInt32LE(f.cbEnd),
    tcpFlags: cb[f.cbFlags],
  };
}

/** Up to `limit` bytes of what the skb carries from skb->data: linear part, frags, frag_list. */
export function skbBytes(k: Kernel, skb: bigint, limit = 1 << 24, depth = 0): Buffer {
  const f = fields(k);
  const l = skbLayout(k, skb);
  const want = Math.min(l.len, limit);
  const parts: Buffer[] = [];
  let got = 0;
  const linear = Math.min(l.len - l.dataLen, want);
  if (linear > 0) {
    parts.push(k.mem.read(l.data, linear));
    got += linear;
  }
  if (got < want) {
    // skb_shinfo(skb): head + end (end is an offset on 64-bit, NET_SKBUFF_DATA_USES_OFFSET)
    const shinfo = f.end.size === 4 ? l.head + BigInt(k.num(skb, f.end)) : k.ptr(skb, f.end);
    const nr = k.num(shinfo, f.nrFrags);
    if (nr > 48) throw new Error(`skb 0x${skb.toString(16)}: nr_frags ${nr} is not a fragment count`);
    const frags = shinfo + f.frags.offsetN;
    for (let i = 0; i < nr && got < want; i++) {
      const fr = frags + BigInt(i * f.fragSize);
      let page = k.mem.u64(fr + BigInt(f.fragPage));
      if (f.netmem) {
        if (page & 1n) throw new Error(`skb 0x${skb.toString(16)}: frag ${i} is device memory (net_iov), not a page`);
      }
      page &= ~3n;
      const len = k.mem.u32(fr + BigInt(f.fragLen));
      const off = k.mem.u32(fr + BigInt(f.fragOff));
      const n = Math.min(len, want - got);
      parts.push(k.mem.read(pageAddress(k, page) + BigInt(off), n));
      got += n;
    }
    // skb_walk_frags: the frag_list chain (GRO'd packets, IP fragments)
    let next = k.ptr(shinfo, f.fragList);
    const seen = new Set<bigint>();
    while (next !== 0n && got < want && depth < 4 && !seen.has(next) && seen.size < 1000) {
      seen.add(next);
      const b = skbBytes(k, next, want - got, depth + 1);
      parts.push(b);
      got += b.length;
      next = k.mem.ptr(next); // skb->next
    }
  }
  if (got < want) throw new Error(`skb 0x${skb.toString(16)}: ${want - got} of ${l.len} bytes not found in its linear part, frags or frag_list`);
  return Buffer.concat(parts, got);
}
