/**
 * @module A bounded, least-recently-used cache of decrypted values for the barrier, so that hot
 * entries (the caller's token, a KV secret's metadata and current version, policies) are not read
 * and decrypted again on every request.
 *
 * Consistency with writes: every write through the barrier invalidates its keys when it starts
 * and again when it settles, and bumps a generation counter; a read fills the cache only if no
 * write started or settled while it was reading, so a value read just before a write can never
 * be cached after it. Only writes through this barrier are seen: with several servers sharing
 * one database, each needs invalidation from the others (not done yet; SQLite has one server).
 *
 * Values are copied in and out, so callers can neither change cached bytes nor see later
 * changes. A key known to hold nothing is cached too (as `null`): settings that are usually left
 * at their defaults, such as a KV mount's `config`, are looked up on every write. The cache is
 * emptied when the barrier seals.
 */

export interface PlaintextCache {
  /** A copy of the cached value, `null` when the key is known to be absent, or `undefined` when
   * nothing is cached for it. */
  get(key: string): Uint8Array | null | undefined;
  /** The generation to pass to {@link fill} for a read starting now. */
  generation(): number;
  /** Caches `value` (`null`: absent) for `key` unless a write began or ended since `generation`
   * was taken. */
  fill(key: string, value: Uint8Array | null, generation: number): void;
  /** Forgets `keys` and makes reads in flight not fill (call when a write starts and settles). */
  invalidate(keys: Iterable<string>): void;
  clear(): void;
}

/** Entries larger than this are not cached: they would push out many small hot ones. */
const MAX_ENTRY_BYTES = 64 * 1024;

/** What an entry costs beside its value's bytes (the key, the map slot, the typed array and its
 * buffer), so that many small entries cannot hold far more memory than the bound says. */
const ENTRY_OVERHEAD_BYTES = 160;

const entryBytes = (key: string, value: Uint8Array | null): number =>
  ENTRY_OVERHEAD_BYTES + key.length + (value === null ? 0 : value.byteLength);

export function createPlaintextCache(maxBytes: number): PlaintextCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps the oldest entry first.
  const entries = new Map<string, Uint8Array | null>();
  let bytes = 0;
  let gen = 0;

  function drop(key: string): void {
    const old = entries.get(key);
    if (old === undefined) return;
    entries.delete(key);
    bytes -= entryBytes(key, old);
  }

  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value === null ? null : value.slice();
    },
    generation: () => gen,
    fill(key, value, generation) {
      if (generation !== gen || maxBytes <= 0 || (value !== null && value.byteLength > MAX_ENTRY_BYTES)) return;
      drop(key);
      entries.set(key, value === null ? null : value.slice());
      bytes += entryBytes(key, value);
      for (const [oldest, v] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= entryBytes(oldest, v);
      }
    },
    invalidate(keys) {
      gen++;
      for (const key of keys) drop(key);
    },
    clear() {
      gen++;
      entries.clear();
      bytes = 0;
    },
  };
}
