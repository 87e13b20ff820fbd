/**
 * @module The lock that makes one server the owner of a PostgreSQL table: a session advisory lock
 * named after the table, held on a connection of its own (the database drops
 * it when that session ends, a crash included). Without HA a held lock refuses the second server;
 * with HA the second one waits, trying again every few seconds, and takes over when it is free.
 *
 * A session that is lost (a network partition, the database restarting) takes the lock with it,
 * and another server may own the table a moment later. Without HA the loss is final: the server
 * must stop (`lost`). With HA the server becomes a standby, as Vault's active servers do when they
 * lose their lock: the lock tells its `onLost` listeners, opens a new session (retrying every poll
 * period until the database answers) and waits for the lock again.
 */
import type pg from 'pg';

/** How often a waiting (standby) server tries the lock, and the holder checks its session. */
export const DEFAULT_LOCK_POLL_MS = 2000;
/** A session check that takes longer than this counts as a lost session (a network partition
 * would otherwise go unnoticed until TCP gives up, while another server may have taken over). */
const SESSION_CHECK_TIMEOUT_MS = 5000;

/** How long the database lets the lock's session sit idle: longer than the holder's longest gap
 * between two queries (a poll period) plus the time it takes to give up on a session check. */
export function idleSessionLimitMs(pollMs: number): number {
  return 3 * pollMs + SESSION_CHECK_TIMEOUT_MS;
}

/** The lock session's settings (name, value in the setting's base unit), see `#limitIdleSession`. */
export function sessionLimits(pollMs: number): [string, string][] {
  const limitMs = idleSessionLimitMs(pollMs);
  const seconds = Math.ceil(limitMs / 1000);
  const idle = Math.max(1, Math.floor(seconds / 2));
  return [
    ['idle_session_timeout', String(limitMs)],
    ['tcp_keepalives_idle', String(idle)],
    ['tcp_keepalives_interval', '1'],
    ['tcp_keepalives_count', String(Math.max(1, seconds - idle))],
    ['tcp_user_timeout', String(limitMs)],
  ];
}

export interface TableLockOptions {
  /** How often a waiting (standby) server tries the lock, and the holder checks its session. */
  readonly pollMs?: number;
  /** HA: a new session for the lock after one is lost (the server stays, as a standby). */
  readonly reconnect?: () => Promise<pg.PoolClient>;
  /** Runs on the lock's session each time the lock is taken, before anyone is told it is held;
   * if it fails, the lock is given back. */
  readonly onTaken?: (client: pg.PoolClient) => Promise<void>;
}

export class TableLock {
  #client: pg.PoolClient;
  readonly #name: string;
  readonly #reconnect: (() => Promise<pg.PoolClient>) | undefined;
  readonly #onTaken: ((client: pg.PoolClient) => Promise<void>) | undefined;
  readonly #pollMs: number;
  #held = false;
  #closed = false;
  #released = false;
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #whenHeld: (() => void)[] = [];
  #lostReason: string | undefined;
  #reportLoss: (reason: string) => void = () => undefined;
  readonly #onLost: (() => void)[] = [];
  /** HA: a new session is being opened (the old one's late errors change nothing). */
  #renewing = false;
  /** A {@link tryTake} under way. */
  #taking: Promise<boolean> | undefined;
  /** The session whose idle limit is set. */
  #idleLimited: pg.PoolClient | undefined;
  /** Without HA: resolves once the lock, having been held, is lost with its connection. */
  readonly lost: Promise<string>;

