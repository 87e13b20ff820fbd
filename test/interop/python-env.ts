/**
 * @module Installs third-party Python clients for interop tests into virtualenvs under the
 * git-ignored `.cache/venvs/`, once per package set (a marker file records what was installed).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withDirectoryLock } from '../helpers/directory-lock.js';

const cacheDir = resolve(import.meta.dirname, '..', '..', '.cache', 'venvs');

/** Returns the python executable of a virtualenv holding exactly `packages` (pip specs). Test
 * files run in parallel and may ask for the same one: a lock directory lets one of them build it
 * while the others wait. */
export function ensureVenv(name: string, packages: readonly string[]): string {
  const dir = join(cacheDir, name);
  const python = join(dir, 'bin', 'python');
  const marker = join(dir, 'hush-installed.txt');
  const wanted = packages.join('\n');
  const ready = () => existsSync(marker) && readFileSync(marker, 'utf8') === wanted && existsSync(python);
  if (ready()) return python;
  mkdirSync(cacheDir, { recursive: true });
  return withDirectoryLock(`${dir}.lock`, () => {
    if (ready()) return python; // built by another test file meanwhile
    execFileSync('python3', ['-m', 'venv', '--clear', dir], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], {
      stdio: 'inherit',
      timeout: 600_000,
    });
    writeFileSync(marker, wanted);
    return python;
  });
}

/** The hvac releases every interop test runs: the current one and Debian's python3-hvac. */
export const HVAC_VERSIONS: readonly (readonly [name: string, packages: readonly string[]])[] = [
  ['current', ['hvac']],
  ['0.11.2', ['hvac==0.11.2']],
];

/**
 * Runs python asynchronously (the server under test runs in the test process and must keep
 * answering) with Vault's environment variables set; returns stdout.
 */
export async function runPython(
  python: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<string> {
  const { stdout } = await promisify(execFile)(python, [...args], {
    env: { ...process.env, PYTHONWARNINGS: 'ignore', ...env },
    encoding: 'utf8',
  });
  return stdout;
}
