/**
 * @module The KV v2 storage layout over a mount's view, and the per-key lock. See README.md:
 *
 * - `config`                 the mount's {@link KvV2Config} (JSON)
 * - `meta/<path>`            the key's {@link KeyMetadata} (JSON); listing `meta/<folder>/`
 *                            answers `LIST metadata/<folder>/`
 * - `versions/<path>/<n>`    the data object of version n (JSON); absent once destroyed or pruned
 *
 * Every change to a key (new version, delete, destroy, metadata) runs under the key's lock and
 * is written with one `transaction`, so metadata and version data never disagree.
 */
import type { Storage, StorageOp } from '../../storage/storage.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { KeyLock } from './key-lock.js';
import { defaultKvV2Config } from './kv-v2-metadata.js';
import type { KeyMetadata, KvV2Config, VersionMetadata } from './kv-v2-metadata.js';
import type { JsonObject } from './merge-patch.js';
import { DecodedCache } from '../../lib/decoded-cache.js';

const CONFIG_KEY = 'config';
/** Lock name for the mount config; cannot collide with a key path (those never start with `/`). */
const CONFIG_LOCK = '/config';

export const metaKey = (path: string): string => `meta/${path}`;
export const metaFolderKey = (folder: string): string => `meta/${folder}`;
export const versionKey = (path: string, version: number): string => `versions/${path}/${version}`;

export class KvV2Store {
  readonly #view: Storage;
  readonly #lock = new KeyLock();
  /** Version data and metadata as readers share them (see `lib/decoded-cache.ts`). */
  readonly #decoded = new DecodedCache();

  constructor(view: Storage) {
    this.#view = view;
  }

  async config(): Promise<KvV2Config> {
    const stored = await this.#shared<Partial<KvV2Config>>(CONFIG_KEY, '');
    return stored === undefined ? defaultKvV2Config : { ...defaultKvV2Config, ...stored };
  }

  /** The key's metadata, a fresh copy the caller may change (and commit). */
  async meta(path: string): Promise<KeyMetadata | undefined> {
    const shared = await this.sharedMeta(path);
    return shared === undefined ? undefined : copyMeta(shared);
  }

  /** The key's metadata for reading only: decoded once and then shared, frozen. */
  async sharedMeta(path: string): Promise<Readonly<KeyMetadata> | undefined> {
    return this.#shared<KeyMetadata>(metaKey(path), '');
  }

  /**
   * The data of `version` of `path`, created at `createdTime` (its metadata's `created_time`):
   * decoded once and then shared, frozen.
   */
  async versionData(path: string, version: number, createdTime: string): Promise<Readonly<JsonObject> | undefined> {
    return this.#shared<JsonObject>(versionKey(path, version), createdTime);
  }

  #shared<T extends object>(key: string, stamp: string): Promise<Readonly<T> | undefined> {
    return this.#decoded.read(key, stamp, () => this.#view.get(key), (bytes) => decodeJson<T>(bytes));
  }

  async listMeta(folder: string): Promise<string[]> {
    return this.#view.list(metaFolderKey(folder));
  }

  /**
   * Writes `ops` in one transaction. Entries they touch are forgotten before it runs and again
   * after, so that no read overlapping it keeps what it replaces or removes. `meta`, the metadata
   * a put among `ops` stores for `path`, is then kept as read from now on (it becomes frozen):
   * the next write or read of the key starts from it instead of decoding what was just encoded.
   * The caller holds the key's lock, so no other write of that metadata can land in between.
   */
  async commit(ops: readonly StorageOp[], meta?: { readonly path: string; readonly value: KeyMetadata }): Promise<void> {
    if (ops.length === 0) return;
    const keys = ops.map((op) => op.key);
    await this.#decoded.writing(keys, () => this.#view.transaction(ops));
    if (meta === undefined) return;
    const key = metaKey(meta.path);
    const op = ops.find((o) => o.key === key);
    if (op?.kind === 'put') this.#decoded.keepWritten(key, '', meta.value, op.value.length);
  }

  /** Forgets every shared entry (the engine is closing). */
  close(): void {
    this.#decoded.clear();
  }

  async putConfig(config: KvV2Config): Promise<void> {
    await this.commit([{ kind: 'put', key: CONFIG_KEY, value: encodeJson(config) }]);
  }

  /** Runs `fn` holding the lock of key `path`. */
  withKey<T>(path: string, fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(path, fn);
  }

  /** Runs `fn` holding the lock of the mount config. */
  withConfig<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(CONFIG_LOCK, fn);
  }
}

/** A copy of `meta` that shares nothing with it (the shared one is frozen). */
function copyMeta(meta: Readonly<KeyMetadata>): KeyMetadata {
  const versions: Record<string, VersionMetadata> = {};
  for (const [n, vm] of Object.entries(meta.versions)) versions[n] = { ...vm };
  return { ...meta, custom_metadata: meta.custom_metadata === null ? null : { ...meta.custom_metadata }, versions };
}

export const putMetaOp = (path: string, meta: KeyMetadata): StorageOp => ({
  kind: 'put',
  key: metaKey(path),
  value: encodeJson(meta),
});

export const deleteMetaOp = (path: string): StorageOp => ({ kind: 'delete', key: metaKey(path) });

export const putVersionOp = (path: string, version: number, data: JsonObject): StorageOp => ({
  kind: 'put',
  key: versionKey(path, version),
  value: encodeJson(data),
});

export const deleteVersionOp = (path: string, version: number): StorageOp => ({
  kind: 'delete',
  key: versionKey(path, version),
});
