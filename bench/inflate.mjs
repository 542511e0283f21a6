// Per-page decoding micro-benchmark for zlib kdumps: which decoder, and what the rest of the
// per-page path (descriptor, pread) costs. Pages are the ones the first `-at --json` decodes.
//   npm run build && node --import tsx bench/inflate.mjs DUMP [pages=5000] [runs=7] [FFLATE_DIR]
// Prints µs of CPU a page (median of `runs`) for each decoder; every decoder's output is
// checked against node:zlib's first. FFLATE_DIR: a folder whose node_modules has fflate
// (not a dependency of this project; measured only). These are hot-loop figures: inside a
// real run, with the caches cold between two pages, a page costs ~1.3-1.5x as much (perf).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const [dumpPath, nArg = '5000', runsArg = '7', fflateDir] = process.argv.slice(2);
// (run with `node --import tsx`: it loads src/dump/inflate.ts itself)
if (!dumpPath) throw new Error('usage: node --import tsx bench/inflate.mjs DUMP [pages] [runs] [FFLATE_DIR]');
const N = Number(nArg);
const RUNS = Number(runsArg);

// --- 1. The pages the workload reads, in the order it reads them.
const { Session } = await import('../dist/bundle/bench-entry.js');
const s = Session.open(dumpPath);
const dump = s.kernel.dump;
const pfns = [];
const load = dump.loadPage.bind(dump);
dump.loadPage = (pfn) => (pfns.push(pfn), load(pfn));
const { runLine } = await import('../dist/bundle/bench-entry.js');
runLine(s, '-at --json');

// --- 2. Their descriptors, read straight from the file (makedumpfile diskdump_mod.h).
const fd = fs.openSync(dumpPath, 'r');
const pread = (off, len) => {
  const b = Buffer.alloc(len);
  fs.readSync(fd, b, 0, len, off);
  return b;
};
const h = pread(0, 464);
const bs = h.readInt32LE(428);
const subHdr = h.readInt32LE(432);
const bitmapBlocks = h.readUInt32LE(436);
const version = h.readInt32LE(8);
const sub = pread(bs, 104);
const maxPfn = version >= 6 ? Number(sub.readBigUInt64LE(96)) : h.readUInt32LE(440);
const bm2 = pread((1 + subHdr) * bs + Math.floor(bitmapBlocks / 2) * bs, Math.ceil(maxPfn / 8));
const descOff = (1 + subHdr + bitmapBlocks) * bs;
const rankBefore = new Uint32Array(bm2.length + 1);
for (let i = 0, r = 0; i < bm2.length; i++) {
  rankBefore[i] = r;
  for (let v = bm2[i]; v; v &= v - 1) r++;
}
const pages = []; // { pfn, off, size, data }
for (const pfn of pfns) {
  const byte = pfn >>> 3;
  let idx = rankBefore[byte];
  for (let b = 0; b < (pfn & 7); b++) idx += (bm2[byte] >> b) & 1;
  const d = pread(descOff + idx * 24, 24);
  const off = d.readUInt32LE(4) * 2 ** 32 + d.readUInt32LE(0);
  const size = d.readUInt32LE(8);
  const flags = d.readUInt32LE(12);
  if (flags !== 1) continue; // zlib only
  pages.push({ pfn, idx, off, size, data: pread(off, size) });
  if (pages.length >= N) break;
}
const inBytes = pages.reduce((a, p) => a + p.size, 0);
console.log(`${dumpPath}: ${pfns.length} pages decoded by -at, ${pages.length} zlib pages measured, ` +
  `${(inBytes / pages.length).toFixed(0)} compressed bytes a page on average, page size ${bs}`);

// PAGES_OUT=file: also write the pages ([u32le size][bytes]...) for a native comparison.
if (process.env.PAGES_OUT) {
  fs.writeFileSync(process.env.PAGES_OUT, Buffer.concat(pages.flatMap((p) => {
    const n = Buffer.alloc(4);
    n.writeUInt32LE(p.size);
    return [n, p.data];
  })));
}

// --- 3. Decoders: each fills `out` with the page of `data`.
const expect = pages.map((p) => zlib.inflateSync(p.data));
const decoders = {};

decoders['zlib.inflateSync (a handle a call)'] = (data, out) => zlib.inflateSync(data).copy(out);

