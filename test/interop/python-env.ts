/**
 * @module Installs third-party Python clients for interop tests into virtualenvs under the
 * git-ignored `.cache/venvs/`, once per package set (a marker file records what was installed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const cacheDir = resolve(import.meta.dirname, '..', '..', '.cache', 'venvs');

/** Returns the python executable of a virtualenv holding exactly `packages` (pip specs). */
export function ensureVenv(name: string, packages: readonly string[]): string {
  const dir = join(cacheDir, name);
  const python = join(dir, 'bin', 'python');
  const marker = join(dir, 'hush-installed.txt');
  const wanted = packages.join('\n');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted && existsSync(python)) return python;
  mkdirSync(cacheDir, { recursive: true });
  execFileSync('python3', ['-m', 'venv', '--clear', dir], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], {
    stdio: 'inherit',
    timeout: 600_000,
  });
  writeFileSync(marker, wanted);
  return python;
}
