// Per-page decoding micro-benchmark for zstd kdumps (makedumpfile -z): µs of CPU a page
// (median of `runs`) for each decoder, on the pages opening the dump and its first
// `-at --json` decode (the BTF's ~1,100 pages first), in that order; every decoder's output is
// checked against fzstd's first.
//   node --import tsx bench/zstd.mjs DUMP [pages=5000] [runs=7]
// ZSTD_WASM_PACKAGE=DIR: also @bokuweb/zstd-wasm from DIR/node_modules (the decoder before
// src/dump/zstd.ts; no longer a dependency). Hot-loop figures, like bench/inflate.mjs's.
import { createRequire } from 'node:module';
import { decompress as fzstd } from 'fzstd';

const [dumpPath, nArg = '5000', runsArg = '7'] = process.argv.slice(2);
if (!dumpPath) throw new Error('usage: node --import tsx bench/zstd.mjs DUMP [pages] [runs]');
const N = Number(nArg);
const RUNS = Number(runsArg);

// --- 1. The pages opening and `-at --json` read, with their stored bytes.
const { Session } = await import('../src/views/session.ts');
const { runLine } = await import('../src/shell/dispatch.ts');
const { zstdPageInto, zstdDecoder } = await import('../src/dump/zstd.ts');
const pages = [];
// the stored bytes, as the wasm decoder is given them
const { WasmPageDecoder } = await import('../src/dump/wasm-page.ts');
const decode = WasmPageDecoder.prototype.decode;
WasmPageDecoder.prototype.decode = function (data, out) {
  if (pages.length < N && data[0] === 0x28 && data[1] === 0xb5) pages.push(Buffer.from(data));
  return decode.call(this, data, out);
};
const s = Session.open(dumpPath);
runLine(s, '-at --json');
WasmPageDecoder.prototype.decode = decode;
const ps = 4096;
const inBytes = pages.reduce((a, p) => a + p.length, 0);
console.log(`${dumpPath}: ${pages.length} zstd pages, ${(inBytes / pages.length).toFixed(0)} compressed bytes a page on average`);

// --- 2. Decoders: each fills `out` with the page of `data`.
const expect = pages.map((p) => Buffer.from(fzstd(p)));
const decoders = {};
decoders['fzstd (pure JS)'] = (data, out) => out.set(fzstd(data));
decoders['zstdPageInto: zstd wasm (src/dump/zstd.ts)'] = (data, out) => {
  if (zstdPageInto(data, out) !== out) throw new Error('not into out');
};
decoders['zstdPageInto: zstd wasm (src/dump/zstd.ts)'].setup = () => zstdDecoder('zstd-wasm');
decoders['zstdPageInto: fallback (src/dump/zstd.ts)'] = (data, out) => zstdPageInto(data, out);
decoders['zstdPageInto: fallback (src/dump/zstd.ts)'].setup = () => zstdDecoder('fallback');
if (process.env.ZSTD_WASM_PACKAGE) {
  const m = await import(createRequire(process.env.ZSTD_WASM_PACKAGE + '/').resolve('@bokuweb/zstd-wasm'));
  await m.init();
  decoders['@bokuweb/zstd-wasm decompress (the decoder before)'] = (data, out) => out.set(m.decompress(data));
}
// ZSTD_WASM=a.wasm,b.wasm: other builds of src/dump/wasm/zstd-page.c to compare
import fs from 'node:fs';
const { instantiate } = await import('../src/dump/wasm-page.ts');
for (const file of (process.env.ZSTD_WASM ?? '').split(',').filter(Boolean)) {
  const x = instantiate(fs.readFileSync(file).toString('base64'));
  const d = new WasmPageDecoder(x, x.decompress_page);
  decoders[`zstd wasm ${file.split('/').pop()}`] = (data, out) => {
    if (!d.decode(data, out)) throw new Error('not clean');
  };
}

const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const outs = pages.map(() => Buffer.allocUnsafe(ps));
for (const [name, fn] of Object.entries(decoders)) {
  fn.setup?.();
  try {
    for (let i = 0; i < pages.length; i++) {
      fn(pages[i], outs[i]);
      if (!outs[i].equals(expect[i])) throw new Error(`page ${i} differs`);
    }
  } catch (e) {
    console.log(`${name.padEnd(52)} FAILED: ${e.message}`);
    continue;
  }
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    fn.setup?.();
    const t = cpu();
    for (let i = 0; i < pages.length; i++) fn(pages[i], outs[i]);
    times.push((cpu() - t) / pages.length);
  }
  console.log(`${name.padEnd(52)} ${median(times).toFixed(2)} µs/page  (runs ${times.map((x) => x.toFixed(2)).join(' ')})`);
}
zstdDecoder('zstd-wasm');
