#!/usr/bin/env node
// The `hush` command's Node entry (CommonJS: bin/package.json), started by the installed command
// bin/hush (a shell launcher: it keeps Node from parsing NODE_EXTRA_CA_CERTS at start-up, see
// there) or directly as `node bin/hush.js`. Runs the one-file CLI bundle
// dist/hush.cjs with the V8 code cache built with it (scripts/build-cli.mjs), so start-up reads
// two files and compiles almost nothing: `hush run` wraps every pipeline step.
'use strict';
const { readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const Module = require('node:module');
const vm = require('node:vm');

const dist = join(__dirname, '..', 'dist');
const bundle = join(dist, 'hush.cjs');
const cacheFile = `${bundle}.cache`;

/**
 * The bundle require()s ES modules of dist/ (Node >= 20.19 can), and must not be older than
 * tsc's output there: a `tsc`-only rebuild must not leave the command running stale code.
 */
function bundleUsable() {
  if (process.features.require_module !== true) return false;
  try {
    return statSync(bundle).mtimeMs >= statSync(join(dist, 'cli', 'main.js')).mtimeMs;
  } catch {
    return false;
  }
}

/** The cache made for this very bundle (it starts with the bundle's first line, its hash), if any. */
function readCodeCache(id) {
  try {
    const data = readFileSync(cacheFile);
    return data.subarray(0, id.length).toString('latin1') === id ? data.subarray(id.length) : undefined;
  } catch {
    return undefined;
  }
}

if (!bundleUsable()) {
  import('../dist/cli/main.js');
} else {
  const source = readFileSync(bundle, 'latin1'); // the bundle is ASCII only (scripts/build-cli.mjs)
  const id = source.slice(0, source.indexOf('\n') + 1);
  // Module.wrap's parameters, and __hushImport: code compiled from a cache has no import() of
  // its own, so the bundle's dynamic imports (of modules left in dist/) come here
  const wrapped = `(function (exports, require, module, __filename, __dirname, __hushImport) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: bundle, cachedData: readCodeCache(id) });
  if (process.env.HUSH_BUILD_CODE_CACHE === '1') {
    // build time only: after the run, the cache holds every function the run compiled
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()]));
      renameSync(tmp, cacheFile);
    });
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  const importFromDist = (specifier) => import(pathToFileURL(join(dist, specifier)).href);
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dist, importFromDist);
}
