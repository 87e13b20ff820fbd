/**
 * @module A per-key async mutex: callbacks for the same key run one after another, callbacks for
 * different keys run concurrently. The token store uses it so that decrementing `num_uses`,
 * renewing and revoking one token never interleave. In-process only: several Hush nodes sharing
 * one PostgreSQL need the backend's own locking for the same guarantee.
 */

export interface KeyedLock {
  /** Runs `fn` once every earlier holder of `key` has finished; resolves to `fn`'s result. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Number of keys with a holder or waiters (for tests: must fall back to 0). */
  readonly size: number;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<void>>();
  return {
    async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      await previous;
      try {
        return await fn();
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
    get size() {
      return tails.size;
    },
  };
}
