/**
 * @module `export NAME='value'` lines for POSIX shells (`. ./secrets.sh` in sh, dash, bash, zsh).
 * Inside single quotes a POSIX shell takes every character literally, newlines included; a
 * single quote itself is written as `'\''` (close, escaped quote, reopen).
 */
import { HushError } from '../lib/errors.js';
import { ENV_NAME } from './dotenv-format.js';

/** Quotes `value` as one POSIX shell word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** The whole script: one `export` line per secret. */
export function renderShell(secrets: ReadonlyMap<string, string>): string {
  let out = '';
  for (const [name, value] of secrets) {
    if (!ENV_NAME.test(name)) {
      throw new HushError('bad_request', `cannot export ${JSON.stringify(name)} as a shell variable: not a valid name (letters, digits, _; not starting with a digit)`);
    }
    if (value.includes('\0')) throw new HushError('bad_request', `cannot export ${name} as a shell variable: it contains a NUL character`);
    out += `export ${name}=${shellQuote(value)}\n`;
  }
  return out;
}