const { inflatePageInto, zlibDecoder } = await import('../src/dump/inflate.ts');
decoders['inflatePageInto: libdeflate wasm (src/dump)'] = inflatePageInto;
decoders['inflatePageInto: libdeflate wasm (src/dump)'].setup = () => zlibDecoder('libdeflate-wasm');
decoders['inflatePageInto: node zlib (src/dump)'] = (data, out) => inflatePageInto(data, out);
decoders['inflatePageInto: node zlib (src/dump)'].setup = () => zlibDecoder('node-zlib');

{
  // Node's zlib through one reused handle (what inflate.ts did before libdeflate)
  const z = zlib.createInflate();
  z.on('error', () => {});
  const hd = z._handle;
  decoders['node zlib, one reused handle'] = (data, out) => {
    hd.reset();
    hd.writeSync(zlib.constants.Z_FINISH, data, 0, data.length, out, 0, out.length);
    if (z._writeState[0] !== 0 || z._writeState[1] !== 0) throw new Error('unclean');
  };
}

if (fflateDir) {
  const fflate = createRequire(fflateDir + '/')('fflate');
  decoders['fflate unzlibSync (no Adler-32 check)'] = (data, out) => fflate.unzlibSync(data, { out });
}

// WASM=a.wasm,b.wasm: other builds of src/dump/wasm/inflate-page.c to compare
for (const file of (process.env.WASM ?? '').split(',').filter(Boolean)) {
  if (!fs.existsSync(file)) continue;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), {});
  const { memory, inflate_page } = inst.exports;
  const inP = (inst.exports.__heap_base?.value ?? 1 << 17) + 15 & ~15;
  const outP = inP + 3 * bs;
  const need = outP + bs;
  if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  const mem = new Uint8Array(memory.buffer);
  const outView = new Uint8Array(memory.buffer, outP, bs);
  decoders[`libdeflate wasm ${file.split('/').pop()}`] = (data, out) => {
    mem.set(data, inP);
    if (inflate_page(inP, data.length, outP, out.length) !== 0) throw new Error('unclean');
    out.set(outView);
  };
}

// --- 4. The rest of the per-page path.
const rest = {};
const scratch = Buffer.allocUnsafe(3 * bs);
rest['pread of the page bytes (fs.readSync)'] = (p) => fs.readSync(fd, scratch, 0, p.size, p.off);
const descs = Buffer.allocUnsafe(24 * 256);
rest['page_desc as an object (4 fields)'] = (p) => {
  const o = { offset: descs.readUInt32LE(4) * 2 ** 32 + descs.readUInt32LE(0), size: descs.readUInt32LE(8), flags: descs.readUInt32LE(12), page_flags: descs.readUInt32LE(20) * 2 ** 32 + descs.readUInt32LE(16) };
  return o.offset + o.size + o.flags + p.size;
};
const zero = Buffer.alloc(bs);
const somePage = Buffer.from(expect[0]);
rest['Buffer.equals with the zero page'] = () => somePage.equals(zero);
rest['Buffer.allocUnsafe(pageSize)'] = () => Buffer.allocUnsafe(bs);
const slab = Buffer.allocUnsafeSlow(bs * 64);
let at = 0;
rest['slab.subarray (newPage)'] = () => {
  if (at + bs > slab.length) at = 0;
  const p = slab.subarray(at, at + bs);
  at += bs;
  return p;
};

function cpu() {
  const u = process.cpuUsage();
  return u.user + u.system;
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

const outs = pages.map(() => Buffer.allocUnsafe(bs));
for (const [name, fn] of Object.entries(decoders)) {
  fn.setup?.();
  try {
    for (let i = 0; i < pages.length; i++) {
      fn(pages[i].data, outs[i]);
      if (!outs[i].equals(expect[i])) throw new Error(`page ${pages[i].pfn} differs`);
    }
  } catch (e) {
    console.log(`${name.padEnd(48)} FAILED: ${e.message}`);
    continue;
  }
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    fn.setup?.();
    const t = cpu();
    for (let i = 0; i < pages.length; i++) fn(pages[i].data, outs[i]);
    times.push((cpu() - t) / pages.length);
  }
  console.log(`${name.padEnd(48)} ${median(times).toFixed(2)} µs/page  (runs ${times.map((x) => x.toFixed(2)).join(' ')})`);
}
for (const [name, fn] of Object.entries(rest)) {
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const t = cpu();
    for (let i = 0; i < pages.length; i++) fn(pages[i]);
    times.push((cpu() - t) / pages.length);
  }
  console.log(`${name.padEnd(48)} ${median(times).toFixed(2)} µs/page`);
}
