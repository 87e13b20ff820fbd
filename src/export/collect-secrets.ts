/**
 * @module What `hush export` writes: the same variables `hush run` would inject, from the same
 * sources with the same precedence (`--path` secrets, later wins; then `--env-file` entries,
 * plain or `hush://` references), but without the caller's environment. Names are sorted so
 * that exports of the same data are identical files.
 */
import { HushError } from '../lib/errors.js';
import type { SecretSource } from '../run/kv-source.js';
import { prepareRun } from '../run/run-with-secrets.js';

export interface CollectOptions {
  readonly paths: readonly string[];
  readonly envFiles: readonly string[];
}

/** Fetches every secret the options name and returns name → value, sorted by name. */
export async function collectSecrets(opts: CollectOptions, source: () => SecretSource): Promise<Map<string, string>> {
  if (opts.paths.length === 0 && opts.envFiles.length === 0) {
    throw new HushError('bad_request', 'nothing to export: give --path secret/myapp/production (repeatable) or --env-file FILE');
  }
  const { env } = await prepareRun({ ...opts, override: true, fallbackMaxAge: 0 }, { source, env: {} });
  return new Map(Object.keys(env).sort().map((k) => [k, env[k]!]));
}
