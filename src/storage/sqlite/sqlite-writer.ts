/**
 * @module The SQLite backend's writer thread: applies each group commit the main thread sends
 * (every caller in its own savepoint), fsyncs the WAL, then answers. The event loop, where
 * requests are served, never runs the inserts, the commit's writes or SQLite's checkpoints.
 *
 * Started by `writer-thread.ts` with `{ path }`; nothing else runs here.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { DELETE_SQL, PUT_SQL, openDatabase, sqliteCode } from './sqlite-file.js';
import { forEachJob } from './write-batch.js';
import type { WriteBatch, WriterReply, WriterRequest } from './write-batch.js';

class Writer {
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #put: Database.Statement<[string, Buffer]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #control: Readonly<Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo', Database.Statement>>;
  /** Our own descriptor of the `-wal` file, opened after the first commit, for fsync. */
  #walFd: number | undefined;

  constructor(path: string) {
    this.#path = path;
    this.#db = openDatabase(path);
    this.#put = this.#db.prepare<[string, Buffer]>(PUT_SQL);
    this.#delete = this.#db.prepare<[string]>(DELETE_SQL);
    const db = this.#db;
    this.#control = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT hush_job'),
      release: db.prepare('RELEASE hush_job'),
      undo: db.prepare('ROLLBACK TO hush_job'),
    };
  }

  commit(batch: WriteBatch): WriterReply {
    const failedJobs: [number, string][] = [];
    const c = this.#control;
    try {
      c.begin.run();
      forEachJob(batch, (job, ops) => {
        c.savepoint.run();
        try {
          for (const op of ops) {
            if (op.kind === 'put') this.#put.run(op.key, op.value as Buffer);
            else this.#delete.run(op.key);
          }
          c.release.run();
        } catch (err) {
          c.undo.run();
          c.release.run();
          failedJobs.push([job, sqliteCode(err)]);
        }
      });
      c.commit.run();
    } catch (err) {
      if (this.#db.inTransaction) {
        try {
          c.rollback.run();
        } catch {
          // the commit failure is what the callers need to see
        }
      }
      return { kind: 'failed', failure: { code: sqliteCode(err), stage: 'commit' } };
    }
    try {
      fsyncSync(this.#walDescriptor());
    } catch (err) {
      // The commit is in SQLite but may not be on disk: the callers must not be told it is.
      return { kind: 'failed', failure: { code: sqliteCode(err), stage: 'sync' } };
    }
    return { kind: 'committed', failedJobs };
  }

  close(): void {
    try {
      this.#db.close();
    } finally {
      if (this.#walFd !== undefined) closeSync(this.#walFd);
      this.#walFd = undefined;
    }
  }

  /** Opens the `-wal` file once (it exists after the first commit) and makes its name durable. */
  #walDescriptor(): number {
    if (this.#walFd === undefined) {
      this.#walFd = openSync(`${this.#path}-wal`, 'r');
      const dir = openSync(dirname(this.#path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.#walFd;
  }
}

const port = parentPort;
if (port === null) throw new Error('sqlite-writer runs as a worker thread');
const { path } = workerData as { path: string };
let writer: Writer | undefined;

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    try {
      writer?.close();
    } finally {
      port.close();
    }
    return;
  }
  if (writer === undefined) {
    try {
      writer = new Writer(path);
    } catch (err) {
      const reply: WriterReply = { kind: 'failed', failure: { code: sqliteCode(err), stage: 'open' } };
      port.postMessage(reply);
      return;
    }
  }
  port.postMessage(writer.commit(request.batch));
});
