/**
 * @module Secrets for later steps of a GitHub Actions job. Each value is appended to the file
 * named by `$GITHUB_ENV` as a heredoc block, the only form that carries any value (newlines
 * included):
 *
 * ```
 * NAME<<ghadelimiter_<random>
 * value
 * ghadelimiter_<random>
 * ```
 *
 * The runner reads lines up to the first one equal to the delimiter, so the delimiter is random
 * and checked not to occur in the value. Values set this way are not masked by the runner: every
 * non-blank line of every value is registered with `::add-mask::` on stdout first (command data
 * escaped as the runner expects: `%` → `%25`).
 */
import { randomBytes } from 'node:crypto';
import { HushError } from '../lib/errors.js';
import { ENV_NAME } from './dotenv-format.js';

export interface GithubEnvOutput {
  /** Text to append to `$GITHUB_ENV`. */
  readonly block: string;
  /** Workflow commands to print to stdout before the block is written. */
  readonly masks: string;
}

function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function delimiterFor(value: string, random: () => string): string {
  for (;;) {
    const delimiter = `ghadelimiter_${random()}`;
    if (!value.includes(delimiter)) return delimiter;
  }
}

export function renderGithubEnv(
  secrets: ReadonlyMap<string, string>,
  random: () => string = () => randomBytes(16).toString('hex'),
): GithubEnvOutput {
  let block = '';
  let masks = '';
  for (const [name, value] of secrets) {
    if (!ENV_NAME.test(name)) {
      throw new HushError('bad_request', `cannot export ${JSON.stringify(name)} to $GITHUB_ENV: not a valid variable name (letters, digits, _; not starting with a digit)`);
    }
    if (value.includes('\0')) throw new HushError('bad_request', `cannot export ${name} to $GITHUB_ENV: it contains a NUL character`);
    for (const line of value.split(/\r\n|\r|\n/)) {
      if (line.trim() !== '') masks += `::add-mask::${escapeCommandData(line)}\n`;
    }
    const delimiter = delimiterFor(value, random);
    block += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  return { block, masks };
}
