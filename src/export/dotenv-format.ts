/**
 * @module Writes `.env` lines that python-dotenv, django-environ (`Env.read_env`),
 * python-decouple (`RepositoryEnv`) and Node's `dotenv` all read back as the same value. They
 * agree on little (checked by running each of them on every case, see the tests):
 *
 * - python-decouple and django-environ read line by line and process no escapes (decouple) or
 *   keep `\n` as two characters (django-environ): no value with a line break can be written;
 * - python-decouple does not understand `export `, django-environ not spaces around `=`;
 * - python-dotenv expands `${NAME}` / `${NAME:-default}` in every value, quoted or not;
 * - in single quotes python-dotenv decodes `\\` and `\'`; the others keep both characters;
 * - django-environ strips a second, double-quote pair from a single-quoted value (`'"x"'`);
 * - Node's dotenv ends an unquoted value at `#`; the others trim unquoted values.
 *
 * So each value gets the first form that is read literally by all four: `'value'`, then
 * `"value"` (for values with `'`), then bare `value`; a value none of them fits is refused with
 * an error that names the key and why, never the value.
 */
import { HushError } from '../lib/errors.js';

/** A name every reader (and a POSIX shell) accepts as a variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Characters that end a line for at least one reader (django-environ uses str.splitlines). */
// eslint-disable-next-line no-control-regex -- these control characters are what is matched
const LINE_BREAK = /[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
/** What python-dotenv's interpolation replaces, even inside single quotes. */
const PYTHON_DOTENV_VARIABLE = /\$\{[^}:]*(?::-[^}]*)?\}/;
/** Whitespace by JavaScript's and Python's definitions (both trim unquoted values). */
// eslint-disable-next-line no-control-regex -- Python's str.strip() also removes \x1c-\x1f
const EDGE_SPACE = /^[\s\x1c-\x1f\x85]|[\s\x1c-\x1f\x85]$/;

function singleQuotable(v: string): boolean {
  return !v.includes("'") && !v.includes('\\\\') && !v.endsWith('\\') && !(v.length >= 2 && v.startsWith('"') && v.endsWith('"'));
}

function doubleQuotable(v: string): boolean {
  return !v.includes('"') && !v.includes('\\');
}

function bare(v: string): boolean {
  return v !== '' && !v.includes('#') && !/^['"]|^`[^]*`$/.test(v) && !EDGE_SPACE.test(v);
}

/** Why `value` cannot be written so that every reader agrees, or `undefined` when it can. */
export function dotenvProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'it contains a NUL character, which no environment variable can hold';
  if (LINE_BREAK.test(value)) return 'it has a line break, which python-decouple and django-environ cannot read from a .env file';
  if (PYTHON_DOTENV_VARIABLE.test(value)) return 'it contains ${…}, which python-dotenv would expand';
  if (singleQuotable(value) || doubleQuotable(value) || bare(value)) return undefined;
  return "its mix of quotes, backslashes and # has no quoting that every .env reader keeps intact";
}

/** One `NAME=value` line (without the newline); throws a HushError naming the key when no
 * form is read back intact by every reader. */
export function dotenvLine(name: string, value: string): string {
  if (!ENV_NAME.test(name)) {
    throw new HushError('bad_request', `cannot export ${JSON.stringify(name)} to a .env file: not a valid variable name (letters, digits, _; not starting with a digit)`);
  }
  const problem = dotenvProblem(value);
  if (problem !== undefined) {
    throw new HushError('bad_request', `cannot export ${name} to a .env file: ${problem}; use --format json, shell, k8s or docker-secrets for it`);
  }
  if (singleQuotable(value)) return `${name}='${value}'`;
  if (doubleQuotable(value)) return `${name}="${value}"`;
  return `${name}=${value}`;
}

/** The whole file: one line per secret. */
export function renderDotenv(secrets: ReadonlyMap<string, string>): string {
  let out = '';
  for (const [name, value] of secrets) out += `${dotenvLine(name, value)}\n`;
  return out;
}
