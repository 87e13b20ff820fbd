/**
 * @module The SQLite storage backend (the default): one file, WAL mode; a resolved write has
 * reached the disk (fsync) and survives power loss.
 *
 * Writes use group commit: every put, delete and transaction arriving in the same turn of the
 * event loop, or while the previous commit's fsync runs, is queued and written in one SQLite
 * transaction. Each caller's operations run inside their own SAVEPOINT, so a failure rolls back
 * only that caller's work. Reads go straight to prepared statements and see every write whose
 * promise has resolved.
 *
 * Durability without blocking: SQLite runs with `synchronous=NORMAL` (its commits write the WAL
 * but do not fsync it; the database stays consistent after a crash), and this module fsyncs the
 * WAL file itself on libuv's thread pool after each commit, settling the callers' promises only
 * when that fsync is done. The event loop keeps serving requests while the disk works, and
 * commits that land during one fsync share the next. SQLite's own checkpoints still sync the WAL
 * before copying it into the database, so frames are on disk before the WAL is reused.
 *
 * One process per file: the backend takes SQLite's exclusive lock as it opens and keeps it, so a
 * second server (or any other SQLite client) on the same file is refused with a clear error.
 *
 * Files: the database and its `-wal` are mode 0600; a directory created for them is 0700.
 */
