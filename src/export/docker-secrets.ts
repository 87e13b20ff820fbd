/**
 * @module Secrets as files, the way Docker and Compose mount them under `/run/secrets/`: one file
 * per key in a directory, the file named by the key and holding exactly the value (no trailing
 * newline added). The directory is 0700 and each file 0600 from its creation.
 */
import { join } from 'node:path';
import { HushError } from '../lib/errors.js';
import { ensurePrivateDir } from '../lib/secret-file.js';
import { writePrivateFile } from './private-file.js';

const FILE_NAME = /^[-._a-zA-Z0-9]+$/;

/** Writes every secret into `dir`; returns the paths written. */
export function writeDockerSecrets(dir: string, secrets: ReadonlyMap<string, string>): string[] {
  for (const key of secrets.keys()) {
    if (!FILE_NAME.test(key) || key === '.' || key === '..') {
      throw new HushError('bad_request', `cannot export ${JSON.stringify(key)} as a Docker secret file: names may only hold letters, digits, -, _ and .`);
    }
  }
  try {
    ensurePrivateDir(dir);
  } catch (err) {
    throw new HushError('bad_request', `cannot create the directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
  const written: string[] = [];
  for (const [key, value] of secrets) {
    const path = join(dir, key);
    writePrivateFile(path, value);
    written.push(path);
  }
  return written;
}
