// Loads the program bundle (dist/bundle/xportshow.cjs, built by scripts/bundle.mjs) with V8's
// code cache of it, made at build time (xportshow.cjs.*.cache): V8 then reads the compiled
// bytecode instead of parsing ~800 KB of JavaScript, which an ES module cannot do on Node 20
// (loading the program: ~38 → ~22 ms of CPU). The cache is only an optimisation: missing, made for
// another bundle, another V8 or other V8 flags (`node --cpu-prof`), it is not used and the
// bundle compiles from source as before. XPORTSHOW_CODE_CACHE=0 does without it (the cold
// figure of `npm run bench`).
// CommonJS, like the bundle: require() of node:fs does not build the ES module view of all of
// fs (fs/promises, streams, readline: ~35 internal modules) that `import 'node:fs'` does. Only
// modules Node has loaded before running this file, and node:vm: no node:zlib (with the stream
// modules it pulls in, ~4 ms at start), no node:module unless a package is required.
'use strict';
const vm = require('node:vm');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const DIR = join(__dirname, '../dist/bundle');
const BUNDLE = join(DIR, 'xportshow.cjs');
// V8 takes a cache only under the V8 flags it was made with: one per command line the build
// knows (`node bin/xportshow.js`, and bin/xportshow.js's #! line), named for this process's.
const FLAGS = crc32(Buffer.from(process.execArgv.join(' '))).toString(16);
const CACHE = `${BUNDLE}.${FLAGS}.cache`;
// The prefetch worker's script (src/dump/prefetch-worker.ts), and its cache
const WORKER = join(DIR, 'prefetch-worker-body.cjs');
const WORKER_CACHE = `${WORKER}.${FLAGS}.cache`;
/** How the bundle was loaded: 'used' (its code cache), 'off' (none, or turned off), 'rejected' (V8's). */
let codeCache = 'off';
// The cache file: a header (a tag, the bundle's length, V8's data's length), the bundle it was
// made for, then V8's data. V8 itself compares only the source's length (a cache of another
// bundle of that length would run wrong code), so the bundle is compared whole, byte for byte
// (~0.1 ms: a checksum of it in JavaScript costs ~3 ms at start, node:zlib's crc32 the load of
// node:zlib); a file cut short (a build stopped while writing) is told by the lengths.
const HEADER = 12;
const TAG = 0x31535058; // 'XPS1'

