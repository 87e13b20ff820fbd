/**
 * @module KV v2 paths that touch version data: `data/:path` (read, write, patch, soft delete of
 * the latest version), `delete/:path`, `undelete/:path`, `destroy/:path` and `subkeys/:path`.
 *
 * A soft-deleted or destroyed version reads as 404 *with* a body (`{data: null, metadata}`),
 * as Vault answers; a key or version that never existed (or was pruned) is a bare 404.
 */
import { notFound } from '../../lib/errors.js';
import type { EngineRequest, EngineResponse } from '../engine.js';
import { definePath } from '../path-table.js';
import type { PathDeclaration } from '../path-table.js';
import {
  casOption,
  checkKeyPath,
  dataField,
  existingKeyPath,
  field,
  intField,
  isMergePatch,
  mergePatchRequired,
  versionsField,
} from './kv-params.js';
import {
  addVersion,
  checkCas,
  isDeleted,
  isUnreadable,
  newKeyMetadata,
  sharedVersionResponse,
  versionReadBody,
  versionResponse,
} from './kv-v2-metadata.js';
import type { KeyMetadata, KvV2Config, VersionMetadata } from './kv-v2-metadata.js';
import { deleteVersionOp, putMetaOp, putVersionOp } from './kv-v2-store.js';
import type { KvV2Store } from './kv-v2-store.js';
import { formatRfc3339Nano, now } from './kv-timestamp.js';
import type { Instant } from './kv-timestamp.js';
import { applyMergePatch, isPlainObject } from './merge-patch.js';
import type { JsonObject } from './merge-patch.js';

/** What a read found: shared, frozen entries of the store. */
interface VersionRead {
  readonly meta: Readonly<KeyMetadata>;
  readonly version: number;
  readonly vm: Readonly<VersionMetadata>;
  /** Undefined when the version is soft-deleted or destroyed. */
  readonly data: Readonly<JsonObject> | undefined;
}

