// The kernel log from the dump: the lockless printk ring buffer of 5.10+
// (kernel/printk/printk_ringbuffer.{h,c}: prb_read_valid / desc_read / get_data).
//
//   static struct printk_ringbuffer *prb;  → { struct prb_desc_ring desc_ring;
//                                             struct prb_data_ring text_data_ring; }
//   desc_ring:  count_bits, descs[1 << count_bits] {state_var, text_blk_lpos{begin, next}},
//               infos[1 << count_bits] (struct printk_info), head_id, tail_id
//   data ring:  size_bits, data[1 << size_bits]; a block is {unsigned long id; char text[]}
//
// The records are read from tail_id to head_id. A descriptor's state_var holds its id and,
// in the top two bits, its state (reserved 0, committed 1, finalized 2, reusable 3): only
// committed and finalized records whose id matches are read; a text block that wraps the
// data ring's end starts again at data[0].

import type { Kernel } from './kernel.js';
import { describe, type WalkProblem } from './walk.js';

export interface LogRecord {
  seq: number;
  /** local_clock() nanoseconds at printk time */
  tsNsec: number;
  /** syslog level 0–7 and facility (0 = kernel) */
  level: number;
  facility: number;
  /** LOG_NEWLINE 2, LOG_CONT 8 */
  flags: number;
  callerId: number;
  /** null: the record's text could not be read (a page missing from the dump, or lost data) */
  text: string | null;
  gap?: string;
}

export interface KernelLog {
  records: LogRecord[];
  problems: WalkProblem[];
}

const DESC_STATE_SHIFT = 62n; // DESC_FLAGS_SHIFT: BITS_PER_LONG - 2
const DESC_ID_MASK = (1n << DESC_STATE_SHIFT) - 1n;
const DESC_COMMITTED = 1n;
const DESC_FINALIZED = 2n;
const NO_LPOS = 0x3n;
const ID_SIZE = 8n; // sizeof(prb_data_block.id)
const MAX_RECORDS = 1 << 22;

