// Loads the program bundle (dist/bundle/xportshow.cjs, built by scripts/bundle.mjs) with V8's
// code cache of it, made at build time (xportshow.cjs.cache): V8 then reads the compiled
// bytecode instead of parsing ~800 KB of JavaScript, which an ES module cannot do on Node 20
// (loading the program: ~38 → ~22 ms of CPU). The cache is only an optimisation: missing, made for
// another bundle, another V8 or other V8 flags (`node --cpu-prof`), it is not used and the
// bundle compiles from source as before. XPORTSHOW_CODE_CACHE=0 does without it (the cold
// figure of `npm run bench`).
// CommonJS, like the bundle: require() of node:fs does not build the ES module view of all of
// fs (fs/promises, streams, readline: ~35 internal modules) that `import 'node:fs'` does.
'use strict';
const vm = require('node:vm');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
// zlib.crc32 (Node >= 20.15; zlib is loaded by the bundle anyway): 1 MB in ~0.5 ms.
const { crc32 } = require('node:zlib');

const DIR = join(__dirname, '../dist/bundle');
const BUNDLE = join(DIR, 'xportshow.cjs');
// V8 takes a cache only under the V8 flags it was made with: one per command line the build
// knows (`node bin/xportshow.js`, and bin/xportshow.js's #! line), named for this process's.
const FLAGS = checksum(Buffer.from(process.execArgv.join(' '))).toString(16);
const CACHE = `${BUNDLE}.${FLAGS}.cache`;
// The prefetch worker's script (src/dump/prefetch-worker.ts), and its cache
const WORKER = join(DIR, 'prefetch-worker-body.cjs');
const WORKER_CACHE = `${WORKER}.${FLAGS}.cache`;
/** How the bundle was loaded: 'used' (its code cache), 'off' (none, or turned off), 'rejected' (V8's). */
let codeCache = 'off';
// The cache file starts with a header: the bundle's length and checksum, then the cache's. V8
// itself compares only the source's length (a cache of another bundle of that length would run
// wrong code) and, on Node 20, no checksum of the cache (a damaged one crashes the process).
const HEADER = 16;

/** The checksum of the header: crc32, or FNV-1a where Node has no zlib.crc32 (a cache made by
 *  another Node is then not used: V8 would refuse it anyway). */
function checksum(buf) {
  return crc32 ? crc32(buf) : fnv(buf);
}
function fnv(buf) {
  let h = 0x811c9dc5;
  for (let i = 0; i < buf.length; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
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

/** Run one CommonJS file of dist/bundle with the names scripts/bundle.mjs compiles it against;
 *  `req` resolves from the file (node:module only then: the worker's script requires nothing
 *  but Node's built-ins and is given this file's require). */
function run(file, source, cachedData, extra, req = require('node:module').createRequire(file)) {
  const script = compile(file, source, cachedData, Object.keys(extra));
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, req, mod, file, DIR, importEsm, requireEsm, ...Object.values(extra));
  return { script, exports: mod.exports };
}

function compile(file, source, cachedData, extra = []) {
  const params = ['exports', 'require', 'module', '__filename', '__dirname', '__xpsImport', '__xpsEsm', ...extra];
  const wrapped = `(function (${params.join(', ')}) {${source.toString('utf8')}\n})`;
  return new vm.Script(wrapped, { filename: file, cachedData });
}

/** Whether V8 took the code cache given for `script` ('used', 'off': none given, 'rejected'). */
function cacheState(script, cachedData) {
  return cachedData === undefined ? 'off' : script.cachedDataRejected ? 'rejected' : 'used';
}

/** The program's exports (main(), Session...). `produce`: also `cache()`, which makes its code
 *  cache from what V8 has compiled by then (the build calls it after running a few commands). */
function loadBundle({ useCache = process.env.XPORTSHOW_CODE_CACHE !== '0', produce = false } = {}) {
  const source = readFileSync(BUNDLE);
  const cachedData = useCache && !produce ? validCache(CACHE, source) : undefined;
  let shell;
  const program = run(BUNDLE, source, cachedData, {
    // the interactive shell's own modules (dist/bundle/shell.cjs), on its first use; the modules
    // it shares with the program are the program's
    __xpsShell: () => (shell ??= loadShell(program.exports.shellModules)),
  });
  codeCache = cacheState(program.script, cachedData);
  return produce ? { exports: program.exports, cache: () => withHeader(source, program.script.createCachedData()) } : program.exports;
}

/** The cache in `file` if it was made for `source` and is whole; else undefined. */
function validCache(file, source) {
  try {
    const cache = readFileSync(file);
    const data = cache.subarray(HEADER);
    if (
      cache.length > HEADER &&
      cache.readUInt32LE(0) === source.length &&
      cache.readUInt32LE(8) === data.length &&
      cache.readUInt32LE(4) === checksum(source) &&
      cache.readUInt32LE(12) === checksum(data)
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
  header.writeUInt32LE(source.length, 0);
  header.writeUInt32LE(checksum(source), 4);
  header.writeUInt32LE(data.length, 8);
  header.writeUInt32LE(checksum(data), 12);
  return Buffer.concat([header, data]);
}

/** The prefetch worker thread (dist/bundle/prefetch-worker.cjs starts it here): its script
 *  with its code cache, as the program's. The worker inherits the program's V8 flags, so the
 *  cache named for process.execArgv is the one. `produce`: compile only and return the cache
 *  (the build: the script runs only in a worker thread of a dump). */
function loadWorker({ useCache = process.env.XPORTSHOW_CODE_CACHE !== '0', produce = false } = {}) {
  const source = readFileSync(WORKER);
  if (produce) return withHeader(source, compile(WORKER, source, undefined).createCachedData());
  const cachedData = useCache ? validCache(WORKER_CACHE, source) : undefined;
  codeCache = cacheState(run(WORKER, source, cachedData, {}, require).script, cachedData);
}

function loadShell(shared) {
  const file = join(DIR, 'shell.cjs');
  const fromProgram = (key) => {
    const ns = shared[key];
    if (!ns) throw new Error(`xportshow bundle: the shell needs ${key}, which the program does not export`);
    return ns;
  };
  return run(file, readFileSync(file), undefined, { __xpsProgram: fromProgram }).exports;
}

/** Whether V8 takes the worker's code cache ('used', 'off', 'rejected'): the build's check. */
function checkWorkerCache() {
  const source = readFileSync(WORKER);
  const cachedData = validCache(WORKER_CACHE, source);
  return cachedData === undefined ? 'off' : cacheState(compile(WORKER, source, cachedData), cachedData);
}

module.exports = {
  loadBundle,
  loadWorker,
  checkWorkerCache,
  CACHE,
  WORKER_CACHE,
  get codeCache() {
    return codeCache;
  },
};
