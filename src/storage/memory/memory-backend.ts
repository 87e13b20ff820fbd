/**
 * @module The in-memory storage backend, for tests and `--dev-inmem`. Values are copied on the
 * way in and out so callers cannot change stored bytes by mutating their arrays.
 */
import { HushError } from '../../lib/errors.js';
import type { StorageBackend, StorageOp } from '../storage.js';
import {
  assertListPrefix,
  assertStorageKey,
  assertStorageOps,
  assertStorageValue,
  collectListNames,
} from '../storage-keys.js';

/** Creates an empty in-memory backend; everything is lost on `close`. */
export function createMemoryBackend(): StorageBackend {
  const data = new Map<string, Uint8Array>();
  let closed = false;

  const open = (): void => {
    if (closed) throw new HushError('unavailable', 'storage backend is closed');
  };

  return {
    kind: 'memory',
    async get(key: string) {
      open();
      assertStorageKey(key);
      const value = data.get(key);
      return value === undefined ? undefined : value.slice();
    },
    async put(key: string, value: Uint8Array) {
      open();
      assertStorageKey(key);
      assertStorageValue(value);
      data.set(key, value.slice());
    },
    async delete(key: string) {
      open();
      assertStorageKey(key);
      data.delete(key);
    },
    async list(prefix: string) {
      open();
      assertListPrefix(prefix);
      return collectListNames(prefix, data.keys());
    },
    async transaction(ops: readonly StorageOp[]) {
      open();
      assertStorageOps(ops);
      for (const op of ops) {
        if (op.kind === 'put') data.set(op.key, op.value.slice());
        else data.delete(op.key);
      }
    },
    async close() {
      closed = true;
      data.clear();
    },
  };
}
