/**
 * @module Hush's own `sys/hush/` routes behind `hush scan --server` (outside Vault's API, so no
 * Vault client can collide with them; see docs/scan-server.md):
 *
 * - `sys/hush/secret-fingerprints` (POST): keyed fingerprints of the KV values the calling
 *   token may read, never the values. The HMAC key is random per request and returned with the
 *   answer, so fingerprints cannot be correlated across requests.
 * - `sys/hush/rotate-leaked` (POST): replaces one leaked value with a fresh one (new KV v2
 *   version, check-and-set on the leaked version).
 *
 * Both accept any valid token: what they reveal or change is checked per secret against the
 * caller's ACL, with the same paths a direct KV request would be checked on, so a token gains
 * nothing it could not already do (an admin's `deny` on a data path applies here too). A policy
 * rule that explicitly denies the route itself switches it off for that token.
 */
import { HushError } from '../../lib/errors.js';
import type { Acl } from '../../policy/acl.js';
import type { CoreResponse } from '../request.js';
import { defineSysRoutes } from './sys-context.js';
import type { SysRequest } from './sys-context.js';
import { walkKvSecrets } from '../managed-secrets/kv-secret-walk.js';
import { FingerprintKey, MIN_VALUE_LENGTH, fingerprintValue } from '../managed-secrets/value-fingerprints.js';
import type { ValueForm } from '../managed-secrets/value-fingerprints.js';
import { rotateLeakedValue } from '../managed-secrets/leaked-rotation.js';

/** Default and ceiling of `max_secrets`: enough for large installations, bounded work per call. */
const DEFAULT_MAX_SECRETS = 10_000;
const CEILING_MAX_SECRETS = 100_000;
const DEFAULT_VERSIONS = 3;
const CEILING_VERSIONS = 20;

function stringList(data: SysRequest['data'], field: string): string[] | undefined {
  const raw = data[field];
  if (raw === undefined || raw === null) return undefined;
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) {
    throw new HushError('bad_request', `"${field}" must be a list of non-empty strings`);
  }
  return list as string[];
}

function intIn(data: SysRequest['data'], field: string, min: number, max: number, fallback: number): number {
  const raw = data[field];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new HushError('bad_request', `"${field}" must be a whole number from ${min} to ${max}`);
  return n;
}

interface FingerprintEntry {
  readonly mount: string;
  readonly path: string;
  readonly key: string;
  readonly version: number;
  readonly current_version: number;
  readonly forms: readonly ValueForm[];
}

/** The caller's ACL, refusing a token whose policy explicitly denies this route. */
async function callerAcl(req: SysRequest): Promise<Acl> {
  const acl = await req.services.policies().aclFor(req.caller!.policies);
  const route = acl.allowOperation(req.request.path, 'update');
  if (!route.allowed && route.matchedPath !== undefined && route.capabilities.includes('deny')) {
    throw new HushError('permission_denied', `permission denied: a policy denies ${req.request.path}`);
  }
  return acl;
}

async function secretFingerprints(req: SysRequest): Promise<CoreResponse> {
  const maxSecrets = intIn(req.data, 'max_secrets', 1, CEILING_MAX_SECRETS, DEFAULT_MAX_SECRETS);
  const versions = intIn(req.data, 'versions', 1, CEILING_VERSIONS, DEFAULT_VERSIONS);
  const minLength = intIn(req.data, 'min_length', MIN_VALUE_LENGTH, 4096, MIN_VALUE_LENGTH);
  const mounts = stringList(req.data, 'mounts');
  const paths = stringList(req.data, 'paths');
  const acl = await callerAcl(req);
  const key = new FingerprintKey();
  const fingerprints: FingerprintEntry[] = [];
  let shortValues = 0;
  const walk = await walkKvSecrets(
    req.services,
    acl,
    { ...(mounts !== undefined ? { mounts } : {}), ...(paths !== undefined ? { paths } : {}), versions, maxSecrets },
    (secretVersions) => {
      // One entry per distinct value of a key: the newest version holding it (versions come
      // newest first), so a value unchanged since version 3 is reported at the current version 5.
      // (The set lives for this one secret: the walk never holds every value at once.)
      const seen = new Set<string>();
      for (const v of secretVersions) {
        for (const [name, value] of Object.entries(v.data)) {
          // Only top-level strings: their key names a value unambiguously, which rotation needs.
          if (typeof value !== 'string') continue;
          const id = JSON.stringify([name, value]);
          if (seen.has(id)) continue;
          seen.add(id);
          const forms = fingerprintValue(key, value, minLength);
          if (forms === undefined) {
            shortValues++;
            continue;
          }
          fingerprints.push({ mount: v.mount, path: v.path, key: name, version: v.version, current_version: v.currentVersion, forms });
        }
      }
    },
  );
  return {
    data: {
      algorithm: 'hmac-sha256',
      hmac_key: key.encoded,
      min_length: minLength,
      secrets: walk.secrets,
      truncated: walk.truncated,
      skipped: {
        short_values: shortValues,
        unlistable_folders: walk.unlistableFolders,
        unreadable_secrets: walk.unreadableSecrets,
      },
      fingerprints,
    },
    ...(walk.truncated ? { warnings: [`stopped after ${walk.secrets} secrets (max_secrets); narrow the request with "mounts" or "paths", or raise max_secrets`] } : {}),
  };
}

async function rotateLeaked(req: SysRequest): Promise<CoreResponse> {
  const { mount, path, key } = req.data;
  if (typeof mount !== 'string' || mount === '') throw new HushError('bad_request', '"mount" is required');
  if (typeof path !== 'string' || path === '' || path.split('/').some((s) => s === '.' || s === '..')) {
    throw new HushError('bad_request', '"path" is required and must be a secret path below the mount');
  }
  if (typeof key !== 'string' || key === '') throw new HushError('bad_request', '"key" is required');
  const version = intIn(req.data, 'version', 1, Number.MAX_SAFE_INTEGER, 0);
  if (version === 0) throw new HushError('bad_request', '"version" is required');
  const acl = await callerAcl(req);
  const { warnings, ...result } = await rotateLeakedValue(req.services, acl, { mount, path: path.replace(/^\/+/, ''), key, version });
  return { data: result, ...(warnings.length > 0 ? { warnings } : {}) };
}

export const secretFingerprintRoutes = defineSysRoutes([
  {
    pattern: /^hush\/secret-fingerprints$/,
    summary: 'Keyed fingerprints (never values) of the KV values the calling token may read.',
    anyToken: true,
    operations: { update: secretFingerprints },
  },
  {
    pattern: /^hush\/rotate-leaked$/,
    summary: 'Replace a leaked KV v2 value with a fresh one of the same shape (check-and-set on the leaked version).',
    anyToken: true,
    operations: { update: rotateLeaked },
  },
]);
