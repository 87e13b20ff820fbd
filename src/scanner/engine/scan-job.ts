/**
 * @module The unit of work handed to the engine, in-process or in a worker thread: a file to
 * read and scan, or bytes already read (a git blob, a file from an image layer).
 */
import { readFileSync } from 'node:fs';
import type { Finding } from './finding.js';
import type { ScanEngine } from './scan-engine.js';

export type ScanJob =
  | { readonly kind: 'file'; readonly abs: string; readonly path: string }
  | { readonly kind: 'bytes'; readonly data: Uint8Array; readonly path: string; readonly commit?: string };

/**
 * Runs one job; unreadable files (vanished, permission) yield no findings. Files are read
 * synchronously: the engine blocks the thread anyway, and one `readFileSync` costs a fraction of
 * the open/stat/read/close round trips through libuv's shared thread pool.
 */
export function runScanJobSync(engine: ScanEngine, job: ScanJob): Finding[] {
  if (job.kind === 'bytes') {
    return engine.scanBuffer(job.data, job.commit === undefined ? { path: job.path } : { path: job.path, commit: job.commit });
  }
  let data: Buffer;
  try {
    data = readFileSync(job.abs);
  } catch {
    return [];
  }
  return engine.scanBuffer(data, { path: job.path });
}

/** {@link runScanJobSync} as a promise. */
export function runScanJob(engine: ScanEngine, job: ScanJob): Promise<Finding[]> {
  try {
    return Promise.resolve(runScanJobSync(engine, job));
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

/** Something that runs scan jobs: in-process or a pool of worker threads. */
export interface ScanExecutor {
  /** Resolves once there is room for another job (bounded queue). */
  capacity(): Promise<void>;
  run(job: ScanJob): Promise<Finding[]>;
  close(): Promise<void>;
}

/** Runs jobs on the calling thread. */
export function inProcessExecutor(engine: ScanEngine): ScanExecutor {
  return {
    capacity: () => Promise.resolve(),
    run: (job) => runScanJob(engine, job),
    close: () => Promise.resolve(),
  };
}
