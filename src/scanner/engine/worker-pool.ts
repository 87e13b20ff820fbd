/**
 * @module A pool of scan worker threads (one per available core by default) with a bounded
 * number of jobs (and bytes) in flight, so producers (a file walk, `git cat-file`) wait instead
 * of buffering a whole repository in memory. Jobs are sent in batches: one message per small
 * file would cost more than scanning it.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { internalError } from '../../lib/errors.js';
import { startModuleWorker } from '../../lib/module-worker.js';
import type { EngineSpec } from './engine-factory.js';
import type { Finding } from './finding.js';
import type { ScanExecutor, ScanJob } from './scan-job.js';
import type { WorkerResult } from './scan-worker.js';

interface Slot {
  readonly worker: Worker;
  inFlight: number;
  /** Jobs not sent yet, and the buffers their messages transfer. */
  batch: { id: number; job: ScanJob }[];
  transfer: ArrayBuffer[];
  batchBytes: number;
}

/** A batch is sent when it holds this many jobs or bytes, or when the producer yields. */
const BATCH_JOBS = 16;
const BATCH_BYTES = 1 << 20;

interface Waiting {
  readonly resolve: (f: Finding[]) => void;
  readonly reject: (e: Error) => void;
  readonly bytes: number;
}

export interface WorkerPoolOptions {
  readonly spec: EngineSpec;
  readonly threads?: number;
  /** Jobs in flight per worker before `capacity()` waits; default 64. */
  readonly perWorker?: number;
  /** Bytes (of `bytes` jobs) in flight before `capacity()` waits; default 64 MiB. */
  readonly maxBytes?: number;
}

export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPool implements ScanExecutor {
  readonly #slots: Slot[] = [];
  readonly #waiting = new Map<number, Waiting>();
  readonly #limit: number;
  readonly #maxBytes: number;
  #nextId = 0;
  #inFlight = 0;
  #bytesInFlight = 0;
  #flushScheduled = false;
  #spaceWaiters: (() => void)[] = [];
  #failure: Error | null = null;

  constructor(options: WorkerPoolOptions) {
    const threads = options.threads ?? defaultThreadCount();
    this.#limit = threads * (options.perWorker ?? 64);
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    for (let i = 0; i < threads; i++) {
      const worker = startModuleWorker(import.meta.url, 'scan-worker', options.spec);
      const slot: Slot = { worker, inFlight: 0, batch: [], transfer: [], batchBytes: 0 };
      worker.on('message', (msg: { results: WorkerResult[] }) => {
        for (const r of msg.results) {
          slot.inFlight--;
          this.#inFlight--;
          const w = this.#waiting.get(r.id);
          this.#waiting.delete(r.id);
          this.#bytesInFlight -= w?.bytes ?? 0;
          if ('error' in r) w?.reject(internalError(new Error(r.error)));
          else w?.resolve(r.findings);
        }
        while (this.#spaceWaiters.length > 0 && this.#hasRoom()) this.#spaceWaiters.shift()?.();
      });
      worker.on('error', (err: unknown) => this.#fail(err instanceof Error ? err : new Error(String(err))));
      this.#slots.push(slot);
    }
  }

  capacity(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#hasRoom()) return Promise.resolve();
    // the jobs holding the room may still sit in unsent batches
    this.#flushAll();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  run(job: ScanJob): Promise<Finding[]> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.inFlight < slot.inFlight) slot = s;
    const id = this.#nextId++;
    const bytes = job.kind === 'bytes' ? job.data.byteLength : 0;
    slot.inFlight++;
    this.#inFlight++;
    this.#bytesInFlight += bytes;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject, bytes });
      if (job.kind === 'bytes') {
        const copy = new Uint8Array(job.data.byteLength);
        copy.set(job.data);
        slot.batch.push({ id, job: { ...job, data: copy } });
        slot.transfer.push(copy.buffer);
      } else slot.batch.push({ id, job });
      slot.batchBytes += bytes;
      if (slot.batch.length >= BATCH_JOBS || slot.batchBytes >= BATCH_BYTES) this.#flush(slot);
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flushAll());
      }
    });
  }

  #hasRoom(): boolean {
    return this.#inFlight < this.#limit && this.#bytesInFlight < this.#maxBytes;
  }

  #flushAll(): void {
    this.#flushScheduled = false;
    for (const s of this.#slots) this.#flush(s);
  }

  #flush(slot: Slot): void {
    if (slot.batch.length === 0) return;
    slot.worker.postMessage({ batch: slot.batch }, slot.transfer);
    slot.batch = [];
    slot.transfer = [];
    slot.batchBytes = 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #fail(err: Error): void {
    this.#failure = internalError(err);
    for (const w of this.#waiting.values()) w.reject(this.#failure);
    this.#waiting.clear();
    for (const s of this.#spaceWaiters.splice(0)) s();
  }
}
