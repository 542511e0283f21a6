// `npm run bundle`: dist/bundle/ from src/.
//   xportshow.cjs        the program without the interactive shell (src/bench-entry.ts: main() and
//                        what the bench loads): one CommonJS file, so that bin/load-bundle.cjs can
//                        hand V8 its code cache; like each file it runs, already inside the function
//                        it runs in (`(function (exports, require, ...) {...})`, bin/load-bundle.cjs
//                        wrap()): V8 compiles the file's text as it is, no joined string to copy
//   xportshow.cjs.*.cache  that cache, made here under the V8 flags of bin/xportshow.js's #! line
//                        and under none (bin/load-bundle.cjs takes the one of its command line),
//                        after running the first commands on the bundled dump (warm())
//   shell.cjs            the interactive shell's own modules (src/shell/app.tsx, its components and
//                        hooks), loaded when the shell starts; the modules it shares with the
//                        program are the program's (one copy: one session, one Ctrl-C flag)
//   prefetch-worker.cjs  the prefetch worker thread's start: bin/load-bundle.cjs runs
//   prefetch-worker-body.cjs  its script (src/dump/prefetch-worker.ts), CommonJS too so that V8
//                        takes its code cache (prefetch-worker-body.cjs.*.cache); the cache holds
//                        what V8 compiles before running it (the script runs only in a worker
//                        thread on a dump): the worker's first page ~4 ms of CPU sooner than as an
//                        ES module (which also started Node's ES module loader in the thread)
//   bench-entry.js       the program's exports as an ES module, for bench/*.mjs
// Why the shell is apart: a CommonJS bundle with an import() of its own modules wraps every module
// that import() reaches in a lazy initialiser (esbuild's __esm): here ~150 of them, the whole
// program, run through closures and with its constants made variables (and a few MB more peak
// RSS on the 10k dump). `node scripts/bundle.mjs --cache` (run by the build, under each command
// line's flags) writes the cache only; `--check` says whether it is used.
import { build } from 'esbuild';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliNodeFlags } from './cli-start.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;
const loader = createRequire(import.meta.url)('../bin/load-bundle.cjs');

if (process.argv[2] === '--cache' || process.argv[2] === '--check') {
  if (process.argv[2] === '--cache') {
    const made = loader.loadBundle({ produce: true });
    await warm(made.exports);
    writeFileSync(loader.CACHE, made.cache());
    writeFileSync(loader.WORKER_CACHE, loader.loadWorker({ produce: true }));
  } else {
    loader.loadBundle();
    const worker = loader.checkWorkerCache();
    process.stdout.write(worker === 'used' ? loader.codeCache : `${loader.codeCache}, the worker's ${worker}`);
  }
  process.exit(0);
}

/** Runs the commands users start with on the bundled dump, output dropped, so that the code cache
 *  made next holds the bytecode of every function they call (V8 otherwise caches only what ran
 *  at load: the top level; each other function is parsed and compiled on its first call). On
 *  the 10,041-socket dump, alternating 9 runs each: first `-at --json` 172 -> 161 ms, the
 *  process 252 -> 238 ms; the cache 340 -> 730 KB, loading it ~1 ms longer. Without the bundled
 *  dump (a package without dumps/) the cache holds the top level only, as before. */
async function warm(x) {
  const dump = `${root}dumps/bookworm-6.1/vmcore.kdump`;
  if (!existsSync(dump)) {
    console.error(`bundle: no ${relative(root, dump)}: the code cache holds the top level only`);
    return;
  }
  const s = x.Session.open(dump, {});
  try {
    for (const line of ['-a --json', '-a', '--everything', '--everything --json']) {
      // as the CLI writes them: text as strings, JSON as bytes
      const r = x.runParsedLine(s, x.parseLine(line.split(' ')), undefined, { write: () => {}, writeBytes: () => false, wholeJson: true });
      if (r.error) throw new Error(`bundle: warming the code cache: ${line}: ${r.error}`);
    }
  } finally {
    s.close();
  }
  // and the CLI's own path, main() to the output written (its stdout is /dev/null here: the
  // build starts this process so): the first `-at --json` then compiles none of it (the 40-socket
  // dump's whole `-at --json`: ~6 M instructions fewer on the main thread, of ~455)
  for (const line of ['-a --json', '-a']) {
    const status = await x.main([dump, ...line.split(' ')]);
    if (status !== 0) throw new Error(`bundle: warming the code cache: main(${line}): status ${status}`);
  }
}

