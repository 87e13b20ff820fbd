/**
 * @module The PostgreSQL storage backend: one table (`key TEXT PRIMARY KEY COLLATE "C", value
 * BYTEA`), created when missing, for teams whose data belongs in a managed, replicated database
 * rather than a file on the server's disk. The writes callers start in the same turn of the
 * event loop go as one SQL statement (`write-groups.ts`, `write-statement.ts`): one round trip
 * and one PostgreSQL transaction, committed durably (the server's `synchronous_commit`); a
 * transaction's operations commit together.
 *
 * One writer per table: a server keeps decrypted entries and token state in memory, which is right
 * only while nobody else writes the table. The backend takes a session advisory lock named after
 * the table as it opens (`table-lock.ts`). Without HA a held lock refuses the second server; with
 * HA (`ha_enabled`, Vault's model) the second opens as a standby: it reads (to unseal), refuses to
 * write, and takes over when the lock is released, reading everything afresh (the core's part).
 * If the lock's connection is lost, another server may take over at once: without HA the backend
 * refuses every operation from then on and reports it (`lost`); with HA this server becomes a
 * standby (`ha.onLost`) and takes the lock again when it can, and every write checks in its own
 * statement that no other server has taken the lock since (`fence.ts`).
 *
 * Listing skips past sub-directories (`dir/` → `dir0`), as the SQLite backend does, so it costs
 * about one round trip per name returned, not per key below the prefix. The "C" collation orders
 * keys by bytes, which that jump relies on.
 */
import pg from 'pg';
import { HushError } from '../../lib/errors.js';
import type { HighAvailability, StorageBackend, StorageOp } from '../storage.js';
import { DEFAULT_LOCK_POLL_MS, TableLock } from './table-lock.js';
import { Fence, IDLE_TRANSACTION_LIMIT_MS, superseded } from './fence.js';
import { writeStatement } from './write-statement.js';
import { WriteGroups } from './write-groups.js';
import {
  assertListPrefix,
  assertStorageKey,
  assertStorageOps,
  assertStorageValue,
  keyPastDirectory,
  listNameOf,
  sortNames,
} from '../storage-keys.js';

export interface PostgresBackendOptions {
  /** `postgres://user:password@host:port/database?…` (libpq's URL form). */
  readonly connectionUrl: string;
  /** Table name (letters, digits, `_`); created when missing. Default `hush_kv`. */
  readonly table?: string;
  /** Connections in the pool, besides the one holding the lock. Default 8. */
  readonly maxConnections?: number;
  /** Several servers on this table, one active (Vault's `ha_enabled`): a server that finds the
   * lock held opens as a standby and takes over when it is released, instead of being refused. */
  readonly ha?: boolean;
  /** How often a standby tries the lock (ms). */
  readonly lockPollMs?: number;
}

const DEFAULT_TABLE = 'hush_kv';
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const STANDBY = 'this server is a standby: the active server writes';
/** How long a new connection (or a wait for a free one) may take. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Keys fetched per round trip while listing. */
const LIST_PAGE = 500;

/**
 * Connects, creates the table when missing and takes the table's lock. Rejects with
 * `HushError('unavailable')` when the database cannot be reached or, without `ha`, when another
 * server uses the table, and `bad_request` for a table name that is not a plain identifier.
 */
