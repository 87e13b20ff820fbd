/**
 * @module The SQLite database file as both of the backend's threads open it: the file and its
 * directory created private, the connection settings, the table (and the move from the earlier
 * layout), and driver errors turned into Hush's.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { HushError } from '../../lib/errors.js';

/**
 * A connection in WAL mode. `synchronous=NORMAL`: a commit writes the WAL without syncing it
 * (the file stays consistent after a crash); the writer thread fsyncs the WAL itself before it
 * reports a commit. SQLite creates the `-wal` and `-shm` files with the database's mode (0600).
 */
export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Creates the directory (0700) and file (0600) before SQLite opens it. */
export function prepareFile(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'wx', 0o600));
  chmodSync(path, 0o600);
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

/** Writes a value, replacing the key's current one. */
export const PUT_SQL = 'INSERT INTO hush_kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
export const DELETE_SQL = 'DELETE FROM hush_kv WHERE key = ?';

/** Creates the table, or moves a file made by earlier versions (`WITHOUT ROWID`) to the layout
 * above, in one transaction: a crash part-way leaves the old table as it was. The move is followed
 * by a VACUUM, which gives the old table's pages back (once; the file is rewritten). */
export function ensureTable(db: Database.Database): void {
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
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** The SQLite result code of a driver error (`SQLITE_BUSY` …), or the system one (`EIO` …), or `''`. */
export function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/** Whether SQLite refused because another connection holds the file's lock. */
export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_');
}

/** Wraps a driver error; the message carries only SQLite's result code, never keys or values. */
export function unavailable(err: unknown, message = 'storage backend failed'): HushError {
  if (err instanceof HushError) return err;
  const code = sqliteCode(err);
  return new HushError('unavailable', /^[A-Z_]+$/.test(code) ? `${message} (${code})` : message, { cause: err });
}
