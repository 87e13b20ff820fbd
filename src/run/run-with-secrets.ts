/**
 * @module What `hush run` does, framework-free: read the env files, fetch every distinct secret
 * once (or, when the server cannot be reached, read the offline fallback copy), build the
 * child's environment by the precedence rules, write `--mount` files, and supervise the child
 * with masking. Dependencies (the secret source, the environment, the clock, the log) are
 * passed in so that tests can use small fakes.
 */
import { ConnectionError } from '../client/hush-client.js';
import { HushError } from '../lib/errors.js';
import { lazyMaskSet } from '../redact/stream-masker.js';
import { superviseChild } from './child-supervisor.js';
import type { SuperviseOptions } from './child-supervisor.js';
import { FALLBACK_KEY_ENV, formatAge, readFallback, writeFallback } from './fallback-cache.js';
import type { SecretData, SecretSource } from './kv-source.js';
import { mountSecretFiles } from './mount-files.js';
import type { MountedFiles } from './mount-files.js';
import { buildRunEnvironment, planFetches, readEnvFiles } from './run-environment.js';
import type { FetchRequest, RunEnvironment } from './run-environment.js';
import { fetchKey } from './secret-reference.js';

/** Where the variables come from: what {@link prepareRun} needs (`hush run`, `export`, `check`). */
export interface SourceOptions {
  readonly paths: readonly string[];
  readonly envFiles: readonly string[];
  readonly override: boolean;
  readonly fallback?: string;
  /** Milliseconds. */
  readonly fallbackMaxAge: number;
}

export interface RunOptions extends SourceOptions {
  readonly mask: boolean;
  /** `--mount`: `true` = a fresh private directory; a string = that directory. */
  readonly mount?: string | true;
  readonly command: string;
  readonly args: readonly string[];
}

export interface RunDeps {
  /** Built lazily: no server is contacted when nothing needs fetching. */
  readonly source: () => SecretSource;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Extra values hush knows are secret (its token): masked too, never injected. */
  readonly extraMasked?: readonly string[];
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
  readonly supervise?: (opts: SuperviseOptions) => Promise<number>;
  /** Where the server lives, for messages. */
  readonly serverName?: string;
  /** `--check`: sees the child's environment before anything is written or started; throws to
   * stop the run, or returns variables to add (the contract's defaults, not secrets). */
  readonly beforeStart?: (env: Readonly<Record<string, string>>) => Promise<Readonly<Record<string, string>>>;
}

/** Fetches the plan; ConnectionError only when every failure was "unreachable". */
async function fetchAll(source: SecretSource, plan: readonly FetchRequest[]): Promise<Map<string, SecretData | undefined>> {
  const settled = await Promise.allSettled(plan.map((r) => source.read(r.path, r.version)));
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
  const answered = failures.find((e) => !(e instanceof ConnectionError));
  if (answered !== undefined) throw answered;
  if (failures.length > 0) throw failures[0];
  const out = new Map<string, SecretData | undefined>();
  plan.forEach((r, i) => out.set(fetchKey(r.path, r.version), (settled[i] as PromiseFulfilledResult<SecretData | undefined>).value));
  return out;
}

/** Reads the env files and fetches the secrets (or reads the fallback copy), and builds the
 * environment: everything up to the child's start. */
export async function prepareRun(
  opts: SourceOptions,
  deps: Pick<RunDeps, 'source' | 'env' | 'now' | 'log' | 'serverName'>,
): Promise<RunEnvironment> {
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = deps.now ?? (() => new Date());
  const passphrase = deps.env[FALLBACK_KEY_ENV];
  if (opts.fallback !== undefined && !passphrase) {
    throw new HushError('bad_request', `--fallback needs the passphrase of the copy in ${FALLBACK_KEY_ENV}`);
  }
  const envFiles = readEnvFiles(opts.envFiles);
  const input = { paths: opts.paths, envFiles, baseEnv: deps.env, override: opts.override };
  const plan = planFetches(input);
  let fetched = new Map<string, SecretData | undefined>();
  if (plan.length > 0) {
    try {
      fetched = await fetchAll(deps.source(), plan);
      if (opts.fallback !== undefined) {
        const entries: Record<string, SecretData> = {};
        for (const [k, v] of fetched) if (v !== undefined) entries[k] = v;
        try {
          writeFallback(opts.fallback, passphrase!, { fetchedAt: now(), entries });
        } catch (err) {
          log(`hush run: warning: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      if (!(err instanceof ConnectionError) || opts.fallback === undefined) throw err;
      const copy = readFallback(opts.fallback, passphrase!);
      const age = now().getTime() - copy.fetchedAt.getTime();
      if (!(age <= opts.fallbackMaxAge)) {
        throw new HushError(
          'unavailable',
          `cannot reach ${deps.serverName ?? 'the server'}, and the fallback copy ${opts.fallback} is ${formatAge(age)} old, older than --fallback-max-age ${formatAge(opts.fallbackMaxAge)}`,
        );
      }
      log(
        `hush run: warning: cannot reach ${deps.serverName ?? 'the server'}; using the fallback copy ${opts.fallback} fetched ${formatAge(age)} ago (${copy.fetchedAt.toISOString()})`,
      );
      fetched = new Map();
      for (const r of plan) {
        const key = fetchKey(r.path, r.version);
        if (!Object.hasOwn(copy.entries, key)) {
          throw new HushError('unavailable', `cannot reach ${deps.serverName ?? 'the server'}, and the fallback copy ${opts.fallback} has no copy of ${key}`);
        }
        fetched.set(key, copy.entries[key]);
      }
    }
  }
  return buildRunEnvironment(input, fetched);
}

/** `hush run`: resolves the command's exit status (or throws before starting it). */
export async function runWithSecrets(opts: RunOptions, deps: RunDeps): Promise<number> {
  const prepared = await prepareRun(opts, deps);
  const env = { ...prepared.env, ...(deps.beforeStart ? await deps.beforeStart(prepared.env) : {}) };
  let mounted: MountedFiles | undefined;
  if (opts.mount !== undefined) {
    mounted = mountSecretFiles(opts.mount === true ? undefined : opts.mount, prepared.secrets);
    for (const name of prepared.secrets.keys()) delete env[name];
    Object.assign(env, mounted.env);
  }
  const maskValues = [...prepared.secrets.values(), ...(deps.extraMasked ?? [])];
  const supervise = deps.supervise ?? superviseChild;
  return supervise({
    command: opts.command,
    args: opts.args,
    env,
    mask: opts.mask ? lazyMaskSet(maskValues) : undefined,
    cleanup: mounted ? () => mounted.remove() : undefined,
    log: deps.log,
  });
}
