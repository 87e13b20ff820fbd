/**
 * @module GitHub Actions file commands: `GITHUB_ENV`, `GITHUB_OUTPUT` and `GITHUB_STATE` are files
 * the runner reads after the step, one `NAME<<DELIMITER` / value / `DELIMITER` block per entry
 * (GitHub's documented multi-line syntax, which also carries single-line values safely).
 *
 * The runner takes everything between the header line and the first line equal to the delimiter,
 * so the delimiter is random and checked absent from the value: a value cannot end its own block
 * early and inject variables (`NODE_OPTIONS=…`) into later steps.
 */
import { randomBytes } from 'node:crypto';
import { appendSecretFile } from '../lib/secret-file.js';
import { ActionError } from './action-error.js';

/** Names the runner could mis-read: no `=`, no `<<`, no line breaks, not empty. */
function checkName(name: string): void {
  if (name === '' || /[=\r\n]|<</.test(name)) throw new ActionError(`"${name}" cannot be used as a variable name`);
}

/** 128 random bits, hex: what makes a delimiter. */
function randomHex(): string {
  return randomBytes(16).toString('hex');
}

/** One heredoc block for `name`, its delimiter `ghadelimiter_` + `random()` (drawn again while
 * the value contains it). `hush export --format github-env` writes the same blocks. */
export function formatFileCommand(name: string, value: string, random: () => string = randomHex): string {
  checkName(name);
  let mark = `ghadelimiter_${random()}`;
  while (value.includes(mark)) mark = `ghadelimiter_${random()}`;
  return `${name}<<${mark}\n${value}\n${mark}\n`;
}

/**
 * Appends `entries` to the file named by the environment variable `fileVariable` (`GITHUB_ENV`…)
 * in one write, so a failure leaves either all of them or none. The file is the runner's; should it
 * be missing, it is created owner-only (0600), since the values are secrets.
 */
export function appendFileCommands(
  env: Readonly<Record<string, string | undefined>>,
  fileVariable: 'GITHUB_ENV' | 'GITHUB_OUTPUT' | 'GITHUB_STATE',
  entries: ReadonlyArray<readonly [string, string]>,
): void {
  if (entries.length === 0) return;
  const path = env[fileVariable];
  if (!path) {
    throw new ActionError(`${fileVariable} is not set: run this action in a GitHub Actions job (runner 2.297 or newer)`);
  }
  const text = entries.map(([name, value]) => formatFileCommand(name, value)).join('');
  appendSecretFile(path, text);
}
