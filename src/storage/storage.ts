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

export interface Storage {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
  transaction(ops: readonly StorageOp[]): Promise<void>;
}

/** A physical backend: storage that owns a resource and must be closed. */
export interface StorageBackend extends Storage {
  /** `sqlite`, `postgres`, `memory`. */
  readonly kind: string;
  /** Resolves, with the reason, if the backend stops being safe to use while open (PostgreSQL:
   * the connection holding the table's lock was lost); the server seals itself then. */
  readonly lost?: Promise<string>;
  close(): Promise<void>;
}
