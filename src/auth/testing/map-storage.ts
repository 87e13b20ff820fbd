/**
 * @module A tiny Map-based {@link Storage} for the auth tests, independent of `src/storage`'s
 * backends. Keeps the contract's rules (missing key → undefined, delete twice is fine, one-level
 * sorted `list`, all-or-nothing transactions) and exposes the raw map so tests can inspect what
 * was stored.
 */
import type { Storage, StorageOp } from '../../storage/storage.js';

export interface MapStorage extends Storage {
  /** The raw contents, for assertions (e.g. "no plaintext token anywhere"). */
  readonly entries: ReadonlyMap<string, Uint8Array>;
}

export function createMapStorage(): MapStorage {
  const map = new Map<string, Uint8Array>();
  return {
    entries: map,
    async get(key) {
      const value = map.get(key);
      return value === undefined ? undefined : new Uint8Array(value);
    },
    async put(key, value) {
      map.set(key, new Uint8Array(value));
    },
    async delete(key) {
      map.delete(key);
    },
    async list(prefix) {
      const names = new Set<string>();
      for (const key of map.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.add(slash === -1 ? rest : rest.slice(0, slash + 1));
      }
      return [...names].sort();
    },
    async transaction(ops: readonly StorageOp[]) {
      for (const op of ops) {
        if (op.kind === 'put') map.set(op.key, new Uint8Array(op.value));
        else map.delete(op.key);
      }
    },
  };
}
