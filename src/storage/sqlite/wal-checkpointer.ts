/**
 * @module Checkpoints of the SQLite write-ahead log on a worker thread. A checkpoint copies the
 * WAL's pages into the database file and syncs both (two fsyncs); run by SQLite itself inside a
 * commit, it would stop the event loop for milliseconds every few hundred writes. Here the
 * server's connection only writes the WAL, and a second connection, on its own thread, runs a
 * PASSIVE checkpoint (which never blocks writers or readers) shortly after commits.
 *
 * SQLite's own automatic checkpoint stays on at a higher threshold on the main connection, as a
 * bound on the WAL's size should the worker fall behind or stop.
 *
 * The worker's code is a few lines of CommonJS kept here, so that it runs the same from the
 * TypeScript sources and from the build.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL pages after which the main connection checkpoints by itself (SQLite's default is 1000). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;
/** How soon after a commit the worker checkpoints: commits in that window share the checkpoint. */
const CHECKPOINT_DELAY_MS = 100;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL'); // the checkpoint syncs the WAL, then the database file
db.pragma('cache_size = -256');
parentPort.on('message', (msg) => {
  if (msg === 'close') {
    db.close();
    parentPort.postMessage('closed');
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage('done');
  } catch (err) {
    parentPort.postMessage('failed');
  }
});
`;

export interface WalCheckpointer {
  /** Call after each commit: schedules a checkpoint unless one is scheduled or running. */
  committed(): void;
  /** Waits for a running checkpoint, closes the worker's connection and stops the worker. */
  close(): Promise<void>;
}

export function startWalCheckpointer(path: string): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path },
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
  });
  worker.unref(); // never what keeps the process alive
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let stopped = false;
  worker.on('error', () => {
    stopped = true; // the main connection's own checkpoints take over
  });

  function start(): void {
    timer = undefined;
    if (stopped) return;
    running = true;
    worker.postMessage('checkpoint');
  }

  worker.on('message', (msg: string) => {
    if (msg !== 'done' && msg !== 'failed') return;
    running = false;
    if (again && !stopped) {
      again = false;
      timer ??= setTimeout(start, CHECKPOINT_DELAY_MS).unref();
    }
  });

  return {
    committed() {
      if (stopped) return;
      if (running) again = true;
      else timer ??= setTimeout(start, CHECKPOINT_DELAY_MS).unref();
    },
    async close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (stopped) {
        await worker.terminate();
        return;
      }
      stopped = true;
      const closed = new Promise<void>((resolve) => {
        const onMessage = (msg: string) => {
          if (msg !== 'closed') return;
          worker.off('message', onMessage);
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('error', () => resolve());
        worker.once('exit', () => resolve());
      });
      worker.ref();
      worker.postMessage('close'); // after a running checkpoint: messages are handled in order
      await closed;
      await worker.terminate();
    },
  };
}
