/**
 * @module KV v2 paths for bookkeeping: `metadata/:path` (read, write, patch, delete of all
 * versions, list of a folder) and the mount-wide `config`.
 */
import { notFound } from '../../lib/errors.js';
import type { EngineRequest, EngineResponse } from '../engine.js';
import { definePath } from '../path-table.js';
import type { PathDeclaration } from '../path-table.js';
import { parseDurationMs } from '../../lib/duration.js';
import {
  boolField,
  checkKeyPath,
  customMetadataField,
  existingKeyPath,
  folderPath,
  intField,
  isMergePatch,
  mergePatchRequired,
} from './kv-params.js';
import { configResponse, metadataResponse, newKeyMetadata } from './kv-v2-metadata.js';
import type { KeyMetadata } from './kv-v2-metadata.js';
import { deleteMetaOp, deleteVersionOp, putMetaOp } from './kv-v2-store.js';
import type { KvV2Store } from './kv-v2-store.js';
import { formatRfc3339Nano, now } from './kv-timestamp.js';
import { applyMergePatch } from './merge-patch.js';

/** The settings a metadata or config write may carry; absent fields are left unchanged. */
interface SettingsChange {
  readonly max_versions?: number;
  readonly cas_required?: boolean;
  readonly delete_version_after_ms?: number;
}

function settingsChange(req: EngineRequest): SettingsChange {
  const change: { -readonly [K in keyof SettingsChange]: SettingsChange[K] } = {};
  const maxVersions = intField(req.data['max_versions'], 'max_versions');
  if (maxVersions !== undefined) change.max_versions = maxVersions;
  const casRequired = boolField(req.data['cas_required'], 'cas_required');
  if (casRequired !== undefined) change.cas_required = casRequired;
  const dva = req.data['delete_version_after'];
  if (dva !== undefined && dva !== null) change.delete_version_after_ms = parseDurationMs(dva, 'delete_version_after');
  return change;
}

/** The validated fields of a metadata write or patch; `undefined` when the body has none. */
interface MetadataChange {
  readonly settings: SettingsChange;
  readonly customMetadata?: Record<string, string | null>;
}

function metadataChange(req: EngineRequest, merge: boolean): MetadataChange | undefined {
  const settings = settingsChange(req);
  const raw = req.data['custom_metadata'];
  const customMetadata = raw === undefined || raw === null ? undefined : customMetadataField(raw, merge);
  if (Object.keys(settings).length === 0 && customMetadata === undefined) return undefined;
  return customMetadata === undefined ? { settings } : { settings, customMetadata };
}

function applyMetadataChange(meta: KeyMetadata, change: MetadataChange, merge: boolean): void {
  Object.assign(meta, change.settings);
  if (change.customMetadata === undefined) return;
  const next = merge ? applyMergePatch(meta.custom_metadata ?? {}, change.customMetadata) : change.customMetadata;
  meta.custom_metadata = next as Record<string, string>;
}

const CAS_IGNORED = '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';

export function createMetadataPaths(store: KvV2Store): PathDeclaration[] {
  const write = (merge: boolean) =>
    async (req: EngineRequest, params: Readonly<Record<string, string>>): Promise<EngineResponse> => {
      if (merge && !isMergePatch(req)) return mergePatchRequired();
      const key = merge ? existingKeyPath(params['path']) : checkKeyPath(params['path'] ?? '');
      // Every field is validated before the lock, so a bad request changes nothing.
      const change = metadataChange(req, merge);
      return store.withKey(key, async () => {
        const existing = await store.meta(key);
        if (!existing && merge) throw notFound();
        if (!change) return {};
        const meta = existing ?? newKeyMetadata(formatRfc3339Nano(now()));
        applyMetadataChange(meta, change, merge);
        await store.commit([putMetaOp(key, meta)]);
        const ignored = change.settings.cas_required === false && (await store.config()).cas_required;
        return ignored ? { warnings: [CAS_IGNORED] } : {};
      });
    };

  return [
    definePath({
      pattern: /^metadata(?:\/(?<path>.*))?$/,
      summary: 'Read, write, patch or delete the metadata and all versions of a secret; list keys.',
      operations: {
        read: async (_req, params) => {
          const meta = await store.sharedMeta(existingKeyPath(params['path']));
          if (!meta) throw notFound();
          return { data: metadataResponse(meta) };
        },
        update: write(false),
        patch: write(true),
        delete: async (_req, params) => {
          const key = existingKeyPath(params['path']);
          return store.withKey(key, async () => {
            const meta = await store.meta(key);
            if (!meta) return {};
            const versions = Object.keys(meta.versions).map(Number);
            await store.commit([
              ...versions.map((v) => deleteVersionOp(key, v)),
              deleteMetaOp(key),
            ]);
            return {};
          });
        },
        list: async (_req, params) => {
          const keys = await store.listMeta(folderPath(params['path'] ?? ''));
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    }),
    definePath({
      pattern: /^config$/,
      summary: 'Read or write the mount-wide defaults: max_versions, cas_required, delete_version_after.',
      operations: {
        read: async () => ({ data: configResponse(await store.config()) }),
        update: async (req) => {
          const change = settingsChange(req);
          return store.withConfig(async () => {
            await store.putConfig({ ...(await store.config()), ...change });
            return {};
          });
        },
      },
    }),
  ];
}
