/**
 * @module Rotates one leaked value of a KV v2 secret: writes a new version in which the leaked
 * key holds a fresh random value shaped like the old one ({@link replacementValue}) and every
 * other key is kept, then notes the rotation in the secret's `custom_metadata`.
 *
 * The write is a check-and-set on the version the leak was found in, so a stale finding (the
 * secret changed since the scan, or a second rotation of the same finding) is refused instead of
 * overwriting someone's newer version. The caller needs `read` and `update` on the data path, as
 * doing it by hand would (and `patch` on the metadata path for the note); the value is generated
 * and stays on the server, so no response carries it.
 */
import { randomUUID } from 'node:crypto';
import { HushError, isHushError } from '../../lib/errors.js';
import type { Acl } from '../../policy/acl.js';
import type { EngineRequest, EngineResponse, SecretsEngine } from '../../engines/engine.js';
import type { CoreServices } from '../core-services.js';
import { normalizeMountPath } from '../router/mount-table.js';
import type { MountEntry } from '../router/mount-table.js';
import { replacementValue } from './replacement-value.js';

export interface RotationRequest {
  /** Mount path, `secret` or `secret/`. */
  readonly mount: string;
  /** Secret path below the mount. */
  readonly path: string;
  /** Top-level key whose value leaked. */
  readonly key: string;
  /** Version the leaked value was found in; must still be the current one. */
  readonly version: number;
}

export interface RotationResult {
  readonly mount: string;
  readonly path: string;
  readonly key: string;
  readonly leaked_version: number;
  readonly version: number;
  readonly length: number;
  readonly warnings: string[];
}

/** Prefix of the custom_metadata key recording a rotation (`hush_rotated_<key>`). */
export const ROTATED_METADATA_PREFIX = 'hush_rotated_';
/** custom_metadata keys are limited to 128 characters. */
const METADATA_KEY_MAX = 128;

type Services = Pick<CoreServices, 'mounts' | 'engineFor'>;

export async function rotateLeakedValue(services: Services, acl: Acl, req: RotationRequest): Promise<RotationResult> {
  const mountPath = normalizeMountPath(req.mount);
  const entry = services.mounts().get(mountPath);
  const engine = entry === undefined || entry.type !== 'kv' ? undefined : services.engineFor(entry);
  if (entry === undefined || engine === undefined) throw new HushError('bad_request', `"${mountPath}" is not a KV mount`);
  const name = `${mountPath}${req.path}`;
  if (entry.options['version'] !== '2') {
    throw new HushError('bad_request', `${name} is in a KV version 1 mount, which keeps no versions to check against: write a new value by hand`);
  }
  // Rotating reads the current version (and answers with facts about it: its version, the old
  // value's length) and writes the next: both rights, as doing it by hand would need.
  const dataPath = `${mountPath}data/${req.path}`;
  const missing = (['read', 'update'] as const).filter((op) => !acl.allowOperation(dataPath, op).allowed);
  if (missing.length > 0) {
    throw new HushError('permission_denied', `permission denied: rotating ${name} needs ${missing.map((op) => `"${op}"`).join(' and ')} on ${dataPath}`);
  }

  const current = await call(engine, entry, { operation: 'read', path: `data/${req.path}` }).catch((err: unknown) => {
    if (isHushError(err, 'not_found')) throw new HushError('not_found', `${name} does not exist (any more)`);
    throw err;
  });
  const meta = current.data?.['metadata'] as { version?: unknown } | undefined;
  const currentVersion = typeof meta?.version === 'number' ? meta.version : 0;
  if (currentVersion !== req.version) {
    throw new HushError('conflict', `${name} is at version ${currentVersion}, not ${req.version}: the leaked version is no longer current; scan again to see whether the current version still holds the leaked value`);
  }
  const data = (current.status ?? 200) < 300 ? (current.data?.['data'] as Record<string, unknown> | null | undefined) : undefined;
  if (data === undefined || data === null) throw new HushError('conflict', `the current version of ${name} is deleted`);
  const old = data[req.key];
  if (typeof old !== 'string') throw new HushError('bad_request', `${name} version ${req.version} has no string value under "${req.key}"`);

  const fresh = replacementValue(old);
  let written: EngineResponse;
  try {
    written = await call(engine, entry, {
      operation: 'update',
      path: `data/${req.path}`,
      data: { options: { cas: req.version }, data: { ...data, [req.key]: fresh } },
    });
  } catch (err) {
    // Someone wrote between our read and our write: the check-and-set refused it.
    if (isHushError(err, 'conflict')) throw new HushError('conflict', `${name} changed while rotating (no longer version ${req.version}); scan again`);
    throw err;
  }
  const newVersion = Number(written.data?.['version'] ?? 0);

  const warning = await noteRotation(engine, entry, acl, req, newVersion);
  const warnings = warning === undefined ? [] : [warning];
  return { mount: mountPath, path: req.path, key: req.key, leaked_version: req.version, version: newVersion, length: fresh.length, warnings };
}

/** Records the rotation in the secret's custom_metadata; a warning when it cannot (the caller may
 * not patch metadata, or custom_metadata is full), since the new version is written anyway. */
async function noteRotation(
  engine: SecretsEngine,
  entry: MountEntry,
  acl: Acl,
  req: RotationRequest,
  newVersion: number,
): Promise<string | undefined> {
  const notWritten = `version ${newVersion} written, but the rotation was not noted in custom_metadata`;
  const metadataPath = `${entry.path}metadata/${req.path}`;
  if (!acl.allowOperation(metadataPath, 'patch').allowed) return `${notWritten}: that needs "patch" on ${metadataPath}`;
  const metaKey = (ROTATED_METADATA_PREFIX + req.key).slice(0, METADATA_KEY_MAX);
  const note = `leaked version ${req.version} replaced by version ${newVersion} at ${new Date().toISOString()}`;
  try {
    await call(engine, entry, {
      operation: 'patch',
      path: `metadata/${req.path}`,
      data: { custom_metadata: { [metaKey]: note } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    return undefined;
  } catch (err) {
    // A full custom_metadata (64 keys) must not undo the rotation.
    if (!isHushError(err, 'bad_request')) throw err;
    return `${notWritten}: ${err.message}`;
  }
}

function call(engine: SecretsEngine, mount: MountEntry, req: Pick<EngineRequest, 'operation' | 'path'> & Partial<EngineRequest>): Promise<EngineResponse> {
  return engine.handle({ id: randomUUID(), data: {}, query: {}, headers: {}, mountPoint: mount.path, ...req });
}
