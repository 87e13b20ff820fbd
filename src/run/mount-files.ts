/**
 * @module `hush run --mount DIR` (the Docker `*_FILE` convention): each secret goes into its own
 * file `DIR/NAME`, mode 0400, and the command gets `NAME_FILE=DIR/NAME` instead of `NAME`. DIR
 * is created 0700 when missing (and then removed again); without an explicit DIR a fresh
 * private directory is made on tmpfs (`/dev/shm`) when there is one. {@link MountedFiles.remove}
 * deletes what was written; it is synchronous so it can run from a process `exit` handler.
 */
import { existsSync, mkdtempSync, rmSync, rmdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HushError } from '../lib/errors.js';
import { ensurePrivateDir } from '../lib/secret-file.js';

export interface MountedFiles {
  readonly dir: string;
  /** `NAME_FILE` → path, for the child's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Removes the files (and DIR when we created it). Safe to call twice. */
  remove(): void;
}

/** A fresh private directory, on tmpfs when available. */
export function defaultMountDir(): string {
  const base = existsSync('/dev/shm') && statSync('/dev/shm').isDirectory() ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(base, 'hush-run-'));
}

/** Writes one 0400 file per secret into `dir`. */
export function mountSecretFiles(dir: string | undefined, secrets: ReadonlyMap<string, string>): MountedFiles {
  for (const name of secrets.keys()) {
    if (name.includes('/') || name === '.' || name === '..' || name.includes('\0')) {
      throw new HushError('bad_request', `--mount: ${JSON.stringify(name)} cannot be a file name`);
    }
  }
  let created = false;
  let target: string;
  if (dir === undefined) {
    target = defaultMountDir();
    created = true;
  } else {
    target = resolve(dir);
    created = !existsSync(target);
    if (created) ensurePrivateDir(target);
  }
  const written: string[] = [];
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const f of written) rmSync(f, { force: true });
    if (created) {
      try {
        rmdirSync(target);
      } catch {
        // not empty (the command left files there): leave it
      }
    }
  };
  const env: Record<string, string> = {};
  try {
    for (const [name, value] of secrets) {
      const file = join(target, name);
      writeFileSync(file, value, { mode: 0o400, flag: 'wx' });
      chmodSync(file, 0o400);
      written.push(file);
      env[`${name}_FILE`] = file;
    }
  } catch (err) {
    remove();
    throw new HushError('unavailable', `--mount: cannot write into ${target}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
  return { dir: target, env, remove };
}
