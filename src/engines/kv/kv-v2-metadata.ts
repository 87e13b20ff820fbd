/**
 * @module KV v2 bookkeeping, pure and storage-free: the per-key metadata document, the mount's
 * `config`, the rules that combine them (effective `max_versions`, `delete_version_after`,
 * check-and-set) and the response shapes Vault clients read (`hvac`'s
 * `read_secret_version()['data']['metadata']`, `read_secret_metadata()['data']`).
 */
import { HushError, badRequest } from '../../lib/errors.js';
import { formatDurationMs } from '../../lib/duration.js';
import { addMs, formatRfc3339Nano, parseRfc3339Ms } from './kv-timestamp.js';
import type { Instant } from './kv-timestamp.js';

/** Vault keeps ten versions when neither the key nor the mount says otherwise. */
export const DEFAULT_MAX_VERSIONS = 10;

export interface VersionMetadata {
  readonly created_time: string;
  /** `''` while live; a past time once soft-deleted; a future time when `delete_version_after`
   * schedules the deletion. */
  deletion_time: string;
  destroyed: boolean;
}

/** Stored at `meta/<path>`. `versions` holds every version from `oldest_version` on. */
export interface KeyMetadata {
  readonly created_time: string;
  updated_time: string;
  current_version: number;
  /** 0 until versions have been pruned by `max_versions`, as in Vault. */
  oldest_version: number;
  /** 0 = use the mount's setting. */
  max_versions: number;
  cas_required: boolean;
  /** 0 = use the mount's setting. */
  delete_version_after_ms: number;
  custom_metadata: Record<string, string> | null;
  versions: Record<string, VersionMetadata>;
}

/** Stored at `config`; the mount-wide defaults of `<mount>/config`. */
export interface KvV2Config {
  readonly max_versions: number;
  readonly cas_required: boolean;
  readonly delete_version_after_ms: number;
}

export const defaultKvV2Config: KvV2Config = Object.freeze({
  max_versions: 0,
  cas_required: false,
  delete_version_after_ms: 0,
});

export function newKeyMetadata(at: string): KeyMetadata {
  return {
    created_time: at,
    updated_time: at,
    current_version: 0,
    oldest_version: 0,
    max_versions: 0,
    cas_required: false,
    delete_version_after_ms: 0,
    custom_metadata: null,
    versions: {},
  };
}

/** The larger of the key's and the mount's `max_versions` (as current Vault does), or
 * {@link DEFAULT_MAX_VERSIONS} when neither is set. */
export function effectiveMaxVersions(meta: KeyMetadata, config: KvV2Config): number {
  const larger = Math.max(meta.max_versions, config.max_versions);
  return larger > 0 ? larger : DEFAULT_MAX_VERSIONS;
}

/** The key's `delete_version_after`, capped by the mount's when both are set; 0 = never. */
export function effectiveDeleteVersionAfterMs(meta: KeyMetadata, config: KvV2Config): number {
  const own = meta.delete_version_after_ms;
  const mount = config.delete_version_after_ms;
  if (own > 0 && mount > 0) return Math.min(own, mount);
  return own > 0 ? own : mount;
}

/** Enforces `options.cas` and `cas_required` before a new version is written. */
export function checkCas(meta: KeyMetadata, config: KvV2Config, cas: number | undefined): void {
  if (cas === undefined) {
    if (config.cas_required || meta.cas_required) {
      throw badRequest('check-and-set parameter required for this call');
    }
    return;
  }
  if (cas !== meta.current_version) {
    throw new HushError('conflict', 'check-and-set parameter did not match the current version');
  }
}

/** True when the version is soft-deleted now (its deletion time has passed). */
export function isDeleted(vm: VersionMetadata, nowMs: number): boolean {
  return vm.deletion_time !== '' && parseRfc3339Ms(vm.deletion_time) <= nowMs;
}

/** True when the version's data cannot be read: destroyed or soft-deleted. */
export function isUnreadable(vm: VersionMetadata, nowMs: number): boolean {
  return vm.destroyed || isDeleted(vm, nowMs);
}

/**
 * Adds version `current_version + 1` to `meta` (modified in place) and prunes versions beyond
 * the effective `max_versions`. Returns the new version and the pruned version numbers, whose
 * data the caller deletes in the same transaction.
 */
