/**
 * @module What `hush export` writes: the same variables `hush run` would inject, from the same
 * sources with the same precedence (`--path` secrets, later wins; then `--env-file` entries,
 * plain or `hush://` references), but without the caller's environment. Names are sorted so
 * that exports of the same data are identical files.
 */
import { HushError } from '../lib/errors.js';
import type { SecretData, SecretSource } from '../run/kv-source.js';
import { buildRunEnvironment, planFetches, readEnvFiles } from '../run/run-environment.js';
import { fetchKey } from '../run/secret-reference.js';

export interface CollectOptions {
  readonly paths: readonly string[];
  readonly envFiles: readonly string[];
}

/** Fetches every secret the options name and returns name → value, sorted by name. */
export async function collectSecrets(opts: CollectOptions, source: () => SecretSource): Promise<Map<string, string>> {
  if (opts.paths.length === 0 && opts.envFiles.length === 0) {
    throw new HushError('bad_request', 'nothing to export: give --path secret/myapp/production (repeatable) or --env-file FILE');
  }
  const envFiles = readEnvFiles(opts.envFiles);
  const input = { paths: opts.paths, envFiles, baseEnv: {}, override: true };
  const plan = planFetches(input);
  const fetched = new Map<string, SecretData | undefined>();
  if (plan.length > 0) {
    const src = source();
    const results = await Promise.all(plan.map((r) => src.read(r.path, r.version)));
    plan.forEach((r, i) => fetched.set(fetchKey(r.path, r.version), results[i]));
  }
  const { env } = buildRunEnvironment(input, fetched);
  return new Map(Object.keys(env).sort().map((k) => [k, env[k]!]));
}
