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
 * The blocks and the mask commands are those the GitHub Action writes (`src/action/`: the same
 * protocol). Values set this way are not masked by the runner: every non-blank line of every
 * value is registered with `::add-mask::` on stdout first.
 */
import { HushError } from '../lib/errors.js';
import { formatFileCommand } from '../action/file-commands.js';
import { commandLine, maskLines } from '../action/workflow-commands.js';
import { ENV_NAME } from './dotenv-format.js';

export interface GithubEnvOutput {
  /** Text to append to `$GITHUB_ENV`. */
  readonly block: string;
  /** Workflow commands to print to stdout before the block is written. */
  readonly masks: string;
}

/** `random` makes delimiters (for tests; 128 random bits otherwise). */
export function renderGithubEnv(secrets: ReadonlyMap<string, string>, random?: () => string): GithubEnvOutput {
  let block = '';
  let masks = '';
  for (const [name, value] of secrets) {
    if (!ENV_NAME.test(name)) {
      throw new HushError('bad_request', `cannot export ${JSON.stringify(name)} to $GITHUB_ENV: not a valid variable name (letters, digits, _; not starting with a digit)`);
    }
    if (value.includes('\0')) throw new HushError('bad_request', `cannot export ${name} to $GITHUB_ENV: it contains a NUL character`);
    for (const line of maskLines(value)) masks += commandLine('add-mask', line);
    block += formatFileCommand(name, value, random);
  }
  return { block, masks };
}
