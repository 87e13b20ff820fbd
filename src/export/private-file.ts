/**
 * @module Writing secrets to disk so that no other user can read them at any moment: a file is
 * created with mode 0600 by open(2) itself (O_CREAT|O_EXCL|O_WRONLY, never chmod afterwards) under
 * a fresh name in the target's directory, then renamed over the target, so readers see the old
 * file or the whole new one, never a partial or world-readable one. Appending (for
 * `$GITHUB_ENV`) keeps an existing file's mode and creates a missing one with 0600.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HushError } from '../lib/errors.js';

function writeAll(fd: number, content: string): void {
  const bytes = Buffer.from(content, 'utf8');
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done);
}

function failure(what: string, path: string, err: unknown): HushError {
  return new HushError('bad_request', `cannot ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
}

/** Replaces `path` with `content`, readable by its owner only (0600). */
export function writePrivateFile(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.hush-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (err) {
    throw failure('write', path, err);
  }
  try {
    writeAll(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created or already renamed
    }
    throw failure('write', path, err);
  }
}

/** Appends `content` to `path`, creating it with mode 0600 when missing. */
export function appendPrivateFile(path: string, content: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_APPEND | constants.O_WRONLY, 0o600);
  } catch (err) {
    throw failure('append to', path, err);
  }
  try {
    writeAll(fd, content);
    fsyncSync(fd);
  } catch (err) {
    throw failure('append to', path, err);
  } finally {
    closeSync(fd);
  }
}