const ENTRY = 'src/bench-entry.ts';
const SHELL = 'src/shell/app.tsx';
const SHELL_IMPORT = /^\.\/shell\/app\.js$/; // src/cli.ts: import('./shell/app.js')

// ES-only packages the shell imports statically (ink): a CommonJS bundle cannot require() them on
// Node 20, so each becomes a module of the names it exports, taken from what bin/load-bundle.cjs
// import()ed — src/cli.ts imports them before the shell's modules run.
const ESM_ONLY = /^ink$/;
const esmShim = {
  name: 'esm-shim',
  setup(b) {
    b.onResolve({ filter: ESM_ONLY }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : { path: a.path, namespace: 'esm-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'esm-shim' }, async (a) => {
      const names = Object.keys(await import(a.path));
      const lines = names.map((n) => (n === 'default' ? 'export default ns.default;' : `export const ${n} = ns.${n};`));
      return { contents: `const ns = __xpsEsm(${JSON.stringify(a.path)});\n${lines.join('\n')}\n`, loader: 'js' };
    });
  },
};
// The program: src/cli.ts's import of the shell becomes a call into dist/bundle/shell.cjs.
const shellStub = {
  name: 'shell-stub',
  setup(b) {
    b.onResolve({ filter: SHELL_IMPORT }, (a) => ({ path: 'shell', namespace: 'shell-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'shell-stub' }, () => ({
      contents: 'export function runShell(...args) { return __xpsShell().runShell(...args); }\n',
      loader: 'js',
    }));
  },
};
// The shell: an import of a module the program holds is the program's (bin/load-bundle.cjs).
const fromProgram = (shared) => ({
  name: 'from-program',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (a) => {
      const key = sourceKey(join(dirname(a.importer), a.path));
      return key && shared.has(key) ? { path: key, namespace: 'from-program' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'from-program' }, (a) => ({ contents: `module.exports = __xpsProgram(${JSON.stringify(a.path)});\n`, loader: 'js' }));
  },
});
/** src/x/y.ts for an import of .../src/x/y.js (the .ts or .tsx the bundler would take). */
function sourceKey(abs) {
  const rel = relative(root, abs).replace(/\.js$/, '');
  for (const ext of ['.ts', '.tsx']) if (existsSync(join(root, rel + ext))) return rel + ext;
  return undefined;
}

