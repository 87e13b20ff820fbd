/**
 * @module Worker-thread entry: builds the engine from `workerData` (an EngineSpec) and answers
 * `{ batch: [{ id, job }] }` messages with `{ results: [{ id, findings } | { id, error }] }`.
 * Jobs travel in batches because a message round trip costs more than scanning a small file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildEngine } from './engine-factory.js';
import type { EngineSpec } from './engine-factory.js';
import type { Finding } from './finding.js';
import { runScanJobSync } from './scan-job.js';
import type { ScanJob } from './scan-job.js';

export type WorkerResult = { readonly id: number; readonly findings: Finding[] } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port !== null) {
  const ready = buildEngine(workerData as EngineSpec);
  port.on('message', (msg: { batch: { id: number; job: ScanJob }[] }) => {
    ready.then(
      ({ engine }) => {
        const results: WorkerResult[] = msg.batch.map(({ id, job }) => {
          try {
            return { id, findings: runScanJobSync(engine, job) };
          } catch (err) {
            return { id, error: err instanceof Error ? err.message : String(err) };
          }
        });
        port.postMessage({ results });
      },
      (err: unknown) => port.postMessage({ results: msg.batch.map(({ id }) => ({ id, error: err instanceof Error ? err.message : String(err) })) }),
    );
  });
}