/** CRC-32 (IEEE) of a few bytes (the flags, for the cache's name: as zlib.crc32 names it). */
function crc32(buf) {
  let c = ~0;
  for (let i = 0; i < buf.length; i++) {
    c ^= buf[i];
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

// ES modules the CommonJS bundle needs (ink, for the shell; zstd's decoder): import()ed through
// here, which also keeps them for the bundle's require() of them (scripts/bundle.mjs shims).
const esm = new Map();
const importEsm = (spec) =>
  import(spec).then((ns) => {
    esm.set(spec, ns);
    return ns;
  });
const requireEsm = (spec) => {
  const ns = esm.get(spec);
  if (!ns) throw new Error(`xportshow bundle: ES module ${spec} used before it was imported`);
  return ns;
};

/** The names scripts/bundle.mjs compiles each file of dist/bundle against (and `extra`). */
const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', '__xpsImport', '__xpsEsm'];

/** The text of a file of dist/bundle inside the function it runs in: the build writes each so
 *  (scripts/bundle.mjs), and V8 compiles the file's text as it is (the head, the file and the tail
 *  joined as strings, V8 first copied the 842 KB into one string: ~0.6 ms more at start). */
function wrap(text, extra = []) {
  return `${head(extra)}${text}${TAIL}`;
}
const head = (extra) => `(function (${[...PARAMS, ...extra].join(', ')}) {`;
const TAIL = '\n})';

/** `file` and its code (made by wrap(), or wrapped here if it was not). `source`: the file's bytes,
 *  what the code cache was made for. */
function readWrapped(file, extra = []) {
  const source = readFileSync(file);
  const h = head(extra);
  const wrapped = source.length >= h.length + TAIL.length && source.toString('latin1', 0, h.length) === h && source.toString('latin1', source.length - TAIL.length) === TAIL;
  return { extra, source, code: wrapped ? source.toString('utf8') : wrap(source.toString('utf8'), extra) };
}

/** Run one file of dist/bundle (readWrapped() with the names of `extra`); `req` resolves from
 *  the file: Node's built-ins through this file's require, a package through createRequire
 *  (node:module and its ES module loader loaded only then). */
function run(file, wrapped, cachedData, extra, req = requireFrom(file)) {
  if (Object.keys(extra).join() !== wrapped.extra.join()) throw new Error(`xportshow bundle: ${file} read for other names`);
  const script = compile(file, wrapped, cachedData);
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, req, mod, file, DIR, importEsm, requireEsm, ...Object.values(extra));
  return { script, exports: mod.exports };
}

function requireFrom(file) {
  let fromFile;
  return (id) => (id.startsWith('node:') ? require(id) : (fromFile ??= require('node:module').createRequire(file))(id));
}

function compile(file, wrapped, cachedData) {
  return new vm.Script(wrapped.code, { filename: file, cachedData });
}

/** Whether V8 took the code cache given for `script` ('used', 'off': none given, 'rejected'). */
function cacheState(script, cachedData) {
  return cachedData === undefined ? 'off' : script.cachedDataRejected ? 'rejected' : 'used';
}

/** The program's exports (main(), Session...). `produce`: also `cache()`, which makes its code
 *  cache from what V8 has compiled by then (the build calls it after running a few commands). */
function loadBundle({ useCache = process.env.XPORTSHOW_CODE_CACHE !== '0', produce = false } = {}) {
  const wrapped = readWrapped(BUNDLE, ['__xpsShell']);
  const cachedData = useCache && !produce ? validCache(CACHE, wrapped.source) : undefined;
  let shell;
  const program = run(BUNDLE, wrapped, cachedData, {
    // the interactive shell's own modules (dist/bundle/shell.cjs), on its first use; the modules
    // it shares with the program are the program's
    __xpsShell: () => (shell ??= loadShell(program.exports.shellModules)),
  });
  codeCache = cacheState(program.script, cachedData);
  return produce ? { exports: program.exports, cache: () => withHeader(wrapped.source, program.script.createCachedData()) } : program.exports;
}

/** The cache in `file` if it was made for `source` and is whole; else undefined. */
function validCache(file, source) {
  try {
    const cache = readFileSync(file);
    if (cache.length < HEADER || cache.readUInt32LE(0) !== TAG) return undefined;
    const n = cache.readUInt32LE(4);
    const data = cache.subarray(HEADER + n);
    if (
      n === source.length &&
      cache.readUInt32LE(8) === data.length &&
      data.length > 0 &&
      cache.compare(source, 0, n, HEADER, HEADER + n) === 0
    ) {
      return data;
    }
  } catch {
    // no cache: compile from source
  }
  return undefined;
}

function withHeader(source, data) {
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(TAG, 0);
  header.writeUInt32LE(source.length, 4);
  header.writeUInt32LE(data.length, 8);
  return Buffer.concat([header, source, data]);
}

/** The prefetch worker thread (dist/bundle/prefetch-worker.cjs starts it here): its script
 *  with its code cache, as the program's. The worker inherits the program's V8 flags, so the
 *  cache named for process.execArgv is the one. `produce`: compile only and return the cache
 *  (the build: the script runs only in a worker thread of a dump). */
function loadWorker({ useCache = process.env.XPORTSHOW_CODE_CACHE !== '0', produce = false } = {}) {
  const wrapped = readWrapped(WORKER);
  if (produce) return withHeader(wrapped.source, compile(WORKER, wrapped, undefined).createCachedData());
  const cachedData = useCache ? validCache(WORKER_CACHE, wrapped.source) : undefined;
  codeCache = cacheState(run(WORKER, wrapped, cachedData, {}, require).script, cachedData);
}

function loadShell(shared) {
  const file = join(DIR, 'shell.cjs');
  const fromProgram = (key) => {
    const ns = shared[key];
    if (!ns) throw new Error(`xportshow bundle: the shell needs ${key}, which the program does not export`);
    return ns;
  };
  return run(file, readWrapped(file, ['__xpsProgram']), undefined, { __xpsProgram: fromProgram }).exports;
}

/** Whether V8 takes the worker's code cache ('used', 'off', 'rejected'): the build's check. */
function checkWorkerCache() {
  const wrapped = readWrapped(WORKER);
  const cachedData = validCache(WORKER_CACHE, wrapped.source);
  return cachedData === undefined ? 'off' : cacheState(compile(WORKER, wrapped, cachedData), cachedData);
}

module.exports = {
  wrap,
  loadBundle,
  loadWorker,
  checkWorkerCache,
  CACHE,
  WORKER_CACHE,
  get codeCache() {
    return codeCache;
  },
};