rmSync(out, { recursive: true, force: true }); // old files would pile up
mkdirSync(out, { recursive: true });
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', write: false, absWorkingDir: root, metafile: true };
const cjs = {
  ...common,
  format: 'cjs',
  // fzstd and snappyjs go into the bundle (and its code cache); these stay packages: react (the
  // same copy ink uses), the shell's.
  external: ['react', 'react/*', 'fuzzysort', 'ink-text-input'],
  // import.meta.url made when first used (a URL at start costs ~0.5 ms: node:url's classes)
  define: { 'import.meta.url': '__xpsMeta.url', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  banner: { js: 'var __xpsMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
};

// Which modules are the shell's own, and which of the program's it imports.
const program0 = await build({ ...cjs, entryPoints: [ENTRY], outfile: `${out}/xportshow.cjs`, plugins: [esmShim, shellStub] });
const shell0 = await build({ ...cjs, entryPoints: [SHELL], outfile: `${out}/shell.cjs`, plugins: [esmShim] });
const inProgram = new Set(Object.keys(program0.metafile.inputs));
const shared = new Set();
for (const [file, input] of Object.entries(shell0.metafile.inputs)) {
  if (inProgram.has(file)) continue;
  for (const i of input.imports) if (inProgram.has(i.path)) shared.add(i.path);
}
if (inProgram.has(SHELL)) throw new Error(`bundle: ${SHELL} is in the program (imported statically?)`);

// The program, with the shared modules' namespaces for the shell.
const keys = [...shared].sort();
const entry = [
  `export * from './${ENTRY}';`,
  ...keys.map((k, i) => `import * as m${i} from './${k}';`),
  `export const shellModules = { ${keys.map((k, i) => `${JSON.stringify(k)}: m${i}`).join(', ')} };`,
].join('\n');
const program = await build({
  ...cjs,
  stdin: { contents: entry, resolveDir: root, sourcefile: 'bundle-entry.js', loader: 'ts' },
  outfile: `${out}/xportshow.cjs`,
  plugins: [esmShim, shellStub],
});
const shell = await build({ ...cjs, entryPoints: [SHELL], outfile: `${out}/shell.cjs`, plugins: [esmShim, fromProgram(shared)] });
for (const [name, r, extra] of [['xportshow.cjs', program, ['__xpsShell']], ['shell.cjs', shell, ['__xpsProgram']]]) {
  const text = rewriteImports(r);
  // (the shell's stub alone is lazy in the program)
  if (name === 'xportshow.cjs' && (text.match(/= __esm\(\{/g) ?? []).length > 1) throw new Error('bundle: a lazily initialised module in the program (an import() of our own?)');
  writeFileSync(`${out}/${name}`, loader.wrap(ascii(text), extra));
}

/** The text with every character outside ASCII written as a \u escape. esbuild escapes them in
 *  strings, templates and regular expressions but leaves the comments it keeps as they are (a
 *  `// pfn → slot` on a class field), and one such character makes V8 decode the whole bundle
 *  from UTF-8 into a two-byte string (~18 M instructions at start: 12% of `--version`) and
 *  scan twice the bytes; in a comment the escape means the same. */
function ascii(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** import() of a package goes through bin/load-bundle.cjs (a vm.Script cannot import() on Node 20
 *  without an experimental flag). */
function rewriteImports(r) {
  const dynamic = new Set();
  for (const input of Object.values(r.metafile.inputs)) {
    for (const i of input.imports) if (i.kind === 'dynamic-import' && i.external) dynamic.add(i.path);
  }
  let text = r.outputFiles[0].text;
  for (const spec of dynamic) {
    const call = `import(${JSON.stringify(spec)})`;
    if (!text.includes(call)) throw new Error(`bundle: no ${call} in the output to rewrite`);
    text = text.split(call).join(`__xpsImport(${JSON.stringify(spec)})`);
  }
  if (/\bimport\(/.test(text.replace(/__xpsImport\(/g, ''))) throw new Error('bundle: an import() is left that the bundle cannot run');
  return text;
}

// The worker's packages inside its file too: importing CommonJS packages from an ES module
// starts Node's CommonJS loader and lexer in the worker (its first page ~15 ms sooner without).
// No banner: import.meta.url is for starting the worker, which the worker never does.
const worker = await build({
  ...common,
  entryPoints: ['src/dump/prefetch-worker.ts'],
  format: 'cjs',
  define: { 'import.meta.url': '"file:///prefetch-worker"' },
  outfile: `${out}/prefetch-worker-body.cjs`,
});
writeFileSync(`${out}/prefetch-worker-body.cjs`, loader.wrap(ascii(rewriteImports(worker))));
writeFileSync(
  `${out}/prefetch-worker.cjs`,
  "// The prefetch worker thread: its script with its code cache (scripts/bundle.mjs).\n'use strict';\nrequire('../../bin/load-bundle.cjs').loadWorker();\n",
);

writeFileSync(
  `${out}/bench-entry.js`,
  [
    '// The program bundle as ES module exports, loaded as bin/xportshow.js loads it (scripts/bundle.mjs).',
    "import { createRequire } from 'node:module';",
    "const loader = createRequire(import.meta.url)('../../bin/load-bundle.cjs');",
    'export const { Session, runLine, runParsedLine, parseLine, main } = loader.loadBundle();',
    '/** How the bundle was loaded (bin/load-bundle.cjs): used, off or rejected. */',
    'export const codeCache = loader.codeCache;',
    '',
  ].join('\n'),
);

// The code caches, made under the V8 flags the CLI runs with (V8 refuses a cache made under
// others): bin/xportshow.js's #! line, and none (`node bin/xportshow.js`).
for (const f of [cliNodeFlags, []]) {
  // (main()'s output dropped, and its timing lines: warm())
  const r = spawnSync(process.execPath, [...f, fileURLToPath(import.meta.url), '--cache'], { stdio: ['inherit', 'ignore', 'pipe'], encoding: 'utf8' });
  process.stderr.write(r.stderr.split('\n').filter((l) => !l.startsWith('** Execution took')).join('\n'));
  if (r.status !== 0) throw new Error('bundle: making the code cache failed');
  // A cache V8 refuses only costs time: say so, and build on.
  const used = spawnSync(process.execPath, [...f, fileURLToPath(import.meta.url), '--check'], { encoding: 'utf8' }).stdout;
  if (used !== 'used') console.error(`bundle: warning: the code cache made under '${f.join(' ')}' is not used (${used || 'load failed'})`);
}
