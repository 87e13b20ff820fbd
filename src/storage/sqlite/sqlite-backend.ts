/**
 * @module The SQLite storage backend (the default): one file, WAL mode; a resolved write has
 * reached the disk (fsync) and survives power loss.
 *
 * Two threads, two connections. Reads go straight to prepared statements on the main thread
 * and see every write whose promise has resolved. Writes run on a writer thread
 * (`sqlite-writer.ts`), so the event loop serving requests never spends time in inserts,
 * commits, checkpoints or fsync: every put, delete and transaction arriving in the same turn of
 * the event loop, or while the previous commit is in flight, is queued and sent as one group
 * commit, one SQLite transaction with each caller's operations in their own SAVEPOINT (a failure
 * rolls back only that caller's work). The writer thread commits with `synchronous=NORMAL`, then
 * fsyncs the WAL itself, and only then are the callers' promises settled. SQLite's own
 * checkpoints still sync the WAL before copying it into the database. Should the writer thread
 * die, the callers of its commit in flight are told it failed, and the next commit starts a new
 * thread.
 *
 * One server per file: the backend holds an exclusive lock on a companion file (`<file>-lock`)
 * from open to close (the OS drops it if the process dies), so a second server on the same file,
 * in this process or another, is refused with a clear error. The barrier's cache and the token
 * and lockout state in memory are only right while no other process writes the file.
 *
 * Files: the database, its `-wal`, `-shm` and `-lock` are mode 0600; a directory created for
 * them is 0700.
 */
import { chmodSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
import { ensureTable, isBusy, openDatabase, prepareFile, unavailable } from './sqlite-file.js';
import { packBatch } from './write-batch.js';
import type { WriterFailure, WriterReply } from './write-batch.js';
import { WriterThread } from './writer-thread.js';

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
 * when the file cannot be opened or another server holds it.
 */
export function createSqliteBackend(options: SqliteBackendOptions): StorageBackend {
  const path = resolve(options.path);
  let lock: Database.Database;
  try {
    prepareFile(path);
    prepareFile(`${path}-lock`);
    lock = lockFile(`${path}-lock`, path);
  } catch (err) {
    throw unavailable(err, 'cannot open the sqlite storage file');
  }
  let db: Database.Database;
  try {
    db = openDatabase(path);
  } catch (err) {
    lock.close();
    throw unavailable(err, 'cannot open the sqlite storage file');
  }
  try {
    ensureTable(db);
    db.pragma('query_only = true'); // this connection only reads: the writer thread writes
    for (const side of [`${path}-wal`, `${path}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
  } catch (err) {
    db.close();
    lock.close();
    throw unavailable(err, 'cannot open the sqlite storage file');
  }
  return new SqliteBackend(db, lock, path);
}

/** Takes the exclusive lock on the companion file `lockPath`, held by the returned connection
 * until it is closed. */
function lockFile(lockPath: string, path: string): Database.Database {
  const lock = new Database(lockPath, { timeout: 0 }); // refuse at once, not after waiting
  try {
    lock.pragma('journal_mode = MEMORY'); // the file holds nothing: no journal file beside it
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
    return lock;
  } catch (err) {
    lock.close();
    if (isBusy(err)) {
      throw new HushError('unavailable', `the storage file ${path} is in use by another process (another hush server?): stop it, or give this server its own data directory`, {
        cause: err,
      });
    }
    throw err;
  }
}

class SqliteBackend implements StorageBackend {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #lock: Database.Database;
  readonly #getStmt: Database.Statement<[string], Buffer | null>;
  readonly #seekStmt: Database.Statement<[string], string>;
  readonly #path: string;
  #writer: WriterThread | undefined;
  #queue: WriteJob[] = [];
  #scheduled = false;
  #closed = false;
  /** Jobs of the group commit in flight. */
  #inFlight: WriteJob[] | null = null;

  constructor(db: Database.Database, lock: Database.Database, path: string) {
    this.#db = db;
    this.#lock = lock;
    this.#path = path;
    this.#getStmt = db.prepare<[string], Buffer | null>('SELECT value FROM hush_kv WHERE key = ?').pluck();
    this.#seekStmt = db.prepare<[string], string>('SELECT key FROM hush_kv WHERE key >= ? ORDER BY key').pluck();
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
    if (this.#queue.length > 0 && this.#inFlight === null) this.#flush();
    while (this.#inFlight !== null || this.#queue.length > 0) await new Promise((r) => setImmediate(r));
    this.#closed = true;
    let failure: unknown;
    for (const step of [() => this.#writer?.close(), () => this.#db.close(), () => this.#lock.close()]) {
      // each step runs even if an earlier one failed; the writer's connection closes before ours,
      // the last, which checkpoints and removes the WAL
      try {
        await step();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw unavailable(failure);
  }

  #assertOpen(): void {
    if (this.#closed) throw new HushError('unavailable', 'storage backend is closed');
  }

  #enqueue(build: () => StorageOp[]): Promise<void> {
    return new Promise<void>((resolvePromise, rejectPromise) => {
      this.#assertOpen();
      const ops = build();
      this.#queue.push({ ops, resolve: resolvePromise, reject: rejectPromise });
      // While a commit is in flight the queue waits for it: its callers could not be answered
      // before the next fsync anyway, and one larger commit writes each page once.
      if (!this.#scheduled && this.#inFlight === null) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Sends every queued job to the writer thread as one group commit. */
  #flush(): void {
    this.#scheduled = false;
    const jobs = this.#queue;
    this.#queue = [];
    if (jobs.length === 0) return;
    if (this.#closed) {
      for (const job of jobs) job.reject(new HushError('unavailable', 'storage backend is closed'));
      return;
    }
    this.#inFlight = jobs;
    let sent: Promise<WriterReply>;
    try {
      // a thread that died (its commit in flight failed with it) is replaced by a new one, whose
      // connection opens once the dead one's was closed with its thread
      if (this.#writer === undefined || this.#writer.stopped) this.#writer = new WriterThread(this.#path);
      sent = this.#writer.commit(packBatch(jobs.map((job) => job.ops)));
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (reply) => this.#settle(jobs, reply),
      (err: unknown) => this.#settle(jobs, undefined, unavailable(err)),
    );
  }

  /** Answers the callers of the group commit in flight, then sends the next one. */
  #settle(jobs: readonly WriteJob[], reply: WriterReply | undefined, error?: HushError): void {
    this.#inFlight = null;
    if (reply?.kind === 'failed') {
      const { code, stage } = reply.failure;
      error = unavailable(Object.assign(new Error(`sqlite ${stage} failed`), { code }), stageMessage[stage]);
    }
    if (reply?.kind === 'committed') {
      const failed = new Map(reply.failedJobs);
      jobs.forEach((job, i) => {
        const code = failed.get(i);
        if (code === undefined) job.resolve();
        else job.reject(unavailable(Object.assign(new Error('sqlite write failed'), { code })));
      });
    } else {
      const err = error ?? unavailable(undefined);
      for (const job of jobs) job.reject(err);
    }
    if (this.#queue.length > 0 && !this.#scheduled) this.#flush();
  }
}

/** What callers are told when a whole group commit failed, by where it failed. */
const stageMessage: Readonly<Record<WriterFailure['stage'], string>> = {
  open: 'cannot open the sqlite storage file',
  commit: 'storage backend failed',
  sync: 'cannot sync the sqlite write-ahead log',
};

