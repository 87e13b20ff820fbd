/**
 * @module Builds the Go interop client (`test/interop/go-vault-client/`, on HashiCorp's own
 * client library github.com/hashicorp/vault/api) into the git-ignored `.cache/go-vault-client/`,
 * again whenever one of its files is newer than the binary. The Go toolchain fetches the modules
 * go.sum pins from the module proxy on first use.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { withDirectoryLock } from '../helpers/directory-lock.js';

const source = resolve(import.meta.dirname, 'go-vault-client');
const binary = resolve(import.meta.dirname, '..', '..', '.cache', 'go-vault-client', 'vault-client');

/** The path of the built client, building it first when needed (one test file at a time). */
export function ensureGoClient(): string {
  mkdirSync(resolve(binary, '..'), { recursive: true });
  return withDirectoryLock(`${binary}.lock`, () => {
    const built = existsSync(binary) ? statSync(binary).mtimeMs : 0;
    if (readdirSync(source).some((name) => statSync(join(source, name)).mtimeMs > built)) {
      execFileSync('go', ['build', '-trimpath', '-o', binary, '.'], { cwd: source, stdio: 'inherit', timeout: 600_000 });
    }
    return binary;
  });
}

/** Runs the client asynchronously (the server under test answers from this process); stdout. */
export async function runGoClient(env: Readonly<Record<string, string>>): Promise<string> {
  const { stdout } = await promisify(execFile)(ensureGoClient(), [], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return stdout;
}
