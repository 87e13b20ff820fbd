/**
 * @module Export's files: the owner-only writes of `lib/secret-file.ts`, with failures as one-line
 * errors naming the path (what `hush export --output` shows).
 */
import { HushError } from '../lib/errors.js';
import { appendSecretFile, writeSecretFile } from '../lib/secret-file.js';

function failure(what: string, path: string, err: unknown): HushError {
  return new HushError('bad_request', `cannot ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
}

/** Replaces `path` with `content`, readable by its owner only (0600). */
export function writePrivateFile(path: string, content: string): void {
  try {
    writeSecretFile(path, content);
  } catch (err) {
    throw failure('write', path, err);
  }
}

/** Appends `content` to `path`, creating it with mode 0600 when missing. */
export function appendPrivateFile(path: string, content: string): void {
  try {
    appendSecretFile(path, content);
  } catch (err) {
    throw failure('append to', path, err);
  }
}
