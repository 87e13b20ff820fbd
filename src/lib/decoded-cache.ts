/**
 * @module Decoded storage entries kept for repeated reads, shared by every reader: KV v2 version
 * data and key metadata (`engines/kv/kv-v2-store.ts`), token entries (`auth/token-store.ts`).
 *
 * The owner forgets an entry whenever it writes or deletes it, before the write and again after
 * it (a read that overlapped a forget does not add what it read), so an entry is right while it
 * is kept. A lookup also names a "stamp" the entry must carry: KV version data, for one, is only
 * found again with the `created_time` its metadata gives, so a key deleted and written again
 * never reads its old version 1.
 *
 * Entries are deeply frozen: readers share them, and the audit log remembers their hashes by
 * identity (`audit/audit-hmac.ts`), which is only sound for data nobody can change; code that
 * changes an entry works on its own copy. Entries may hold plaintext, like the barrier's cache:
 * each cache lives in its owner (a mount's engine, the token store) and goes with it on seal.
 */
/** Default bound: decoded entries of about this many bytes (as stored) are kept. */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** What an entry costs beyond its data (map slot, strings, object headers), counted in the bound. */
const ENTRY_OVERHEAD_BYTES = 200;

interface Entry {
  readonly stamp: string;
  readonly value: object;
  readonly bytes: number;
  /** Read since it last came up for eviction (the "clock" bit). */
  used: boolean;
}

/** `value` and everything in it, frozen. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export class DecodedCache {
  readonly #maxBytes: number;
  /** In insertion order, which eviction walks like a clock: an entry read since it was last
   * passed gets another round, the first one not read goes. A hit only sets a flag, so the
   * reads that run on every request do not reorder the map. */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  /** Counts forgets: a read that saw a forget while it ran does not add what it read. */
  #epoch = 0;

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** The entry stored at `key` under `stamp`, if kept. */
  get<T extends object>(key: string, stamp: string): Readonly<T> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.stamp !== stamp) return undefined;
    entry.used = true;
    return entry.value as Readonly<T>;
  }

  /** How many entries are kept. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The entry at `key` under `stamp`: the one kept, or what `load` finds, decoded by `decode` and
   * kept unless a forget happened while `load` ran (the read may then have seen what is gone).
   * Either way the value is frozen; `undefined` when `load` finds nothing.
   */
  async read<T extends object>(
    key: string,
    stamp: string,
    load: () => Promise<Uint8Array | undefined>,
    decode: (bytes: Uint8Array) => T,
  ): Promise<Readonly<T> | undefined> {
    const cached = this.get<T>(key, stamp);
    if (cached !== undefined) return cached;
    const epoch = this.#epoch;
    const bytes = await load();
    if (bytes === undefined) return undefined;
    const frozen = deepFreeze(decode(bytes));
    if (epoch === this.#epoch) this.#keep(key, stamp, frozen, bytes.length + ENTRY_OVERHEAD_BYTES);
    return frozen;
  }

  /** Runs `write`, which changes what is stored at `keys`: they are forgotten before it starts and
   * again once it has settled, so no read overlapping it keeps what it replaces or removes. */
  async writing(keys: readonly string[], write: () => Promise<void>): Promise<void> {
    for (const key of keys) this.forget(key);
    try {
      await write();
    } finally {
      for (const key of keys) this.forget(key);
    }
  }

  /**
   * Keeps `value` (which becomes deeply frozen) as the entry at `key`, right after the owner's
   * {@link writing} stored it there as `bytes` bytes. Only sound while the owner keeps every
   * other write of `key` out until this returns (a per-key lock): a read that overlapped the
   * write does not keep anything (it saw the forgets), so nothing older can replace this.
   */
  keepWritten(key: string, stamp: string, value: object, bytes: number): void {
    this.#keep(key, stamp, deepFreeze(value), bytes + ENTRY_OVERHEAD_BYTES);
  }

  #keep(key: string, stamp: string, value: object, bytes: number): void {
    if (bytes > this.#maxBytes) return;
    this.#remove(key);
    // room first, then the new entry behind the hand: the last the next sweep reaches
    while (this.#bytes + bytes > this.#maxBytes) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, Entry];
      this.#entries.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.#entries.set(oldest, entry); // another round
      } else {
        this.#bytes -= entry.bytes;
      }
    }
    this.#entries.set(key, { stamp, value, bytes, used: false });
    this.#bytes += bytes;
  }

  /** Drops the entry at `key` (written or deleted). */
  forget(key: string): void {
    this.#epoch++;
    this.#remove(key);
  }

  /** Drops everything (the engine is closing). */
  clear(): void {
    this.#epoch++;
    this.#entries.clear();
    this.#bytes = 0;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