  constructor(client: pg.PoolClient, table: string, options: TableLockOptions = {}) {
    this.#client = client;
    this.#name = `hush:${table}`;
    this.#pollMs = options.pollMs ?? DEFAULT_LOCK_POLL_MS;
    this.#reconnect = options.reconnect;
    this.#onTaken = options.onTaken;
    this.lost = new Promise((resolve) => (this.#reportLoss = resolve));
    this.#watch(client);
  }

  #watch(client: pg.PoolClient): void {
    client.on('error', () => {
      if (client === this.#client) this.#lose();
    });
  }

  /** The session is gone (or cannot be trusted). Without HA a standby just never becomes active
   * and a holder must stop, since another server may own the table now; with HA either one opens
   * a new session and waits for the lock. */
  #lose(): void {
    if (this.#closed || this.#renewing) return;
    const wasHeld = this.#held;
    this.#held = false;
    this.#stopWaiting();
    this.#stopChecking();
    // End the session too, so that a session that was only slow lets a standby take over.
    if (wasHeld || this.#reconnect !== undefined) this.#release();
    if (this.#reconnect !== undefined) {
      if (wasHeld) for (const listener of this.#onLost) listener();
      this.#renewSession(this.#reconnect);
      return;
    }
    if (!wasHeld) return;
    this.#lostReason = 'the connection holding the PostgreSQL table lock was lost: restart this server';
    this.#reportLoss(this.#lostReason);
  }

  /** Opens a new session (trying again every poll period until the database answers), then
   * waits for the lock on it. */
  #renewSession(reconnect: () => Promise<pg.PoolClient>): void {
    this.#renewing = true;
    const attempt = (): void => {
      if (this.#closed) return;
      reconnect().then(
        (client) => {
          if (this.#closed) {
            client.release(true);
            return;
          }
          this.#client = client;
          this.#released = false;
          this.#renewing = false;
          this.#watch(client);
          this.waitInBackground();
        },
        () => setTimeout(attempt, this.#pollMs).unref(),
      );
    };
    attempt();
  }

  /** HA: calls `listener` whenever the lock, held, is lost with its session (this server is a
   * standby from then on). */
  onLost(listener: () => void): void {
    this.#onLost.push(listener);
  }

  /** Why the lock, once held, is lost (nothing may be read or written any more), if it is. */
  get lostReason(): string | undefined {
    return this.#lostReason;
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#client.release(true);
  }

  /** While held: checks the session every poll period, and gives the lock up as lost when a
   * check fails or hangs. */
  #checkSession(): void {
    const client = this.#client;
    this.#heartbeat = setInterval(() => {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('session check timed out')), SESSION_CHECK_TIMEOUT_MS);
      });
      Promise.race([client.query('SELECT 1'), hung])
        .catch(() => {
          if (client === this.#client) this.#lose(); // not a check of a session already replaced
        })
        .finally(() => clearTimeout(timer));
    }, this.#pollMs);
    this.#heartbeat.unref();
  }

  get held(): boolean {
    return this.#held;
  }

  /** Tries once; resolves to whether the lock is now held. A try still under way is joined,
   * not repeated: the session would take the (re-entrant) lock twice. */
  tryTake(): Promise<boolean> {
    if (this.#held) return Promise.resolve(true);
    this.#taking ??= this.#take().finally(() => {
      this.#taking = undefined;
    });
    return this.#taking;
  }

  async #take(): Promise<boolean> {
    await this.#limitIdleSession();
    const result = await this.#client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [this.#name]);
    if (result.rows[0]?.locked !== true || this.#closed) return false;
    if (this.#onTaken !== undefined) {
      try {
        await this.#onTaken(this.#client);
      } catch (err) {
        await this.#client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.#name]).catch(() => undefined);
        throw err;
      }
    }
    this.#held = true;
    this.#stopWaiting();
    this.#checkSession();
    for (const listener of this.#whenHeld.splice(0)) listener();
    return true;
  }

  /**
   * Asks the database to end this session once it has been idle for {@link idleSessionLimitMs}
   * (`idle_session_timeout`, PostgreSQL 14 and later), and to notice soon when the peer no longer
   * answers over TCP: keepalive probes from the database's side once the connection has carried
   * nothing for about half that time, and an end to unacknowledged sends after the same limit
   * (`tcp_user_timeout`, PostgreSQL 12 and later), for older servers and as a second line. A holder
   * queries every poll period, so only a session cut off from its server goes idle that long: in a
   * partition that drops packets, the database would otherwise keep the lock until its own TCP
   * keepalive gives up (two hours by default), and no standby could take over. The holder stops on
   * its side first: its session check fails within a poll period and a check timeout. Settings a
   * server does not know are skipped; the TCP ones do nothing on a Unix-domain socket.
   */
  async #limitIdleSession(): Promise<void> {
    const client = this.#client;
    if (this.#idleLimited === client) return;
    for (const [name, value] of sessionLimits(this.#pollMs)) {
      await client.query('SELECT set_config($1, $2, false)', [name, value]).catch(() => undefined);
    }
    this.#idleLimited = client;
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

  /**
   * Gives the lock up and waits to take it again, after `cooldownMs` so that another server
   * takes it first (`sys/step-down`). The caller must have stopped writing.
   */
  async giveUp(cooldownMs: number): Promise<void> {
    if (!this.#held) return;
    this.#stopChecking();
    await this.#client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.#name]);
    this.#held = false;
    const cooldown = setTimeout(() => this.waitInBackground(), cooldownMs);
    cooldown.unref();
  }

  /** Ends the session, which releases the lock. */
  close(): void {
    this.#closed = true;
    this.#stopWaiting();
    this.#stopChecking();
    this.#release();
  }

  #stopWaiting(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #stopChecking(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}
