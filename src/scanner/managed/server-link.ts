/**
 * @module What `hush scan --server` asks the Hush server: the fingerprints of the managed values
 * the token may read (`sys/hush/secret-fingerprints`), and, with `--rotate`, a fresh value for
 * each leaked one (`sys/hush/rotate-leaked`). Errors become one-line messages saying what to do.
 */
import { ApiError, ConnectionError } from '../../client/hush-client.js';
import type { HushClient } from '../../client/hush-client.js';
import type { Finding } from '../engine/finding.js';
import { describeRef, managedName, parseFingerprintAnswer } from './fingerprint-set.js';
import type { FingerprintSummary, ManagedFingerprintData, ManagedSecretRef } from './fingerprint-set.js';

const FINGERPRINTS_PATH = 'sys/hush/secret-fingerprints';
const ROTATE_PATH = 'sys/hush/rotate-leaked';

export interface FingerprintQuery {
  /** Mounts to walk (`secret`); default every KV mount the token can list. */
  readonly mounts?: readonly string[];
  /** Folders (`secret/myapp/`) or secrets (`secret/myapp/db`) to fingerprint. */
  readonly paths?: readonly string[];
  /** Readable versions per secret, newest first (server default 3). */
  readonly versions?: number;
}

export async function fetchFingerprints(
  client: HushClient,
  address: string,
  query: FingerprintQuery,
): Promise<{ data: ManagedFingerprintData; summary: FingerprintSummary }> {
  if (client.token === undefined) throw new Error('--server needs a token: set HUSH_TOKEN (or VAULT_TOKEN) or run `hush login`');
  const body = {
    ...(query.mounts !== undefined && query.mounts.length > 0 ? { mounts: query.mounts } : {}),
    ...(query.paths !== undefined && query.paths.length > 0 ? { paths: query.paths } : {}),
    ...(query.versions !== undefined ? { versions: query.versions } : {}),
  };
  try {
    const res = await client.request<{ data?: unknown }>('POST', FINGERPRINTS_PATH, body);
    return parseFingerprintAnswer(res.body?.data);
  } catch (err) {
    throw new Error(`cannot fetch managed-secret fingerprints from ${address}: ${serverProblem(err)}`, { cause: err });
  }
}

/** One line per failure: what the server said and what to do about it. */
function serverProblem(err: unknown): string {
  if (err instanceof ConnectionError) return `${err.message} (set HUSH_ADDR to the Hush server)`;
  if (err instanceof ApiError) {
    // The rotate route explains which capability is missing; a bare 403 means the token itself.
    const said = err.errors.join('; ').split('\n')[0] ?? '';
    if (err.status === 403) return /needs/.test(said) ? said : 'permission denied (is HUSH_TOKEN valid and unexpired?)';
    if ((err.status === 404 && (said === '' || said.includes('no handler'))) || err.status === 405) {
      return 'the server has no such route (is it a Hush server, and recent enough?)';
    }
    return said !== '' ? said : `HTTP ${err.status}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Outcome of `--rotate` for one managed location. */
export type RotationOutcome =
  | { readonly kind: 'rotated'; readonly ref: ManagedSecretRef; readonly version: number; readonly message: string }
  | { readonly kind: 'skipped'; readonly ref: ManagedSecretRef; readonly message: string }
  | { readonly kind: 'failed'; readonly ref: ManagedSecretRef; readonly message: string };

/** The distinct managed locations behind `findings` (one leak is often found in many files). */
export function leakedRefs(findings: readonly Finding[]): ManagedSecretRef[] {
  const refs = new Map<string, ManagedSecretRef>();
  for (const f of findings) {
    for (const r of f.managed ?? []) refs.set(JSON.stringify([r.mount, r.path, r.key, r.version]), r);
  }
  return [...refs.values()];
}

/**
 * Asks the server to rotate each leaked value that is still current. A value found only in an
 * older version was already replaced; a KV v1 value has no version to check against. Each
 * failure is reported and the others still go ahead.
 */
export async function rotateLeaked(client: HushClient, refs: readonly ManagedSecretRef[]): Promise<RotationOutcome[]> {
  const out: RotationOutcome[] = [];
  for (const ref of refs) {
    const name = `${managedName(ref)} "${ref.key}"`;
    if (ref.version === 0) {
      out.push({ kind: 'failed', ref, message: `${name}: in a KV version 1 mount, which keeps no versions; write a new value by hand (hush kv put)` });
      continue;
    }
    if (ref.version !== ref.currentVersion) {
      out.push({ kind: 'skipped', ref, message: `${describeRef(ref)}: already replaced by a newer version; not rotated` });
      continue;
    }
    try {
      const res = await client.request<{ data?: { version?: unknown }; warnings?: unknown }>('POST', ROTATE_PATH, {
        mount: ref.mount,
        path: ref.path,
        key: ref.key,
        version: ref.version,
      });
      const version = Number(res.body?.data?.version ?? 0);
      const warnings = Array.isArray(res.body?.warnings) ? ` (${res.body.warnings.map(String).join('; ')})` : '';
      out.push({ kind: 'rotated', ref, version, message: `${name}: rotated, version ${ref.version} -> ${version}${warnings}` });
    } catch (err) {
      out.push({ kind: 'failed', ref, message: `${name}: not rotated: ${serverProblem(err)}` });
    }
  }
  return out;
}

/** Printed once after rotating: a new value in Hush does not revoke anything elsewhere. */
export const ROTATION_ADVICE =
  'A rotated value is a new random value stored in Hush only: whatever checks it (a provider issuing API keys, a cloud account, a database user) still accepts the leaked value and does not know the new one. Revoke the leaked credential there and set or re-issue it (then store the issued value in Hush), redeploy what reads it, and remove the leaked value from the code and its history.';
