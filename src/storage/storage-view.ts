/**
 * @module A storage view: the part of a storage below one prefix, as an engine or auth method
 * sees its mount. Keys are prefixed on the way down and list names come back relative, so a view
 * cannot reach outside its prefix: keys with a leading `/` or a `..` segment are refused.
 */
import { HushError } from '../lib/errors.js';
import type { Storage, StorageOp } from './storage.js';

/**
 * Returns the storage below `prefix` (`""` or ending in `/`, e.g. `logical/3f2a…/`). Keys given
 * to the view are relative to the prefix; a key that starts with `/` or has a `..` segment is
 * refused with `bad_request` before the underlying storage is touched.
 *
 * @example
 * const view = createStorageView(barrier, 'logical/kv-1/');
 * await view.put('data/myapp', bytes); // stored at logical/kv-1/data/myapp
 */
export function createStorageView(storage: Storage, prefix: string): Storage {
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.endsWith('/'))) {
    throw new HushError('internal', 'storage view prefix must be empty or end with "/"');
  }
  checkRelative(prefix, 'storage view prefix');

  const full = (key: string): string => {
    if (typeof key !== 'string' || key === '') throw new HushError('bad_request', 'storage key must be a non-empty string');
    checkRelative(key, 'storage key');
    return prefix + key;
  };

  return {
    get: (key, options) => Promise.resolve().then(() => storage.get(full(key), options)),
    put: (key, value) => Promise.resolve().then(() => storage.put(full(key), value)),
    delete: (key) => Promise.resolve().then(() => storage.delete(full(key))),
    list: (listPrefix) =>
      Promise.resolve().then(() => {
        if (typeof listPrefix !== 'string') throw new HushError('bad_request', 'list prefix must be a string');
        checkRelative(listPrefix, 'list prefix');
        return storage.list(prefix + listPrefix);
      }),
    transaction: (ops) =>
      Promise.resolve().then(() => {
        if (!Array.isArray(ops)) throw new HushError('bad_request', 'transaction operations must be an array');
        const mapped: StorageOp[] = ops.map((op: StorageOp) =>
          op.kind === 'put' ? { kind: 'put', key: full(op.key), value: op.value } : { kind: op.kind, key: full(op.key) },
        );
        return storage.transaction(mapped);
      }),
  };
}

function checkRelative(key: string, what: string): void {
  if (key.startsWith('/')) throw new HushError('bad_request', `${what} must not start with "/"`);
  if (hasDotDotSegment(key)) throw new HushError('bad_request', `${what} must not contain ".." segments`);
}

/** `key.split('/').includes('..')` without building the array (this runs on every access). */
function hasDotDotSegment(key: string): boolean {
  return key === '..' || key.startsWith('../') || key.endsWith('/..') || key.includes('/../');
}
