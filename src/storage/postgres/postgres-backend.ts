/**
 * @module The PostgreSQL storage backend: one table (`key TEXT PRIMARY KEY COLLATE "C", value
 * BYTEA`), created when missing, for teams whose data belongs in a managed, replicated database
 * rather than a file on the server's disk. Every write is one PostgreSQL transaction, committed
 * durably (the server's `synchronous_commit`); a transaction's operations commit together.
 *
 * One server per table, for now: the server keeps decrypted entries and token state in memory,
 * which is right only while nobody else writes the table. The backend takes a session advisory
 * lock named after the table as it opens, on a connection it keeps for its lifetime, and refuses
 * to open when another server holds it. If that connection is lost the lock is gone too, and the
 * backend refuses every operation from then on: another server may have taken over. (Several
 * servers on one database, with the caches kept coherent, are future work.)
 *
 * Listing skips past sub-directories (`dir/` → `dir0`), as the SQLite backend does, so it costs
 * about one round trip per name returned, not per key below the prefix. The "C" collation orders
 * keys by bytes, which that jump relies on.
 */
import pg from 'pg';
import { HushError } from '../../lib/errors.js';
import type { StorageBackend, StorageOp } from '../storage.js';
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
}

const DEFAULT_TABLE = 'hush_kv';
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const LOCK_LOST = 'the connection holding the PostgreSQL table lock was lost: restart this server';
/** Keys fetched per round trip while listing. */
const LIST_PAGE = 500;

/**
 * Connects, creates the table when missing and takes the table's lock. Rejects with
 * `HushError('unavailable')` when the database cannot be reached or another server uses the table,
 * and `bad_request` for a table name that is not a plain identifier.
 */
export async function createPostgresBackend(options: PostgresBackendOptions): Promise<StorageBackend> {
  const table = options.table ?? DEFAULT_TABLE;
  if (!TABLE_NAME.test(table)) throw new HushError('bad_request', 'the PostgreSQL table name must be lower-case letters, digits and _');
  const pool = new pg.Pool({ connectionString: options.connectionUrl, max: options.maxConnections ?? 8 });
  // An idle client's error (the server restarted, say) surfaces on the next query; unhandled
  // here, it would end the process.
  pool.on('error', () => undefined);
  let lockClient: pg.PoolClient | undefined;
  try {
    lockClient = await pool.connect();
    await lockClient.query(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)`);
    const locked = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`hush:${table}`]);
    if (locked.rows[0]?.locked !== true) {
      throw new HushError('unavailable', `the PostgreSQL table ${table} is in use by another hush server: stop it, or give this server its own table`);
    }
  } catch (err) {
    lockClient?.release(true);
    await pool.end().catch(() => undefined);
    throw unavailable(err, 'cannot open the PostgreSQL storage');
  }
  return new PostgresBackend(pool, lockClient, table);
}

class PostgresBackend implements StorageBackend {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #lockClient: pg.PoolClient;
  readonly #sql: Readonly<Record<'get' | 'put' | 'delete' | 'seekFrom' | 'seekAfter', string>>;
  readonly lost: Promise<string>;
  #closed = false;
  /** Set when the connection holding the lock fails: from then on nothing may be written. */
  #lockLost = false;

  constructor(pool: pg.Pool, lockClient: pg.PoolClient, table: string) {
    this.#pool = pool;
    this.#lockClient = lockClient;
    this.#sql = {
      get: `SELECT value FROM ${table} WHERE key = $1`,
      put: `INSERT INTO ${table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      delete: `DELETE FROM ${table} WHERE key = $1`,
      seekFrom: `SELECT key FROM ${table} WHERE key >= $1 ORDER BY key LIMIT ${LIST_PAGE}`,
      seekAfter: `SELECT key FROM ${table} WHERE key > $1 ORDER BY key LIMIT ${LIST_PAGE}`,
    };
    let reportLoss: (reason: string) => void = () => undefined;
    this.lost = new Promise((resolve) => (reportLoss = resolve));
    lockClient.on('error', () => {
      if (this.#closed || this.#lockLost) return;
      this.#lockLost = true;
      reportLoss(LOCK_LOST);
    });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#assertUsable();
    assertStorageKey(key);
    const rows = await this.#query<{ value: Buffer }>(this.#sql.get, [key]);
    const value = rows[0]?.value;
    return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.#assertUsable();
    assertStorageKey(key);
    assertStorageValue(value);
    await this.#query(this.#sql.put, [key, Buffer.from(value)]);
  }

  async delete(key: string): Promise<void> {
    this.#assertUsable();
    assertStorageKey(key);
    await this.#query(this.#sql.delete, [key]);
  }

  async transaction(ops: readonly StorageOp[]): Promise<void> {
    this.#assertUsable();
    assertStorageOps(ops);
    // copies taken now: the caller may change its arrays while the transaction waits for a client
    const params = ops.map((op) => (op.kind === 'put' ? [op.key, Buffer.from(op.value)] : [op.key]));
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw unavailable(err);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      for (const [i, op] of ops.entries()) await client.query(op.kind === 'put' ? this.#sql.put : this.#sql.delete, params[i]);
      await client.query('COMMIT');
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is unusable: the pool must not hand it out again
      }
      throw unavailable(err);
    } finally {
      client.release(broken);
    }
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
    this.#closed = true;
    this.#lockClient.release(true); // closing the session drops the advisory lock
    await this.#pool.end().catch(() => undefined);
  }

  #assertUsable(): void {
    if (this.#closed) throw new HushError('unavailable', 'storage backend is closed');
    if (this.#lockLost) throw new HushError('unavailable', LOCK_LOST);
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(text, values)).rows;
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/** Wraps a driver error; the message carries only PostgreSQL's SQLSTATE or the socket error code,
 * never a key, a value or the connection URL (it may hold a password). */
function unavailable(err: unknown, message = 'storage backend failed'): HushError {
  if (err instanceof HushError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return new HushError('unavailable', /^[A-Z0-9_]+$/.test(code) ? `${message} (${code})` : message, { cause: err });
}
