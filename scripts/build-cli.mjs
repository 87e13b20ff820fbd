// Second step of `npm run build` (after tsc, whose output it needs): bundles the CLI into one
// CommonJS file, dist/hush.cjs, and makes a V8 code cache of it, dist/hush.cjs.cache. bin/hush.js
// runs the two: `hush run` wraps every pipeline step, and resolving, reading and compiling ~30
// ES modules one by one cost more than Node's own start-up.
//
// Left out of the bundle:
// - npm packages other than commander (native addons, the server's stack): required from
//   node_modules as usual;
// - modules that use `import.meta` to find files next to them (the scanner's worker), and the
//   server behind `hush server` (a third of the code, never a start-up path, and every byte
//   of the bundle is read at each start), with all they import (bar constants) so that no
//   module is loaded twice (two HushError classes would break `instanceof`). These load from
//   tsc's output beside the bundle (dist/), on first use: an ES module costs a CommonJS file
//   the set-up of Node's ESM loader (~10 ms).
// The bundle require()s ES modules, which needs Node >= 20.19; bin/hush.js checks.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const BUNDLE = join(root, 'dist', 'hush.cjs');
const ENTRY = 'src/cli/main.ts';

// The sources' createRequire(import.meta.url) calls, in a CommonJS file; and import(): code
// compiled from a V8 code cache loses Node's import() hook, so bin/hush.js passes its own
// import() as __hushImport (plain `node dist/hush.cjs` uses the file's own).
const BANNER = [
  "const __hushBundleUrl = require('node:url').pathToFileURL(__filename).href;",
  "const __hushDynamicImport = typeof __hushImport === 'function' ? __hushImport : (specifier) => import(specifier);",
].join('\n');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => name !== 'commander');
const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', external, logLevel: 'warning' };

/** The server: what `hush server` imports dynamically. */
const SERVER_COMMAND = 'src/cli/server-command.ts';

/** The source modules (paths relative to the root) to leave in dist/, per the list above. */
async function modulesLeftInDist() {
  const { metafile } = await build({ ...common, entryPoints: [ENTRY], write: false, outdir: 'dist', format: 'esm', metafile: true });
  const todo = [];
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (!path.startsWith('src/')) continue;
    // createRequire(import.meta.url) loads packages and built-ins: fine from any file in dist/
    if (readFileSync(join(root, path), 'utf8').replaceAll('createRequire(import.meta.url)', '').includes('import.meta')) todo.push(path);
    if (path === SERVER_COMMAND) todo.push(...input.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path));
  }
  const left = new Set();
  while (todo.length > 0) {
    const path = todo.pop();
    if (left.has(path) || !metafile.inputs[path] || (await constantsOnly(path, metafile.inputs[path]))) continue;
    left.add(path);
    for (const i of metafile.inputs[path].imports) if (!i.external) todo.push(i.path);
  }
  for (const path of left) {
    if (!existsSync(distFile(path)) || statSync(distFile(path)).mtimeMs < statSync(join(root, path)).mtimeMs) {
      throw new Error(`${distFile(path)} is missing or older than ${path}: run tsc first (npm run build does)`);
    }
  }
  return left;
}

/** tsc's output for a source module. */
function distFile(path) {
  return join(root, 'dist', relative('src', path).replace(/\.ts$/, '.js'));
}

/** A module that imports nothing and exports only strings, numbers…: a copy of it is the same. */
async function constantsOnly(path, input) {
  if (input.imports.length > 0) return false;
  const exports = Object.values(await import(pathToFileURL(distFile(path)).href));
  return exports.every((value) => value === null || (typeof value !== 'object' && typeof value !== 'function'));
}

/**
 * Imports of modules left in dist/ load their tsc output: import() as it is (see BANNER), and
 * static imports through a stand-in whose exports require() the module on first use.
 */
