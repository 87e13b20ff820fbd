/**
 * @module Small helpers every storage implementation shares: checking the shape of keys and
 * list prefixes, and folding a set of keys into the one-level names `list(prefix)` returns.
 */
import { HushError } from '../lib/errors.js';
import type { StorageOp } from './storage.js';

/**
 * Throws `bad_request` unless `key` is a usable storage key: a non-empty string without a
 * leading `/`. The message never repeats the key.
 */
export function assertStorageKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new HushError('bad_request', 'storage key must be a non-empty string');
  if (key.startsWith('/')) throw new HushError('bad_request', 'storage key must not start with "/"');
}

/**
 * The longest key a write may use, in UTF-8 bytes: every backend can index it (PostgreSQL's
 * B-tree takes at most about 2.7 kB an entry, and a longer key would fail the whole group of
 * writes it went with), and a store moves between backends whole.
 */
export const MAX_STORAGE_KEY_BYTES = 2048;

/** Throws `bad_request` when `key` is too long to write (reading an older, longer key works). */
export function assertWritableKeyLength(key: string): void {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: short keys need no count
  if (key.length * 3 > MAX_STORAGE_KEY_BYTES && Buffer.byteLength(key, 'utf8') > MAX_STORAGE_KEY_BYTES) {
    throw new HushError('bad_request', `path too long: a storage key may hold at most ${MAX_STORAGE_KEY_BYTES} bytes`);
  }
}

/** Throws `bad_request` unless `prefix` is a string (normally `""` or ending in `/`). */
export function assertListPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new HushError('bad_request', 'list prefix must be a string');
  if (prefix.startsWith('/')) throw new HushError('bad_request', 'list prefix must not start with "/"');
}

/** Throws `bad_request` unless `value` is a Uint8Array (Buffers are Uint8Arrays). */
export function assertStorageValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new HushError('bad_request', 'storage value must be bytes');
}

/** Validates every operation of a transaction before anything is applied. */
export function assertStorageOps(ops: readonly StorageOp[]): void {
  if (!Array.isArray(ops)) throw new HushError('bad_request', 'transaction operations must be an array');
  for (const op of ops) {
    assertStorageKey(op.key);
    if (op.kind === 'put') assertStorageValue(op.value);
    else if (op.kind !== 'delete') throw new HushError('bad_request', 'unknown transaction operation');
  }
}

/**
 * The name `key` contributes to `list(prefix)`: the part after `prefix` up to and including the
 * first `/`, or `undefined` when `key` is not below `prefix` (or equals it).
 */
export function listNameOf(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix) || key.length === prefix.length) return undefined;
  const slash = key.indexOf('/', prefix.length);
  return slash === -1 ? key.slice(prefix.length) : key.slice(prefix.length, slash + 1);
}

/**
 * The first key after all keys of the directory `name` (a list name ending in `/`) below
 * `prefix`: a backend scanning keys in order jumps there ('0' is the character after '/'), so a
 * listing costs one step per name, not one per key below the prefix.
 */
export function keyPastDirectory(prefix: string, name: string): string {
  return `${prefix}${name.slice(0, -1)}0`;
}

/** Folds `keys` into the sorted, de-duplicated one-level names below `prefix`. */
export function collectListNames(prefix: string, keys: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const key of keys) {
    const name = listNameOf(prefix, key);
    if (name !== undefined) names.add(name);
  }
  return sortNames([...names]);
}

/** Sorts names by UTF-16 code units, the order every backend reports. */
export function sortNames(names: string[]): string[] {
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
