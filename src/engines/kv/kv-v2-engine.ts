/**
 * @module KV version 2: versioned secrets with check-and-set, soft delete, undelete, destroy,
 * per-key metadata and mount-wide config, answering the paths and shapes of Vault's KV v2 API
 * (`data/`, `delete/`, `undelete/`, `destroy/`, `metadata/`, `subkeys/`, `config`).
 */
import type { Storage } from '../../storage/storage.js';
import type { SecretsEngine } from '../engine.js';
import { dispatch } from '../path-table.js';
import { createDataPaths } from './kv-v2-data-paths.js';
import { createMetadataPaths } from './kv-v2-metadata-paths.js';
import { KvV2Store } from './kv-v2-store.js';

export interface KvV2EngineOptions {
  readonly view: Storage;
}

export function createKvV2Engine(options: KvV2EngineOptions): SecretsEngine {
  const store = new KvV2Store(options.view);
  const table = [...createDataPaths(store), ...createMetadataPaths(store)];
  return {
    handle: (req) => dispatch(table, req),
    async exists(path) {
      if (path === 'config') return true;
      const m = /^(?:data|metadata)\/(?<key>.+)$/.exec(path);
      const key = m?.groups?.['key'];
      return key !== undefined && (await store.sharedMeta(key)) !== undefined;
    },
    async close() {
      store.close();
    },
  };
}