function leaveInDist(left, dynamicSpecifiers) {
  return {
    name: 'leave-in-dist',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.namespace === 'left-in-dist') return undefined;
        const path = relative(root, resolve(dirname(args.importer), args.path)).replace(/\.js$/, '.ts');
        if (!left.has(path)) return undefined;
        const specifier = `./${relative('src', path).replace(/\.ts$/, '.js')}`;
        if (args.kind !== 'dynamic-import') return { path: specifier, namespace: 'left-in-dist' };
        dynamicSpecifiers.add(specifier);
        return { path: specifier, external: true };
      });
      b.onLoad({ filter: /.*/, namespace: 'left-in-dist' }, async (args) => {
        const names = Object.keys(await import(pathToFileURL(join(root, 'dist', args.path)).href));
        const getters = names.map((name) => `${JSON.stringify(name)}: { enumerable: true, get: () => load()[${JSON.stringify(name)}] }`);
        const contents = [
          `let loaded;`,
          `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
          `Object.defineProperties(module.exports, { __esModule: { value: true }, ${getters.join(', ')} });`,
        ].join('\n');
        return { contents, loader: 'js', resolveDir: root };
      });
      // the stand-in's require() of the real module
      b.onResolve({ filter: /.*/, namespace: 'left-in-dist' }, (args) => ({ path: args.path, external: true }));
    },
  };
}

async function buildCliBundle() {
  const left = await modulesLeftInDist();
  const dynamicSpecifiers = new Set();
  const result = await build({
    ...common,
    entryPoints: [ENTRY],
    write: false,
    outfile: BUNDLE,
    format: 'cjs',
    plugins: [leaveInDist(left, dynamicSpecifiers)],
    define: { 'import.meta.url': '__hushBundleUrl' },
    banner: { js: BANNER },
    legalComments: 'none',
    // a third smaller: every start reads the whole file, and V8 scans the source of each function
    // it compiles lazily. Names are kept (no minifyIdentifiers): messages and stacks stay readable
    minifyWhitespace: true,
    minifySyntax: true,
  });
  const text = result.outputFiles[0].text;
  if (!text.startsWith(BANNER)) throw new Error('dist/hush.cjs: the banner is not where build-cli.mjs expects it');
  let code = text.slice(BANNER.length);
  for (const specifier of dynamicSpecifiers) code = code.replaceAll(`import(${JSON.stringify(specifier)})`, `__hushDynamicImport(${JSON.stringify(specifier)})`);
  if (/\bimport\(/.test(code)) throw new Error('dist/hush.cjs: an import() is left that bin/hush.js cannot serve (see build-cli.mjs)');
  // Only ASCII, so that bin/hush.js can read it as latin1, much faster than decoding UTF-8: esbuild
  // leaves a few characters in comments and regular expressions, where \uXXXX means the same.
  code = BANNER + code.replace(/[^\t\n\r\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // First line: the content's hash. bin/hush.js uses a code cache only if it starts with the
  // same line (V8 itself checks little more than the source's length).
  const id = `// hush-cli-bundle ${createHash('sha256').update(code).digest('hex')}\n`;
  // renamed into place: commands running meanwhile read the old bundle or the new one, whole
  writeFileSync(`${BUNDLE}.${process.pid}.tmp`, id + code);
  renameSync(`${BUNDLE}.${process.pid}.tmp`, BUNDLE);
  // Warm-up run: bin/hush.js writes the cache as it exits, holding every function the common
  // path compiled: `hush run --path …` fetching a secret (from a stand-in server, below), and a
  // command printing it, masked. No NODE_OPTIONS: V8 rejects caches made under other flags; no
  // HUSH_* / VAULT_* settings of whoever builds.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !/^(HUSH|VAULT)_/.test(k)));
  const server = await startWarmUpServer();
  try {
    Object.assign(env, { HUSH_BUILD_CODE_CACHE: '1', HUSH_ADDR: server.address, HUSH_TOKEN: 'warm-up-token', HUSH_TOKEN_FILE: join(root, 'dist', 'no-token-file') });
    const args = ['run', '--path', 'secret/warm-up', '--', process.execPath, '-e', 'console.log(process.env.WARM_UP)'];
    const warm = await runAsync(process.execPath, [join(root, 'bin', 'hush.js'), ...args], { cwd: root, env });
    if (warm.status !== 0 || warm.stdout !== '*****\n') throw new Error(`bundle warm-up run failed (${warm.status}): ${warm.stderr}`);
  } finally {
    server.close();
  }
  // bin/hush.js runs tsc's output instead when it is newer than the bundle (a tsc run meanwhile)
  const cache = existsSync(`${BUNDLE}.cache`) ? readFileSync(`${BUNDLE}.cache`).subarray(0, id.length).toString('latin1') : '';
  if (cache !== id) console.error('hush: no code cache was written for the new bundle (dist/ changed during the build?)');
}

/**
 * A stand-in for a Hush server answering the two requests `hush run --path secret/warm-up`
 * makes (the mount pre-flight, then the KV v2 read), so that the warm-up run compiles the
 * client's code too.
 */
async function startWarmUpServer() {
  const server = createServer((req, res) => {
    const body = req.url.startsWith('/v1/sys/internal/ui/mounts/')
      ? { data: { path: 'secret/', type: 'kv', options: { version: '2' } } }
      : req.url.startsWith('/v1/secret/data/warm-up')
        ? { data: { data: { WARM_UP: 'warm-up-secret-value' } } }
        : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { errors: [] }));
  });
  await new Promise((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  return { address: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** spawnSync, but leaving the event loop free (the stand-in server answers meanwhile). */
function runAsync(file, args, options) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

await buildCliBundle();
