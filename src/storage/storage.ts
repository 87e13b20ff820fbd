/**
 * @module The storage contract: a tiny key/value interface, like Vault's physical backend.
 *
 * Implementers (backends, the barrier, views) must guarantee:
 * - Keys are `/`-separated strings without a leading `/`. Values are opaque bytes.
 * - `get` of a missing key resolves to `undefined`; it is not an error.
 * - `delete` of a missing key succeeds (deleting twice is fine).
 * - `list(prefix)` returns the names directly below `prefix` (which is `""` or ends in `/`),
 *   relative to it, sorted; a name with deeper keys appears once as `name/`. A key `a/b` and a
 *   key `a` both existing list as `a` and `a/`.
 * - `transaction(ops)` applies every operation or none, in order.
 * - Failures of the underlying driver are thrown as `HushError('unavailable', …, { cause })`
 *   with no key or value in the message.
 */

export type StorageOp =
  | { readonly kind: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly kind: 'delete'; readonly key: string };

/** How a value is read. */
export interface ReadOptions {
  /** Part of a scan over many keys (tidy, listings): read without keeping the value in caches,
   * which would push the hot entries out for values read once. Backends ignore it. */
  readonly scan?: boolean;
}

export interface Storage {
  get(key: string, options?: ReadOptions): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
  transaction(ops: readonly StorageOp[]): Promise<void>;
}

/**
 * Several servers on one store, one of them active (Vault's HA): the active one holds the store's
 * lock and serves; the others are standbys that only read, send clients to the active one, and
 * take over when its lock is released.
 */
export interface HighAvailability {
  /** Whether this server holds the lock. */
  isActive(): boolean;
  /** Calls `listener` once this server holds the lock (at once when it already does). */
  whenActive(listener: () => void): void;
  /** Calls `listener` whenever this server, active, loses the lock with its connection to the
   * store (a network partition): it is a standby from then on, and may take the lock again. */
  onLost(listener: () => void): void;
  /** Records `address` as the active server's API address (the active server calls it). */
  advertise(address: string): Promise<void>;
  /** The API address the active server advertised, if any. */
  activeAddress(): Promise<string | undefined>;
  /** Gives the lock up (the active server, having stopped serving: `sys/step-down`); this server
   * becomes a standby and may take the lock again later. */
  stepDown(): Promise<void>;
}

/** A physical backend: storage that owns a resource and must be closed. */
export interface StorageBackend extends Storage {
  /** `sqlite`, `postgres`, `memory`. */
  readonly kind: string;
  /** Resolves, with the reason, if the backend stops being safe to use while open (PostgreSQL:
   * the connection holding the table's lock was lost); the server seals itself then. */
  readonly lost?: Promise<string>;
  /** Present when the backend is shared by several servers in HA mode. */
  readonly ha?: HighAvailability;
  close(): Promise<void>;
}
