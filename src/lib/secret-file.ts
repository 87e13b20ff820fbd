/**
 * @module Files and folders that hold secrets, owner-only from the first byte. A file is created
 * with mode 0600 by open(2) itself (O_CREAT|O_EXCL, never chmod afterwards) under a fresh name in
 * the target's directory, written, synced, then renamed over the target: readers see the old file
 * or the whole new one, never a partial or world-readable one, even when the old file had a loose
 * mode. Errors are the file system's own (callers word them for their users).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Creates `dir` (and parents) readable only by its owner. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Replaces `path` with `content`, readable by its owner only (0600). */
export function writeSecretFile(path: string, content: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.hush-${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  try {
    writeFileSync(fd, content); // at the fd's position, looping over short writes
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(temp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (err) {
    unlinkSync(temp);
    throw err;
  }
}

/** Appends `content` to `path`, creating it with mode 0600 when missing (an existing file keeps
 * its mode: it is someone else's, e.g. the runner's `$GITHUB_ENV`). */
export function appendSecretFile(path: string, content: string): void {
  const fd = openSync(path, constants.O_CREAT | constants.O_APPEND | constants.O_WRONLY, 0o600);
  try {
    writeFileSync(fd, content); // at the fd's position, looping over short writes
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
