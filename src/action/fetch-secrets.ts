/**
 * @module Reads the requested secrets from the server and names each value for export. A path is
 * read once however many entries use it. Anything missing is an error, not an empty variable:
 * a deploy that runs with a blank password is worse than a job that stops and says why.
 */
import { ApiError, ConnectionError } from '../client/hush-client.js';
import type { HushClient } from '../client/hush-client.js';
import { isHushError } from '../lib/errors.js';
import { createKvSource } from '../run/kv-source.js';
import type { SecretData } from '../run/kv-source.js';
import { fetchKey } from '../run/secret-reference.js';
import { ActionError } from './action-error.js';
import { normalizeKey } from './secret-requests.js';
import type { SecretLocation, SecretRequest } from './secret-requests.js';

/** One value to export: as environment variable `envName` and step output `outputName`. */
export interface ExportedSecret {
  readonly envName: string;
  readonly outputName: string;
  readonly value: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Values as vault-action exports them: strings as they are, other JSON as JSON text. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function describe(location: SecretLocation): string {
  return location.kind === 'api' ? location.path : `hush://${fetchKey(location.path, location.version)}`;
}

/** Turns a failed read into a message with what to do; server messages never hold values. */
function readFailure(err: unknown, what: string): Error {
  if (err instanceof ApiError && err.status === 403) {
    return new ActionError(`permission denied reading ${what}: the token's policies must allow "read" on it`);
  }
  if (err instanceof ApiError) return new ActionError(`reading ${what} failed (HTTP ${err.status}): ${err.message}`);
  if (err instanceof ConnectionError) return new ActionError(`reading ${what} failed: ${err.message}`);
  if (isHushError(err)) return new ActionError(`reading ${what} failed: ${err.message}`);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Fetches every request with `client` (already holding the token). Throws an ActionError for a
 * missing secret or key, a refused read, or two entries exporting the same name.
 */
export async function fetchSecrets(requests: readonly SecretRequest[], client: Pick<HushClient, 'read'>): Promise<ExportedSecret[]> {
  const kv = createKvSource(client);
  const cache = new Map<string, Promise<SecretData | undefined>>();

  const readApiPath = async (path: string): Promise<SecretData | undefined> => {
    try {
      const res = await client.read(path);
      const data = res.body?.data;
      if (!isRecord(data)) return undefined;
      // KV v2 answers {data: {data, metadata}}; a destroyed or deleted version has data null
      if ('metadata' in data && isRecord(data.metadata)) return isRecord(data.data) ? data.data : undefined;
      return data;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  };

  const load = (location: SecretLocation): Promise<SecretData | undefined> => {
    const id = `${location.kind}:${describe(location)}`;
    let pending = cache.get(id);
    if (!pending) {
      pending = location.kind === 'api' ? readApiPath(location.path) : kv.read(location.path, location.version);
      cache.set(id, pending);
      // a failure is reported when its entry's turn comes; until then it must not crash the process
      pending.catch(() => undefined);
    }
    return pending;
  };

  const out: ExportedSecret[] = [];
  // every path is requested at once; results are taken in the order the entries were written
  const loaded = requests.map((r) => load(r.location));
  for (const [i, request] of requests.entries()) {
    const what = describe(request.location);
    let data: SecretData | undefined;
    try {
      data = await loaded[i];
    } catch (err) {
      throw readFailure(err, what);
    }
    if (data === undefined) {
      const hint =
        request.location.kind === 'api' && !request.location.path.includes('/data/')
          ? ' (on KV v2 the API path has "data/" after the mount, secret/data/…; or write hush://secret/…#KEY)'
          : '';
      throw new ActionError(`secret ${what} not found${hint}`);
    }
    const { selector } = request;
    if (selector.kind === 'key') {
      if (!Object.hasOwn(data, selector.key)) throw new ActionError(`secret ${what} has no key "${selector.key}"`);
      const name = request.name ?? normalizeKey(selector.key);
      out.push({ envName: request.name ?? name.toUpperCase(), outputName: name, value: asText(data[selector.key]) });
      continue;
    }
    for (const [key, value] of Object.entries(data)) {
      const keyName = normalizeKey(key);
      if (keyName === '') throw new ActionError(`secret ${what}: key "${key}" leaves no name; export it with its own "| NAME" entry`);
      const base = `${request.name ?? ''}${keyName}`;
      const name = selector.upperCase ? base.toUpperCase() : base;
      out.push({ envName: name, outputName: name, value: asText(value) });
    }
  }

  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.envName)) throw new ActionError(`two secrets entries export ${s.envName}: give one of them another "| NAME"`);
    seen.add(s.envName);
  }
  return out;
}