export function addVersion(
  meta: KeyMetadata,
  config: KvV2Config,
  at: Instant,
): { version: number; vm: VersionMetadata; pruned: number[] } {
  const createdTime = formatRfc3339Nano(at);
  const dva = effectiveDeleteVersionAfterMs(meta, config);
  const version = meta.current_version + 1;
  const vm: VersionMetadata = {
    created_time: createdTime,
    deletion_time: dva > 0 ? formatRfc3339Nano(addMs(at, dva)) : '',
    destroyed: false,
  };
  meta.versions[String(version)] = vm;
  meta.current_version = version;
  meta.updated_time = createdTime;
  return { version, vm, pruned: pruneVersions(meta, config) };
}

/**
 * Drops versions older than the newest `max_versions` from `meta`; returns their numbers.
 * `oldest_version` moves as in Vault: it stays 0 until the window is full, then names the
 * oldest version kept.
 */
export function pruneVersions(meta: KeyMetadata, config: KvV2Config): number[] {
  const keepFrom = meta.current_version - effectiveMaxVersions(meta, config) + 1;
  if (keepFrom <= meta.oldest_version) return [];
  const pruned = Object.keys(meta.versions)
    .map(Number)
    .filter((v) => v < keepFrom)
    .sort((a, b) => a - b);
  for (const v of pruned) delete meta.versions[String(v)];
  meta.oldest_version = keepFrom;
  return pruned;
}

/** `data.metadata` of a data read or write response. */
export function versionResponse(meta: KeyMetadata, version: number, vm: VersionMetadata): Record<string, unknown> {
  return {
    created_time: vm.created_time,
    custom_metadata: meta.custom_metadata,
    deletion_time: vm.deletion_time,
    destroyed: vm.destroyed,
    version,
  };
}

/** Version responses of shared (frozen) metadata, made once per metadata object and version. */
const sharedResponses = new WeakMap<Readonly<KeyMetadata>, Map<number, Readonly<Record<string, unknown>>>>();

/**
 * {@link versionResponse} for metadata the store shares between reads: the same frozen object
 * for every read of the same version while the metadata is unchanged, so the audit log hashes
 * it once (see `lib/decoded-cache.ts`). Metadata that is not frozen gets a fresh response.
 */
export function sharedVersionResponse(meta: Readonly<KeyMetadata>, version: number, vm: Readonly<VersionMetadata>): Readonly<Record<string, unknown>> {
  if (!Object.isFrozen(meta)) return versionResponse(meta, version, vm);
  let byVersion = sharedResponses.get(meta);
  if (byVersion === undefined) sharedResponses.set(meta, (byVersion = new Map()));
  let response = byVersion.get(version);
  if (response === undefined) byVersion.set(version, (response = Object.freeze(versionResponse(meta, version, vm))));
  return response;
}

/** Read bodies made of a shared version's data and its shared metadata response, by the data. */
const sharedBodies = new WeakMap<object, { readonly metadata: object; readonly body: Readonly<Record<string, unknown>> }>();

/**
 * The `data` of a version read, `{data, metadata}`: for the store's shared (frozen) data and a
 * {@link sharedVersionResponse}, one frozen object for every read until either changes, so the
 * audit log hashes and serialises the whole body once (see `audit/audit-hmac.ts`).
 */
export function versionReadBody(data: Readonly<Record<string, unknown>>, metadata: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (!Object.isFrozen(data) || !Object.isFrozen(metadata)) return { data, metadata };
  const known = sharedBodies.get(data);
  if (known !== undefined && known.metadata === metadata) return known.body;
  const body = Object.freeze({ data, metadata });
  sharedBodies.set(data, { metadata, body });
  return body;
}

/** `data` of a `metadata/:path` read. */
export function metadataResponse(meta: KeyMetadata): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const v of Object.keys(meta.versions).map(Number).sort((a, b) => a - b)) {
    const vm = meta.versions[String(v)];
    if (vm) versions[String(v)] = { created_time: vm.created_time, deletion_time: vm.deletion_time, destroyed: vm.destroyed };
  }
  return {
    cas_required: meta.cas_required,
    created_time: meta.created_time,
    current_version: meta.current_version,
    custom_metadata: meta.custom_metadata,
    delete_version_after: formatDurationMs(meta.delete_version_after_ms),
    max_versions: meta.max_versions,
    oldest_version: meta.oldest_version,
    updated_time: meta.updated_time,
    versions,
  };
}

/** `data` of a `config` read. */
export function configResponse(config: KvV2Config): Record<string, unknown> {
  return {
    cas_required: config.cas_required,
    delete_version_after: formatDurationMs(config.delete_version_after_ms),
    max_versions: config.max_versions,
  };
}