import { chmodSync, closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
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

export interface SqliteBackendOptions {
  /** Path of the database file; created (0600, directory 0700) when missing. */
  readonly path: string;
}

/** Queued writes hold a private copy of each value, taken when the call was made. */
interface WriteJob {
  readonly ops: readonly StorageOp[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Opens (creating when needed) the SQLite database at `path`. Throws `HushError('unavailable')`
 * when the file cannot be opened.
 */
export function createSqliteBackend(options: SqliteBackendOptions): StorageBackend {
  const path = resolve(options.path);
  let db: Database.Database;
  try {
    prepareFile(path);
    db = new Database(path);
  } catch (err) {
    throw unavailable(err, 'cannot open the sqlite storage file');
  }
  try {
    // One server per file: the barrier's cache and the token and lockout state in memory are only
    // right while no other process writes the file. The lock is taken here and held until close
    // (the OS drops it if the process dies); in this mode the WAL index lives in this process's
    // memory, not in a -shm file.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    db.close();
    if (isBusy(err)) {
      throw new HushError('unavailable', `the storage file ${path} is in use by another process (another hush server?): stop it, or give this server its own data directory`, {
        cause: err,
      });
    }
    throw unavailable(err, 'cannot open the sqlite storage file');
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // the WAL is fsynced by this module (see above)
    db.pragma('busy_timeout = 5000');
    ensureTable(db);
    for (const side of [`${path}-wal`, `${path}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
  } catch (err) {
    throw unavailable(err, 'cannot open the sqlite storage file');
  }
  return new SqliteBackend(db, path);
}

class SqliteBackend implements StorageBackend {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #getStmt: Database.Statement<[string], Buffer | null>;
  readonly #seekStmt: Database.Statement<[string], string>;
  readonly #putStmt: Database.Statement<[string, Buffer]>;
  readonly #deleteStmt: Database.Statement<[string]>;
  readonly #control: Readonly<Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo', Database.Statement>>;
  readonly #path: string;
  #queue: WriteJob[] = [];
  #scheduled = false;
  #closed = false;
  /** Our own descriptor of the `-wal` file, opened after the first commit, for fsync. */
  #walFd: number | undefined;
  /** Jobs committed and waiting for the fsync in flight to finish. */
  #syncing: WriteJob[] | null = null;
  /** Jobs committed after the fsync in flight started: they need the next one. */
  #committed: WriteJob[] = [];

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#getStmt = db.prepare<[string], Buffer | null>('SELECT value FROM hush_kv WHERE key = ?').pluck();
    this.#seekStmt = db.prepare<[string], string>('SELECT key FROM hush_kv WHERE key >= ? ORDER BY key').pluck();
    this.#putStmt = db.prepare<[string, Buffer]>(
      'INSERT INTO hush_kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#deleteStmt = db.prepare<[string]>('DELETE FROM hush_kv WHERE key = ?');
    this.#control = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT hush_job'),
      release: db.prepare('RELEASE hush_job'),
      undo: db.prepare('ROLLBACK TO hush_job'),
    };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#assertOpen();
    assertStorageKey(key);
    let value: Buffer | null | undefined;
    try {
      value = this.#getStmt.get(key);
    } catch (err) {
      throw unavailable(err);
    }
    if (value === undefined) return undefined;
    if (value === null) return new Uint8Array(0);
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.#enqueue(() => {
      assertStorageKey(key);
      assertStorageValue(value);
      return [{ kind: 'put', key, value: Buffer.from(value) }];
    });
  }

  delete(key: string): Promise<void> {
    return this.#enqueue(() => {
      assertStorageKey(key);
      return [{ kind: 'delete', key }];
    });
  }

  transaction(ops: readonly StorageOp[]): Promise<void> {
    return this.#enqueue(() => {
      assertStorageOps(ops);
      return ops.map((op) => (op.kind === 'put' ? { kind: 'put', key: op.key, value: Buffer.from(op.value) } : op));
    });
  }

  /**
   * Skip-scan over the primary key: runs of plain names are streamed from one range query; on a
   * sub-directory the scan jumps past all its keys (`dir/` → `dir0`), so the cost grows with the
   * number of names returned, not the number of keys below the prefix.
   */
  async list(prefix: string): Promise<string[]> {
    this.#assertOpen();
    assertListPrefix(prefix);
    const names: string[] = [];
    try {
      let from = prefix;
      let more = true;
      while (more) {
        more = false;
        for (const key of this.#seekStmt.iterate(from)) {
          if (!key.startsWith(prefix)) break;
          const name = listNameOf(prefix, key);
          if (name === undefined) continue;
          names.push(name);
          if (name.endsWith('/')) {
            from = keyPastDirectory(prefix, name);
            more = true;
            break;
          }
        }
      }
    } catch (err) {
      throw unavailable(err);
    }
    return sortNames(names);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#queue.length > 0) this.#flush();
    while (this.#syncing !== null) await new Promise((r) => setImmediate(r));
    this.#closed = true;
    try {
      this.#db.close();
    } catch (err) {
      throw unavailable(err);
    } finally {
      if (this.#walFd !== undefined) closeSync(this.#walFd);
      this.#walFd = undefined;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new HushError('unavailable', 'storage backend is closed');
  }

  #enqueue(build: () => StorageOp[]): Promise<void> {
    return new Promise<void>((resolvePromise, rejectPromise) => {
      this.#assertOpen();
      const ops = build();
      this.#queue.push({ ops, resolve: resolvePromise, reject: rejectPromise });
      // While an fsync is in flight the queue waits for it: its callers could not be answered
      // before the next fsync anyway, and one larger commit writes each page once.
      if (!this.#scheduled && this.#syncing === null) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Writes every queued job in one transaction; each job in its own savepoint. */
  #flush(): void {
    this.#scheduled = false;
    const jobs = this.#queue;
    this.#queue = [];
    if (jobs.length === 0) return;
    if (this.#closed) {
      for (const job of jobs) job.reject(new HushError('unavailable', 'storage backend is closed'));
      return;
    }
    const failed = new Map<WriteJob, unknown>();
    const c = this.#control;
    try {
      c.begin.run();
      for (const job of jobs) {
        c.savepoint.run();
        try {
          for (const op of job.ops) this.#apply(op);
          c.release.run();
        } catch (err) {
          c.undo.run();
          c.release.run();
          failed.set(job, err);
        }
      }
      c.commit.run();
    } catch (err) {
      if (this.#db.inTransaction) {
        try {
          c.rollback.run();
        } catch {
          // the commit failure below is what callers need to see
        }
      }
      const wrapped = unavailable(err);
      for (const job of jobs) job.reject(wrapped);
      return;
    }
    for (const job of jobs) {
      if (failed.has(job)) job.reject(unavailable(failed.get(job)));
      else this.#committed.push(job);
    }
    this.#syncCommitted();
  }

  /** Starts an fsync of the WAL for the committed jobs, unless one is in flight (they wait). */
  #syncCommitted(): void {
    if (this.#syncing !== null || this.#committed.length === 0) return;
    const batch = this.#committed;
    this.#committed = [];
    let fd: number;
    try {
      fd = this.#walDescriptor();
    } catch (err) {
      const wrapped = unavailable(err, 'cannot sync the sqlite write-ahead log');
      for (const job of batch) job.reject(wrapped);
      return;
    }
    this.#syncing = batch;
    fsync(fd, (err) => {
      this.#syncing = null;
      if (err) {
        // The commit is in SQLite but may not be on disk: the callers must not be told it is.
        const wrapped = unavailable(err, 'cannot sync the sqlite write-ahead log');
        for (const job of batch) job.reject(wrapped);
      } else {
        for (const job of batch) job.resolve();
      }
      if (this.#queue.length > 0 && !this.#scheduled) this.#flush(); // it starts the next fsync
      else this.#syncCommitted();
    });
  }

  /** Opens the `-wal` file once (it exists after the first commit) and makes its name durable. */
  #walDescriptor(): number {
    if (this.#walFd === undefined) {
      const wal = `${this.#path}-wal`;
      chmodSync(wal, 0o600);
      this.#walFd = openSync(wal, 'r');
      const dir = openSync(dirname(this.#path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.#walFd;
  }

  #apply(op: StorageOp): void {
    if (op.kind === 'put') {
      this.#putStmt.run(op.key, op.value as Buffer);
    } else {
      this.#deleteStmt.run(op.key);
    }
  }
}

/**
 * The table: rows in rowid order, with a unique index on the key. Values are encrypted entries of
 * a few hundred bytes and most new keys are random (token and secret ID hashes): inserting them
 * into a table ordered by key (`WITHOUT ROWID`) splits and rewrites wide leaf pages all over the
 * file, while here a new row is appended and only the narrow index takes a random insert. SQLite
 * advises `WITHOUT ROWID` only for rows under about a twentieth of a page; measured, a login's
 * two inserts cost about half as much this way.
 */
const CREATE_TABLE = 'CREATE TABLE hush_kv (key TEXT NOT NULL UNIQUE, value BLOB)';

/** Creates the table, or moves a file made by earlier versions (`WITHOUT ROWID`) to the layout
 * above, in one transaction: a crash part-way leaves the old table as it was. */
function ensureTable(db: Database.Database): void {
  const sql = db.prepare<[], string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'hush_kv'").pluck().get();
  if (sql === undefined) {
    db.exec(CREATE_TABLE);
    return;
  }
  if (!/WITHOUT\s+ROWID/i.test(sql)) return;
  db.transaction(() => {
    db.exec('ALTER TABLE hush_kv RENAME TO hush_kv_old');
    db.exec(CREATE_TABLE);
    db.exec('INSERT INTO hush_kv (key, value) SELECT key, value FROM hush_kv_old ORDER BY key');
    db.exec('DROP TABLE hush_kv_old');
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Creates the directory (0700) and file (0600) before SQLite opens it. */
function prepareFile(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'wx', 0o600));
  chmodSync(path, 0o600);
}

/** The SQLite result code of a driver error (`SQLITE_BUSY` …), or `''`. */
function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/** Whether SQLite refused because another connection holds the file's lock. */
function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_');
}

/** Wraps a driver error; the message carries only SQLite's result code, never keys or values. */
function unavailable(err: unknown, message = 'storage backend failed'): HushError {
  if (err instanceof HushError) return err;
  const code = sqliteCode(err);
  return new HushError('unavailable', /^[A-Z_]+$/.test(code) ? `${message} (${code})` : message, { cause: err });
}
