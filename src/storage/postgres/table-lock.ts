/**
 * @module The lock that makes one server the owner of a PostgreSQL table: a session advisory lock
 * named after the table, held on a connection kept for the server's lifetime (the database drops
 * it when that session ends, a crash included). Without HA a held lock refuses the second server;
 * with HA the second one waits, trying again every few seconds, and takes over when it is free.
 */
import type pg from 'pg';

/** How often a waiting (standby) server tries the lock. */
export const DEFAULT_LOCK_POLL_MS = 2000;

export class TableLock {
  readonly #client: pg.PoolClient;
  readonly #name: string;
  readonly #pollMs: number;
  #held = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #whenHeld: (() => void)[] = [];
  #reportLoss: (reason: string) => void = () => undefined;
  /** Resolves once the lock, having been held, is lost with its connection. */
  readonly lost: Promise<string>;

  constructor(client: pg.PoolClient, table: string, pollMs = DEFAULT_LOCK_POLL_MS) {
    this.#client = client;
    this.#name = `hush:${table}`;
    this.#pollMs = pollMs;
    this.lost = new Promise((resolve) => (this.#reportLoss = resolve));
    client.on('error', () => {
      if (this.#closed) return;
      const wasHeld = this.#held;
      this.#held = false;
      this.#stopWaiting();
      // A standby that loses its connection just never becomes active; one that held the lock
      // must stop: another server may own the table now.
      if (wasHeld) this.#reportLoss('the connection holding the PostgreSQL table lock was lost: restart this server');
    });
  }

  get held(): boolean {
    return this.#held;
  }

  /** Tries once; resolves to whether the lock is now held. */
  async tryTake(): Promise<boolean> {
    if (this.#held) return true;
    const result = await this.#client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [this.#name]);
    if (result.rows[0]?.locked !== true || this.#closed) return false;
    this.#held = true;
    this.#stopWaiting();
    for (const listener of this.#whenHeld.splice(0)) listener();
    return true;
  }

  /** Keeps trying in the background until the lock is held (the timer does not keep the process alive). */
  waitInBackground(): void {
    if (this.#held || this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.tryTake().catch(() => undefined);
    }, this.#pollMs);
    this.#timer.unref();
  }

  /** Calls `listener` once the lock is held (at once when it is). */
  whenHeld(listener: () => void): void {
    if (this.#held) listener();
    else this.#whenHeld.push(listener);
  }

  /** Ends the session, which releases the lock. */
  close(): void {
    this.#closed = true;
    this.#stopWaiting();
    this.#client.release(true);
  }

  #stopWaiting(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
