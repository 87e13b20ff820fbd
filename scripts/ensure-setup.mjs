// Installs dependencies when they are missing or older than the lock file, then builds the
// TypeScript when the output is missing or older than a source file, and the CLI bundle when it
// is older than that output. Used by `npm start`, `npm test` and the benchmarks so that a fresh
// clone needs no other step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    console.error('hush: installing dependencies (npm ci)…');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  }
}

/** True when `file` is missing or older than any of `inputs` (missing inputs are ignored). */
function stale(file, inputs) {
  if (!existsSync(file)) return true;
  const mtime = statSync(file).mtimeMs;
  return inputs.some((input) => existsSync(input) && statSync(input).mtimeMs > mtime);
}

export function ensureBuilt() {
  const out = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(out) || statSync(out).mtimeMs < newestMtime(join(root, 'src'))) {
    console.error('hush: building…');
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  // the CLI bundle run by bin/hush.js, and its code cache (scripts/build-cli.mjs)
  const bundleInputs = [out, join(root, 'scripts', 'build-cli.mjs'), join(root, 'bin', 'hush.js'), join(root, 'node_modules', '.package-lock.json')];
  if (stale(join(root, 'dist', 'hush.cjs'), bundleInputs) || !existsSync(join(root, 'dist', 'hush.cjs.cache'))) {
    console.error('hush: bundling the CLI…');
    execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: 'inherit' });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureInstalled();
  ensureBuilt();
}
