/**
 * @module Builds the environment of the command `hush run` starts, from the existing
 * environment, `--path` secrets and `--env-file` entries (plain values and `hush://`
 * references). Precedence, lowest first:
 *
 * 1. `--path` secrets, in order: a later path's key beats an earlier one's;
 * 2. `--env-file` entries, in order (a later file beats an earlier one): an explicit entry,
 *    reference or plain, beats a `--path` key of the same name;
 * 3. the existing environment, unless `--override`: what the caller set on purpose wins.
 *
 * Each distinct (path, version) is fetched once. A reference that does not resolve (no secret
 * at the path, or no such key) is an error naming the variable and the reference; it never
 * becomes an empty string. Error messages never contain a value.
 */
import { readFileSync } from 'node:fs';
import { HushError } from '../lib/errors.js';
import { parseEnvFile } from './env-file.js';
import type { EnvEntry } from './env-file.js';
import type { SecretData } from './kv-source.js';
import { fetchKey, isReference, parseReference } from './secret-reference.js';
import type { SecretReference } from './secret-reference.js';

export interface EnvFileInput {
  /** As given on the command line, for messages. */
  readonly file: string;
  readonly entries: readonly EnvEntry[];
}

/** Reads and parses `--env-file` files; a file that cannot be read is a one-line error. */
export function readEnvFiles(files: readonly string[]): EnvFileInput[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new HushError('bad_request', `cannot read --env-file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return { file, entries: parseEnvFile(text, file) };
  });
}

export interface RunEnvironmentInput {
  readonly paths: readonly string[];
  readonly envFiles: readonly EnvFileInput[];
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly override: boolean;
}

/** A planned fetch. */
export interface FetchRequest {
  readonly path: string;
  readonly version?: number;
}

/** What was fetched, by {@link fetchKey}; `undefined` = nothing at that path. */
export type FetchResults = ReadonlyMap<string, SecretData | undefined>;

export interface RunEnvironment {
  /** The complete environment of the child. */
  readonly env: Record<string, string>;
  /** Variables whose value came from Hush and was injected (to mask, or to `--mount`). */
  readonly secrets: ReadonlyMap<string, string>;
  /** Variables from Hush that the existing environment kept (not injected, `--override` off). */
  readonly shadowed: readonly string[];
}

interface Candidate {
  readonly value: string;
  readonly fromHush: boolean;
}

/** Reads the references of the env files; throws on a malformed one (naming the variable). */
function references(files: readonly EnvFileInput[]): Map<EnvEntry, SecretReference> {
  const refs = new Map<EnvEntry, SecretReference>();
  for (const f of files) {
    for (const e of f.entries) {
      if (!isReference(e.value)) continue;
      try {
        refs.set(e, parseReference(e.value));
      } catch (err) {
        throw new HushError('bad_request', `${e.name} (${f.file}:${e.line}): ${(err as Error).message}`);
      }
    }
  }
  return refs;
}

/** Every distinct fetch the input needs, paths first, in order. */
export function planFetches(input: Pick<RunEnvironmentInput, 'paths' | 'envFiles'>): FetchRequest[] {
  const plan = new Map<string, FetchRequest>();
  for (const p of input.paths) {
    const path = p.replace(/^\/+|\/+$/g, '');
    plan.set(fetchKey(path), { path });
  }
  for (const ref of references(input.envFiles).values()) {
    const req: FetchRequest = ref.version === undefined ? { path: ref.path } : { path: ref.path, version: ref.version };
    plan.set(fetchKey(ref.path, ref.version), req);
  }
  return [...plan.values()];
}

/** Turns a KV value into an environment value (strings as they are, anything else as JSON). */
export function envValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function validName(name: string): boolean {
  return name !== '' && !name.includes('=') && !name.includes('\0');
}

/** Applies the precedence rules to fetched data. Pure: all I/O happens before. */
export function buildRunEnvironment(input: RunEnvironmentInput, fetched: FetchResults): RunEnvironment {
  const chosen = new Map<string, Candidate>();
  for (const p of input.paths) {
    const path = p.replace(/^\/+|\/+$/g, '');
    const data = fetched.get(fetchKey(path));
    if (data === undefined) throw new HushError('not_found', `no secret at ${path} (--path ${p})`);
    for (const [key, value] of Object.entries(data)) {
      if (!validName(key)) throw new HushError('bad_request', `${path} has a key that cannot be an environment variable name`);
      chosen.set(key, { value: envValue(value), fromHush: true });
    }
  }
  const refs = references(input.envFiles);
  const missing: string[] = [];
  for (const f of input.envFiles) {
    for (const e of f.entries) {
      const ref = refs.get(e);
      if (!ref) {
        chosen.set(e.name, { value: e.value, fromHush: false });
        continue;
      }
      const data = fetched.get(fetchKey(ref.path, ref.version));
      const where = ref.version === undefined ? ref.path : `${ref.path} version ${ref.version}`;
      if (data === undefined) missing.push(`${e.name} (${f.file}:${e.line}) refers to ${e.value}, but there is no secret at ${where}`);
      else if (!Object.hasOwn(data, ref.key)) missing.push(`${e.name} (${f.file}:${e.line}) refers to ${e.value}, but ${where} has no key ${ref.key}`);
      else chosen.set(e.name, { value: envValue(data[ref.key]), fromHush: true });
    }
  }
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more unresolved reference${missing.length > 2 ? 's' : ''})` : '';
    throw new HushError('not_found', `${missing[0]}${more}`);
  }

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.baseEnv)) if (v !== undefined) env[k] = v;
  const secrets = new Map<string, string>();
  const shadowed: string[] = [];
  for (const [name, c] of chosen) {
    if (!input.override && env[name] !== undefined) {
      if (c.fromHush) shadowed.push(name);
      continue;
    }
    env[name] = c.value;
    if (c.fromHush) secrets.set(name, c.value);
  }
  return { env, secrets, shadowed };
}
