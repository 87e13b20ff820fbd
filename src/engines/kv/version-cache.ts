/**
 * @module Decoded KV v2 version data kept for repeated reads. A version's data never changes once
 * written; a key deleted and written again starts over at version 1 with another `created_time`,
 * which a lookup must match. So an entry stays right until its version is destroyed, pruned or
 * deleted with its key, and the store forgets it then (see `KvV2Store.commit`).
 *
 * Entries are deeply frozen: every reader shares them, and the audit log remembers their hashes
 * by identity (`audit-hmac.ts`), which is only sound for data nobody can change. The cache holds
 * plaintext, like the barrier's: it lives in the mount's engine and is emptied when the engine
 * closes (seal, unmount).
 */
import type { JsonObject } from './merge-patch.js';

/** Default bound: decoded data of about this many bytes (as stored) is kept. */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** What an entry costs beyond its data (map slot, strings, object headers), counted in the bound. */
const ENTRY_OVERHEAD_BYTES = 200;

interface Entry {
  readonly createdTime: string;
  readonly data: JsonObject;
  readonly bytes: number;
}

/** `value` and everything in it, frozen. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export class VersionCache {
  readonly #maxBytes: number;
  /** In recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  /** Counts forgets: a read that saw a forget while it ran does not add what it read. */
  #epoch = 0;

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** The data of version `key` created at `createdTime`, if kept. */
  get(key: string, createdTime: string): JsonObject | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.createdTime !== createdTime) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.data;
  }

  /** Where the cache stands as a read starts; pass it to {@link add}. */
  epoch(): number {
    return this.#epoch;
  }

  /**
   * Keeps `data` (decoded from `storedBytes` bytes) as version `key` created at `createdTime`,
   * unless a forget happened since `epochAtRead`: the read may then have seen data that is gone.
   * Returns the frozen data either way.
   */
  add(key: string, createdTime: string, data: JsonObject, storedBytes: number, epochAtRead: number): JsonObject {
    const frozen = deepFreeze(data);
    const bytes = storedBytes + ENTRY_OVERHEAD_BYTES;
    if (epochAtRead !== this.#epoch || bytes > this.#maxBytes) return frozen;
    this.#remove(key);
    this.#entries.set(key, { createdTime, data: frozen, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    return frozen;
  }

  /** Drops version `key` (written, destroyed, pruned or deleted). */
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