// kernel/printk/printk_ringbuffer.c: prb_first_seq … _prb_read_valid over every valid record
export function kernelLog(k: Kernel): KernelLog {
  const problems: WalkProblem[] = [];
  const R = 'struct printk_ringbuffer';
  const prbSym = k.vmlinuxSymbol('prb');
  if (prbSym === undefined || !k.has(R)) {
    problems.push({ where: 'printk ringbuffer', address: 0n, kind: 'unreadable', detail: 'no `prb` symbol or struct printk_ringbuffer: a kernel before 5.10 (log_buf) is not supported' });
    return { records: [], problems };
  }
  const rb = k.mem.ptr(prbSym);
  const f = (p: string) => k.field(R, p);
  const countBits = k.num(rb, f('desc_ring.count_bits'));
  const descs = k.ptr(rb, f('desc_ring.descs'));
  const infos = k.ptr(rb, f('desc_ring.infos'));
  const headId = k.big(rb, f('desc_ring.head_id.counter')) & DESC_ID_MASK;
  const tailId = k.big(rb, f('desc_ring.tail_id.counter')) & DESC_ID_MASK;
  const sizeBits = k.num(rb, f('text_data_ring.size_bits'));
  const data = k.ptr(rb, f('text_data_ring.data'));
  if (countBits > 24 || sizeBits > 32) {
    problems.push({ where: 'printk ringbuffer', address: rb, kind: 'bad-pointer', detail: `count_bits ${countBits}, size_bits ${sizeBits}: not a ring buffer` });
    return { records: [], problems };
  }
  const count = 1n << BigInt(countBits);
  const dataSize = 1n << BigInt(sizeBits);
  const dataMask = dataSize - 1n;
  const descSize = BigInt(k.sizeof('struct prb_desc'));
  const infoSize = BigInt(k.sizeof('struct printk_info'));
  const D = 'struct prb_desc';
  const I = 'struct printk_info';
  const stateF = k.field(D, 'state_var.counter');
  const beginF = k.field(D, 'text_blk_lpos.begin');
  const nextF = k.field(D, 'text_blk_lpos.next');
  const seqF = k.field(I, 'seq');
  const tsF = k.field(I, 'ts_nsec');
  const lenF = k.field(I, 'text_len');
  const facF = k.field(I, 'facility');
  const flagsF = k.field(I, 'flags');
  const levelF = k.field(I, 'level');
  const callerF = k.field(I, 'caller_id');
  const wraps = (lpos: bigint) => lpos >> BigInt(sizeBits);

  const records: LogRecord[] = [];
  const n = Number((headId - tailId) & DESC_ID_MASK) + 1;
  if (n > Number(count) || n > MAX_RECORDS) {
    problems.push({ where: 'printk ringbuffer', address: rb, kind: 'limit', detail: `tail_id ${tailId} head_id ${headId}: more ids than descriptors (${count})` });
    return { records, problems };
  }
  for (let i = 0; i < n; i++) {
    const id = (tailId + BigInt(i)) & DESC_ID_MASK;
    const desc = descs + (id % count) * descSize;
    const info = infos + (id % count) * infoSize;
    let sv: bigint;
    try {
      sv = k.mem.u64(desc + stateF.offsetN);
    } catch (e) {
      records.push({ seq: NaN, tsNsec: NaN, level: NaN, facility: NaN, flags: 0, callerId: 0, text: null, gap: `descriptor ${id} at 0x${desc.toString(16)}: ${describe(e)}` });
      continue;
    }
    const state = sv >> DESC_STATE_SHIFT;
    if ((sv & DESC_ID_MASK) !== id || (state !== DESC_COMMITTED && state !== DESC_FINALIZED)) continue; // desc_miss, reserved, reusable
    let rec: LogRecord;
    try {
      const v = k.view(info, Number(infoSize));
      rec = {
        seq: Number(k.mem.u64(info + seqF.offsetN)), tsNsec: Number(k.mem.u64(info + tsF.offsetN)), level: v.num(levelF), facility: v.num(facF),
        flags: v.num(flagsF), callerId: v.num(callerF), text: null,
      };
    } catch (e) {
      records.push({ seq: NaN, tsNsec: NaN, level: NaN, facility: NaN, flags: 0, callerId: 0, text: null, gap: `printk_info ${id} at 0x${info.toString(16)}: ${describe(e)}` });
      continue;
    }
    try {
      const begin = k.mem.u64(desc + beginF.offsetN);
      const next = k.mem.u64(desc + nextF.offsetN);
      const textLen = k.num(info, lenF);
      if ((begin & 1n) === 1n && (next & 1n) === 1n) {
        // data-less: an empty record (NO_LPOS), or one whose text was lost (FAILED_LPOS)
        if (begin === NO_LPOS && next === NO_LPOS) rec.text = '';
        else rec.gap = 'text lost (FAILED_LPOS)';
      } else {
        let start: bigint;
        let size: bigint;
        if (wraps(begin) === wraps(next) && begin < next) {
          start = begin & dataMask;
          size = next - begin;
        } else if (wraps(begin + dataSize) === wraps(next)) {
          start = 0n;
          size = next & dataMask;
        } else throw new Error(`block ${begin}..${next} is not in the data ring`);
        if (size < ID_SIZE || size > dataSize) throw new Error(`block size ${size}`);
        const len = Math.min(textLen, Number(size - ID_SIZE));
        rec.text = k.mem.read(data + start + ID_SIZE, len).toString('utf8');
      }
    } catch (e) {
      rec.gap = `text of record ${rec.seq}: ${describe(e)}`;
    }
    records.push(rec);
  }
  return { records, problems };
}

/** "[    3.480331]" as printk prints a timestamp (print_time: "[%5lu.%06lu]"). */
export function logTimestamp(tsNsec: number): string {
  const sec = Math.floor(tsNsec / 1e9);
  const usec = Math.floor((tsNsec % 1e9) / 1000);
  return `[${String(sec).padStart(5)}.${String(usec).padStart(6, '0')}]`;
}
