/**
 * @module A bounded, least-recently-used cache of decrypted values for the barrier, so that hot
 * entries (the caller's token, a KV secret's metadata and current version, policies) are not read
 * and decrypted again on every request.
 *
 * Consistency with writes: every write through the barrier invalidates its keys when it starts
 * and again when it settles, and bumps a generation counter; a read fills the cache only if no
 * write started or settled while it was reading, so a value read just before a write can never
 * be cached after it. A successful write then caches its new values for the keys that were
 * cached before it (the barrier decides; new keys stay out). Only writes through this barrier are
 * seen: with several servers sharing one database, each needs invalidation from the others (not
 * done yet; SQLite has one server).
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
  /** Whether anything (a value or "absent") is cached for `key`; does not count as a use. */
  has(key: string): boolean;
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

/** What an entry costs beside its value's bytes (the key, the map slot, the list node, the typed
 * array and its buffer), so that many small entries cannot hold far more memory than the bound
 * says. */
const ENTRY_OVERHEAD_BYTES = 200;

/** An entry, linked from the most to the least recently used. */
interface Node {
  readonly key: string;
  readonly value: Uint8Array | null;
  readonly bytes: number;
  newer: Node | undefined;
  older: Node | undefined;
}

export function createPlaintextCache(maxBytes: number): PlaintextCache {
  // A map for lookups and a linked list for recency: every operation is O(1). (Re-inserting into
  // a Map to track recency leaves deleted slots that eviction would walk over, one by one.)
  const entries = new Map<string, Node>();
  let newest: Node | undefined;
  let oldest: Node | undefined;
  let bytes = 0;
  let gen = 0;

  function unlink(node: Node): void {
    if (node.newer) node.newer.older = node.older;
    else newest = node.older;
    if (node.older) node.older.newer = node.newer;
    else oldest = node.newer;
    node.newer = node.older = undefined;
  }

  function pushNewest(node: Node): void {
    node.older = newest;
    if (newest) newest.newer = node;
    newest = node;
    oldest ??= node;
  }

  function drop(node: Node): void {
    unlink(node);
    entries.delete(node.key);
    bytes -= node.bytes;
  }

  return {
    get(key) {
      const node = entries.get(key);
      if (node === undefined) return undefined;
      if (node !== newest) {
        unlink(node);
        pushNewest(node);
      }
      // Buffer.from copies into Node's pooled memory: a fifth of the cost of slice(), which
      // makes a new ArrayBuffer (and more garbage) on every read of a hot entry
      return node.value === null ? null : Buffer.from(node.value);
    },
    has: (key) => entries.has(key),
    generation: () => gen,
    fill(key, value, generation) {
      if (generation !== gen || maxBytes <= 0 || (value !== null && value.byteLength > MAX_ENTRY_BYTES)) return;
      const old = entries.get(key);
      if (old !== undefined) drop(old);
      const size = ENTRY_OVERHEAD_BYTES + key.length + (value === null ? 0 : value.byteLength);
      const node: Node = { key, value: value === null ? null : value.slice(), bytes: size, newer: undefined, older: undefined };
      entries.set(key, node);
      pushNewest(node);
      bytes += size;
      while (bytes > maxBytes && oldest !== undefined) drop(oldest);
    },
    invalidate(keys) {
      gen++;
      for (const key of keys) {
        const node = entries.get(key);
        if (node !== undefined) drop(node);
      }
    },
    clear() {
      gen++;
      entries.clear();
      newest = oldest = undefined;
      bytes = 0;
    },
  };
}
