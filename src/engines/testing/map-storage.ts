/**
 * @module A tiny in-memory {@link Storage} for engine unit tests: a sorted `Map` with the
 * contract's `list` semantics (one level, `name/` for folders) and all-or-nothing
 * transactions. Not for production; `storage/memory/` is the real memory backend.
 */
import type { Storage, StorageOp } from '../../storage/storage.js';

export class MapStorage implements Storage {
  readonly entries = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    const v = this.entries.get(key);
    return v === undefined ? undefined : v.slice();
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.entries.set(key, value.slice());
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    for (const key of this.entries.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...names].sort();
  }

  async transaction(ops: readonly StorageOp[]): Promise<void> {
    for (const op of ops) {
      if (op.kind === 'put') this.entries.set(op.key, op.value.slice());
      else this.entries.delete(op.key);
    }
  }

  /** Every key currently stored, sorted (for layout assertions in tests). */
  keys(): string[] {
    return [...this.entries.keys()].sort();
  }
}