export function createDataPaths(store: KvV2Store): PathDeclaration[] {
  async function readVersion(req: EngineRequest, key: string): Promise<VersionRead> {
    const meta = await store.sharedMeta(key);
    if (!meta) throw notFound();
    const requested = intField(field(req, 'version'), 'version') ?? 0;
    const version = requested === 0 ? meta.current_version : requested;
    const vm = meta.versions[String(version)];
    if (!vm) throw notFound();
    if (isUnreadable(vm, Date.now())) return { meta, version, vm, data: undefined };
    const data = await store.versionData(key, version, vm.created_time);
    if (!data) throw notFound();
    return { meta, version, vm, data };
  }

  async function commitVersion(
    key: string,
    meta: KeyMetadata,
    config: KvV2Config,
    data: JsonObject,
    at: Instant,
  ): Promise<EngineResponse> {
    const { version, vm, pruned } = addVersion(meta, config, at);
    await store.commit(
      [putVersionOp(key, version, data), ...pruned.map((v) => deleteVersionOp(key, v)), putMetaOp(key, meta)],
      { path: key, value: meta },
    );
    return { data: versionResponse(meta, version, vm) };
  }

  /** Applies `change` to the listed versions of an existing key and saves the metadata. */
  async function changeVersions(
    req: EngineRequest,
    params: Readonly<Record<string, string>>,
    change: (vm: VersionMetadata, version: number, at: string) => 'deleteData' | boolean,
  ): Promise<EngineResponse> {
    const key = existingKeyPath(params['path']);
    const versions = versionsField(field(req, 'versions'));
    return store.withKey(key, async () => {
      const meta = await store.meta(key);
      if (!meta) return {};
      const at = formatRfc3339Nano(now());
      const ops = [];
      let changed = false;
      for (const version of new Set(versions)) {
        const vm = meta.versions[String(version)];
        if (!vm) continue;
        const result = change(vm, version, at);
        if (result === 'deleteData') ops.push(deleteVersionOp(key, version));
        changed ||= result !== false;
      }
      if (changed) await store.commit([...ops, putMetaOp(key, meta)]);
      return {};
    });
  }

  const softDelete = (vm: VersionMetadata, _v: number, at: string): boolean => {
    if (vm.destroyed || isDeleted(vm, Date.now())) return false;
    vm.deletion_time = at;
    return true;
  };

  return [
    definePath({
      pattern: /^data\/(?<path>.+)$/,
      summary: 'Read, write, patch or soft-delete the versions of a secret.',
      operations: {
        read: async (req, params) => {
          const found = await readVersion(req, existingKeyPath(params['path']));
          const metadata = sharedVersionResponse(found.meta, found.version, found.vm);
          if (found.data === undefined) return { status: 404, data: { data: null, metadata } };
          return { data: versionReadBody(found.data, metadata) };
        },
        update: async (req, params) => {
          const key = checkKeyPath(params['path'] ?? '');
          const data = dataField(req);
          const cas = casOption(req);
          return store.withKey(key, async () => {
            const config = await store.config();
            const at = now();
            const meta = (await store.meta(key)) ?? newKeyMetadata(formatRfc3339Nano(at));
            checkCas(meta, config, cas);
            return commitVersion(key, meta, config, data, at);
          });
        },
        patch: async (req, params) => {
          if (!isMergePatch(req)) return mergePatchRequired();
          const key = existingKeyPath(params['path']);
          const patch = dataField(req);
          const cas = casOption(req);
          return store.withKey(key, async () => {
            const config = await store.config();
            const meta = await store.meta(key);
            if (!meta) throw notFound();
            checkCas(meta, config, cas);
            const vm = meta.versions[String(meta.current_version)];
            if (!vm) throw notFound();
            // Like a read, a deleted or destroyed latest version answers 404 with its metadata.
            if (isUnreadable(vm, Date.now())) {
              return { status: 404, data: versionResponse(meta, meta.current_version, vm) };
            }
            const current = await store.versionData(key, meta.current_version, vm.created_time);
            if (!current) throw notFound();
            const merged = applyMergePatch(current, patch);
            return commitVersion(key, meta, config, isPlainObject(merged) ? merged : {}, now());
          });
        },
        delete: async (_req, params) => {
          const key = existingKeyPath(params['path']);
          return store.withKey(key, async () => {
            const meta = await store.meta(key);
            const vm = meta?.versions[String(meta.current_version)];
            if (!meta || !vm || !softDelete(vm, meta.current_version, formatRfc3339Nano(now()))) return {};
            await store.commit([putMetaOp(key, meta)]);
            return {};
          });
        },
      },
    }),
    definePath({
      pattern: /^delete\/(?<path>.+)$/,
      summary: 'Soft-delete the given versions of a secret.',
      operations: { update: (req, params) => changeVersions(req, params, softDelete) },
    }),
    definePath({
      pattern: /^undelete\/(?<path>.+)$/,
      summary: 'Restore the given soft-deleted versions of a secret.',
      operations: {
        update: (req, params) =>
          changeVersions(req, params, (vm) => {
            if (vm.destroyed || vm.deletion_time === '') return false;
            vm.deletion_time = '';
            return true;
          }),
      },
    }),
    definePath({
      pattern: /^destroy\/(?<path>.+)$/,
      summary: 'Permanently remove the data of the given versions of a secret.',
      operations: {
        update: (req, params) =>
          changeVersions(req, params, (vm) => {
            if (vm.destroyed) return false;
            vm.destroyed = true;
            return 'deleteData';
          }),
      },
    }),
    definePath({
      pattern: /^subkeys\/(?<path>.+)$/,
      summary: 'Read the structure of a secret with its leaf values replaced by null.',
      operations: {
        read: async (req, params) => {
          const depth = intField(field(req, 'depth'), 'depth') ?? 0;
          const found = await readVersion(req, existingKeyPath(params['path']));
          const metadata = sharedVersionResponse(found.meta, found.version, found.vm);
          if (found.data === undefined) return { status: 404, data: { subkeys: null, metadata } };
          return { data: { subkeys: subkeysOf(found.data, depth, 1), metadata } };
        },
      },
    }),
  ];
}

/** The keys of `data` down to `depth` (0 = all levels); leaves and empty objects become null. */
export function subkeysOf(data: JsonObject, depth: number, level: number): JsonObject {
  const result: JsonObject = {};
  for (const [name, value] of Object.entries(data)) {
    const nested = isPlainObject(value) && Object.keys(value).length > 0 && (depth === 0 || level < depth);
    result[name] = nested ? subkeysOf(value, depth, level + 1) : null;
  }
  return result;
}
