/**
 * @module A pool of scan worker threads (one per available core by default) with a bounded
 * number of jobs in flight, so producers (a file walk, `git cat-file`) wait instead of
 * buffering a whole repository in memory.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { internalError } from '../../lib/errors.js';
import type { EngineSpec } from './engine-factory.js';
import type { Finding } from './finding.js';
import type { ScanExecutor, ScanJob } from './scan-job.js';

interface Slot {
  readonly worker: Worker;
  inFlight: number;
}

interface Waiting {
  readonly resolve: (f: Finding[]) => void;
  readonly reject: (e: Error) => void;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
/** Same extension as this module: `.ts` from sources, `.js` from the build, `.mjs` from a bundle. */
const WORKER_URL = new URL(`./scan-worker${/\.[cm]?[jt]s$/.exec(import.meta.url)?.[0] ?? '.js'}`, import.meta.url);

/** Running from TypeScript sources (tsx): loader hooks are per thread, so register tsx first. */
function startWorker(workerData: EngineSpec): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

export interface WorkerPoolOptions {
  readonly spec: EngineSpec;
  readonly threads?: number;
  /** Jobs in flight per worker before `capacity()` waits; default 8. */
  readonly perWorker?: number;
}

export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPool implements ScanExecutor {
  readonly #slots: Slot[] = [];
  readonly #waiting = new Map<number, Waiting>();
  readonly #limit: number;
  #nextId = 0;
  #inFlight = 0;
  #spaceWaiters: (() => void)[] = [];
  #failure: Error | null = null;

  constructor(options: WorkerPoolOptions) {
    const threads = options.threads ?? defaultThreadCount();
    this.#limit = threads * (options.perWorker ?? 8);
    for (let i = 0; i < threads; i++) {
      const worker = startWorker(options.spec);
      const slot: Slot = { worker, inFlight: 0 };
      worker.on('message', (msg: { id: number; findings?: Finding[]; error?: string }) => {
        slot.inFlight--;
        this.#inFlight--;
        const w = this.#waiting.get(msg.id);
        this.#waiting.delete(msg.id);
        if (msg.error !== undefined) w?.reject(internalError(new Error(msg.error)));
        else w?.resolve(msg.findings ?? []);
        this.#spaceWaiters.shift()?.();
      });
      worker.on('error', (err: unknown) => this.#fail(err instanceof Error ? err : new Error(String(err))));
      this.#slots.push(slot);
    }
  }

  capacity(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#inFlight < this.#limit) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  run(job: ScanJob): Promise<Finding[]> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.inFlight < slot.inFlight) slot = s;
    const id = this.#nextId++;
    slot.inFlight++;
    this.#inFlight++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      if (job.kind === 'bytes') {
        const copy = new Uint8Array(job.data.byteLength);
        copy.set(job.data);
        slot.worker.postMessage({ id, job: { ...job, data: copy } }, [copy.buffer]);
      } else slot.worker.postMessage({ id, job });
    });
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