export async function createPostgresBackend(options: PostgresBackendOptions): Promise<StorageBackend> {
  const table = options.table ?? DEFAULT_TABLE;
  if (!TABLE_NAME.test(table)) throw new HushError('bad_request', 'the PostgreSQL table name must be lower-case letters, digits and _');
  // keepAlive: a dead peer is noticed by TCP too, not only by the lock's session checks
  // connectionTimeoutMillis: a connection attempt into a network partition fails (and is tried
  // again, for the lock's session) instead of waiting forever
  // idle_in_transaction_session_timeout (sent as the session starts): a transaction left open by
  // a partition would hold its row locks (and a fenced server's share lock on the epoch) until
  // TCP gives up; the database ends it after a while instead
  const pool = new pg.Pool({
    connectionString: options.connectionUrl,
    max: options.maxConnections ?? 8,
    keepAlive: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_TRANSACTION_LIMIT_MS,
  });
  // An idle client's error (the server restarted, say) surfaces on the next query; unhandled
  // here, it would end the process.
  pool.on('error', () => undefined);
  const fence = options.ha ? new Fence(`${table}_active`) : undefined;
  let lockClient: pg.PoolClient | undefined;
  let lock: TableLock | undefined;
  try {
    lockClient = await pool.connect();
    await lockClient.query(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)`);
    if (fence !== undefined) {
      await lockClient.query(`CREATE TABLE IF NOT EXISTS ${table}_active (id INT PRIMARY KEY CHECK (id = 1), address TEXT NOT NULL)`);
      await fence.prepare(lockClient);
    }
    lock = new TableLock(lockClient, table, {
      pollMs: options.lockPollMs,
      reconnect: fence === undefined ? undefined : () => pool.connect(),
      onTaken: fence === undefined ? undefined : (client) => fence.raise(client),
    });
    if (!(await lock.tryTake())) {
      if (!options.ha) {
        throw new HushError('unavailable', `the PostgreSQL table ${table} is in use by another hush server: stop it, give this server its own table, or set ha_enabled`);
      }
      lock.waitInBackground();
    }
  } catch (err) {
    if (lock !== undefined) lock.close();
    else lockClient?.release(true);
    await pool.end().catch(() => undefined);
    throw unavailable(err, 'cannot open the PostgreSQL storage');
  }
  return new PostgresBackend(pool, lock, table, fence, options.lockPollMs);
}

class PostgresBackend implements StorageBackend {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #lock: TableLock;
  readonly #table: string;
  readonly #sql: Readonly<Record<'get' | 'seekFrom' | 'seekAfter', string>>;
  readonly #groups = new WriteGroups((ops) => this.#writeGroup(ops), refusedByDatabase);
  readonly lost: Promise<string>;
  readonly ha: HighAvailability | undefined;
  /** HA: the epoch check every write makes (`fence.ts`). */
  readonly #fence: Fence | undefined;
  #closed = false;

  constructor(pool: pg.Pool, lock: TableLock, table: string, fence: Fence | undefined, lockPollMs: number | undefined) {
    this.#pool = pool;
    this.#lock = lock;
    this.#table = table;
    this.#fence = fence;
    this.#sql = {
      get: `SELECT value FROM ${table} WHERE key = $1`,
      seekFrom: `SELECT key FROM ${table} WHERE key >= $1 ORDER BY key LIMIT ${LIST_PAGE}`,
      seekAfter: `SELECT key FROM ${table} WHERE key > $1 ORDER BY key LIMIT ${LIST_PAGE}`,
    };
    this.lost = lock.lost;
    this.ha = fence
      ? {
          isActive: () => lock.held,
          whenActive: (listener) => lock.whenHeld(listener),
          onLost: (listener) => lock.onLost(listener),
          advertise: (address) => this.#advertise(address),
          activeAddress: () => this.#activeAddress(),
          // a few polls' grace, so that a standby takes over rather than this server again
          stepDown: () => lock.giveUp(3 * (lockPollMs ?? DEFAULT_LOCK_POLL_MS)),
        }
      : undefined;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#assertUsable();
    assertStorageKey(key);
    const rows = await this.#query<{ value: Buffer }>(this.#sql.get, [key]);
    const value = rows[0]?.value;
    return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.#assertWritable();
    assertStorageKey(key);
    assertStorageValue(value);
    await this.#groups.add([{ kind: 'put', key, value: Buffer.from(value) }]);
  }

  async delete(key: string): Promise<void> {
    this.#assertWritable();
    assertStorageKey(key);
    await this.#groups.add([{ kind: 'delete', key }]);
  }

  async transaction(ops: readonly StorageOp[]): Promise<void> {
    this.#assertWritable();
    assertStorageOps(ops);
    if (ops.length === 0) return;
    // copies taken now: the caller may reuse its buffers while the group waits for its turn
    await this.#groups.add(ops.map((op) => (op.kind === 'put' ? { kind: 'put', key: op.key, value: Buffer.from(op.value) } : op)));
  }

  /** One group of writes (`write-groups.ts`) as one statement: one round trip, one transaction. */
  async #writeGroup(ops: readonly StorageOp[]): Promise<void> {
    this.#assertHeld(); // the lock may have gone while the group waited (closing lets it finish)
    const statement = writeStatement(this.#table, ops, this.#fence?.condition());
    const rows = await this.#query<{ held: number }>(statement.text, statement.values);
    if (rows[0]?.held !== 1) throw superseded();
  }

  async list(prefix: string): Promise<string[]> {
    this.#assertUsable();
    assertListPrefix(prefix);
    const names: string[] = [];
    let cursor = { key: prefix, inclusive: true };
    for (;;) {
      const rows = await this.#query<{ key: string }>(cursor.inclusive ? this.#sql.seekFrom : this.#sql.seekAfter, [cursor.key]);
      let jumpTo: string | undefined;
      for (const { key } of rows) {
        if (!key.startsWith(prefix)) return sortNames(names);
        const name = listNameOf(prefix, key);
        if (name === undefined) continue;
        names.push(name);
        if (name.endsWith('/')) {
          jumpTo = keyPastDirectory(prefix, name);
          break;
        }
      }
      const last = rows[rows.length - 1];
      if (jumpTo !== undefined) cursor = { key: jumpTo, inclusive: true };
      else if (rows.length === LIST_PAGE && last !== undefined) cursor = { key: last.key, inclusive: false };
      else return sortNames(names);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true; // no new writes; those already queued still go
    await this.#groups.idle();
    this.#lock.close(); // ending the session drops the advisory lock
    await this.#pool.end().catch(() => undefined);
  }

  #assertUsable(): void {
    if (this.#closed) throw new HushError('unavailable', 'storage backend is closed');
    const lost = this.#lock.lostReason;
    if (lost !== undefined) throw new HushError('unavailable', lost);
  }

  #assertWritable(): void {
    if (this.#closed) throw new HushError('unavailable', 'storage backend is closed');
    this.#assertHeld();
  }

  /** The lock is held and not lost (whether the backend is closing or not). */
  #assertHeld(): void {
    const lost = this.#lock.lostReason;
    if (lost !== undefined) throw new HushError('unavailable', lost);
    if (!this.#lock.held) throw new HushError('unavailable', STANDBY);
  }

  async #advertise(address: string): Promise<void> {
    this.#assertWritable();
    try {
      await this.#fence?.advertise(this.#pool, address);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async #activeAddress(): Promise<string | undefined> {
    this.#assertUsable();
    const rows = await this.#query<{ address: string }>(`SELECT address FROM ${this.#table}_active WHERE id = 1`, []);
    return rows[0]?.address || undefined; // '' until the active server has advertised
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(text, values)).rows;
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/** Whether the database answered a statement with an error (severity ERROR: the statement's
 * transaction was rolled back), as opposed to a lost connection or a FATAL error, after which
 * the statement may have committed. */
function refusedByDatabase(err: unknown): boolean {
  const cause = err instanceof HushError ? err.cause : err;
  return cause instanceof pg.DatabaseError && cause.severity === 'ERROR';
}

/** Wraps a driver error; the message carries only PostgreSQL's SQLSTATE or the socket error code,
 * never a key, a value or the connection URL (it may hold a password). */
function unavailable(err: unknown, message = 'storage backend failed'): HushError {
  if (err instanceof HushError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return new HushError('unavailable', /^[A-Z0-9_]+$/.test(code) ? `${message} (${code})` : message, { cause: err });
}
