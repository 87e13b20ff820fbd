/**
 * @module `hush://` references: an env-file value `hush://secret/myapp/production#DB_PASSWORD`
 * stands for the key `DB_PASSWORD` of the secret at `secret/myapp/production` (mount included,
 * as in `hush kv get`), optionally of one KV v2 version: `…/production?version=3#DB_PASSWORD`
 * (`#DB_PASSWORD?version=3` is accepted too).
 */
import { HushError } from '../lib/errors.js';

export const REFERENCE_SCHEME = 'hush://';

export interface SecretReference {
  /** Full API path with the mount, no leading or trailing slash: `secret/myapp/production`. */
  readonly path: string;
  readonly key: string;
  readonly version?: number;
}

/** True when `value` is meant as a reference (starts with `hush://`). */
export function isReference(value: string): boolean {
  return value.startsWith(REFERENCE_SCHEME);
}

function parseVersion(query: string, text: string): number | undefined {
  if (query === '') return undefined;
  const m = /^version=(\d+)$/.exec(query);
  if (!m) throw new HushError('bad_request', `bad reference ${text}: the only option is ?version=N`);
  const version = Number(m[1]);
  if (!Number.isSafeInteger(version) || version < 0) throw new HushError('bad_request', `bad reference ${text}: bad version`);
  return version === 0 ? undefined : version;
}

/**
 * Parses a reference. Throws a `bad_request` HushError naming the reference (which holds no
 * secret) when it is malformed.
 */
export function parseReference(text: string): SecretReference {
  if (!isReference(text)) throw new HushError('bad_request', `not a ${REFERENCE_SCHEME} reference`);
  const body = text.slice(REFERENCE_SCHEME.length);
  const hash = body.indexOf('#');
  if (hash < 0) throw new HushError('bad_request', `bad reference ${text}: missing #KEY`);
  let location = body.slice(0, hash);
  let key = body.slice(hash + 1);
  let query = '';
  const q1 = location.indexOf('?');
  if (q1 >= 0) {
    query = location.slice(q1 + 1);
    location = location.slice(0, q1);
  }
  const q2 = key.indexOf('?');
  if (q2 >= 0) {
    if (query !== '') throw new HushError('bad_request', `bad reference ${text}: two option lists`);
    query = key.slice(q2 + 1);
    key = key.slice(0, q2);
  }
  const path = location.replace(/^\/+|\/+$/g, '');
  if (path === '' || !path.includes('/')) throw new HushError('bad_request', `bad reference ${text}: expected hush://MOUNT/PATH#KEY`);
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw new HushError('bad_request', `bad reference ${text}: bad path`);
  }
  if (key === '') throw new HushError('bad_request', `bad reference ${text}: missing key after #`);
  let decodedKey: string;
  try {
    decodedKey = decodeURIComponent(key);
  } catch {
    throw new HushError('bad_request', `bad reference ${text}: bad %-encoding in the key`);
  }
  const version = parseVersion(query, text);
  return version === undefined ? { path, key: decodedKey } : { path, key: decodedKey, version };
}

/** The identity of one fetch: a path and an optional version. */
export function fetchKey(path: string, version?: number): string {
  return version === undefined ? path : `${path}?version=${version}`;
}
